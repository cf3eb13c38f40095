import { FieldPath, type Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { memoryIdSchema } from "../ids";
import type { MemoryData } from "./memory-data";
import { assertAiNotDeleted } from "./ai-deletion";
import { recordMemoryChanges } from "./memory-changes";
import { buildMemory } from "./memory-versions";
import { MEMORY_TYPES, type MemoryType, memoryTypeSchema, type StoredMemory, toMemory } from "./memory-types";
import { type AiRecord, memoryCollection, toAiView } from "./registry-service";

/** Where an export page ends: the last memory's type, exact creation time and id. */
const exportCursorFieldsSchema = z.strictObject({
  type: memoryTypeSchema,
  s: z.number().int(),
  n: z.number().int().min(0).max(999_999_999),
  id: memoryIdSchema,
});
type ExportCursor = z.infer<typeof exportCursorFieldsSchema>;

const encodeCursor = (cursor: ExportCursor): string => Buffer.from(JSON.stringify(cursor)).toString("base64url");

/** An export cursor as the API hands it out, checked field by field (a client may forge one). */
export const exportCursorSchema = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(512, "must be at most 512 characters")
  .transform((text, ctx) => {
    let json: unknown = null;
    try {
      json = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    } catch {}
    const parsed = exportCursorFieldsSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: "custom", message: "not a cursor returned by this API" });
    return z.NEVER;
  });

/** Up to `limit` memories after the cursor, every type in turn, oldest first; `more` when any follow. */
async function readPage(db: Firestore, aiUuid: string, limit: number, cursor?: ExportCursor) {
  const memories: StoredMemory[] = [];
  const first = cursor ? MEMORY_TYPES.indexOf(cursor.type) : 0;
  let more = false;
  for (const type of MEMORY_TYPES.slice(first)) {
    let query = memoryCollection(db, aiUuid, type).orderBy("created_at").orderBy(FieldPath.documentId());
    if (cursor?.type === type) query = query.startAfter(new Timestamp(cursor.s, cursor.n), cursor.id);
    // One more than fits tells whether anything follows.
    const room = limit - memories.length;
    const page = (await query.limit(room + 1).get()).docs.map((doc) => doc.data());
    memories.push(...page.slice(0, room));
    if (page.length > room) more = true;
    if (memories.length >= limit) {
      more ||= type !== MEMORY_TYPES[MEMORY_TYPES.length - 1];
      break;
    }
  }
  return { memories, more };
}

const cursorAfter = (memory: StoredMemory): ExportCursor => ({
  type: memory.memory_type,
  s: memory.created_at.seconds,
  n: memory.created_at.nanoseconds,
  id: memory.id,
});

const exportHead = (ai: AiRecord) => ({
  format: "ai-memory-export/1" as const,
  exported_at: new Date().toISOString(),
  ai: toAiView(ai),
});

/**
 * One page of the AI's memory, every type in turn, oldest first: a whole memory is never read in one
 * answer. `next_cursor` asks for the next page; each page imports back as one `importMemories` call.
 */
export async function exportPage(db: Firestore, ai: AiRecord, options: { limit: number; cursor?: ExportCursor }) {
  const { memories, more } = await readPage(db, ai.ai_uuid, options.limit, options.cursor);
  const last = memories[memories.length - 1];
  return {
    ...exportHead(ai),
    memories: memories.map(toMemory),
    next_cursor: more && last ? encodeCursor(cursorAfter(last)) : null,
  };
}

/** Every memory of the AI at once, read page by page: for a user's export of everything they own. */
export async function exportMemories(db: Firestore, ai: AiRecord) {
  const all: StoredMemory[] = [];
  for (let cursor: ExportCursor | undefined; ; ) {
    const { memories, more } = await readPage(db, ai.ai_uuid, IMPORT_MAX, cursor);
    all.push(...memories);
    if (!more || memories.length === 0) break;
    cursor = cursorAfter(memories[memories.length - 1]);
  }
  return { ...exportHead(ai), memories: all.map(toMemory) };
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
