import { type Firestore, Timestamp } from "firebase-admin/firestore";
import type { MemoryData } from "./memory-data";
import { assertAiNotDeleted } from "./ai-deletion";
import { recordMemoryChanges } from "./memory-changes";
import { buildMemory } from "./memory-versions";
import { MEMORY_TYPES, type MemoryType, toMemory } from "./memory-types";
import { type AiRecord, memoryCollection, toAiView } from "./registry-service";

/** The whole memory of one AI, every type, as JSON that `importMemories` takes back. */
export async function exportMemories(db: Firestore, ai: AiRecord) {
  const perType = await Promise.all(
    MEMORY_TYPES.map(async (type) => {
      const snapshot = await memoryCollection(db, ai.ai_uuid, type).orderBy("created_at").get();
      return snapshot.docs.map((doc) => toMemory(doc.data()));
    }),
  );
  return {
    format: "ai-memory-export/1",
    exported_at: new Date().toISOString(),
    ai: toAiView(ai),
    memories: perType.flat(),
  };
}

/** Memories per import call: with their events and index shards, one batch stays under Firestore's 500 writes. */
export const IMPORT_MAX = 200;

/** Writes memories in one transaction, with their index entries and events: all of them are imported, or none. */
export async function importMemories(
  db: Firestore,
  aiUuid: string,
  memories: Array<MemoryData & { memory_type: MemoryType }>,
): Promise<{ imported: number; memory_ids: string[] }> {
  const now = Timestamp.now();
  const created = memories.map((item, index) => {
    const ref = memoryCollection(db, aiUuid, item.memory_type).doc();
    // Distinct timestamps keep the import's order in newest-first listings.
    const at = Timestamp.fromMillis(now.toMillis() - memories.length + index + 1);
    const memory = buildMemory(aiUuid, item.memory_type, ref.id, { ...item, source: "import" }, at);
    return { ref, memory };
  });
  await db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    for (const { ref, memory } of created) tx.create(ref, memory);
    recordMemoryChanges(
      tx,
      db,
      created.map(({ memory }) => ({ action: "created", memory })),
      now,
    );
  });
  return { imported: created.length, memory_ids: created.map(({ memory }) => memory.id) };
}
