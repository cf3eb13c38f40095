import { FieldPath, FieldValue, type Firestore } from "firebase-admin/firestore";
import { type MemoryType, MEMORY_TYPES, memoryText } from "../memory/memory-types";
import { memoryCollection, registryRef } from "../memory/registry-service";
import { embeddingsCollection } from "./embedding-service";
import { decodeEntry, entryOf, type IndexEntry } from "./index-entry";
import { clearIndexCache } from "./index-cache";
import { advanceEpoch, indexCollection, shardOf, writeEntries } from "./index-shards";

/** Memories per transaction: with their legacy clean-up and the shards, under Firestore's 500 writes. */
const CHUNK = 100;

export interface ReindexReport {
  ai_uuid: string;
  indexed: number;
  stale_entries_removed: number;
  documents_migrated: number;
}

/** Fields older versions kept in each memory document, which now live in the index and `embeddings`. */
const LEGACY_FIELDS = ["terms", "embedding", "embedding_hash", "embedding_model"];

async function reindexChunk(
  db: Firestore,
  aiUuid: string,
  type: MemoryType,
  ids: string[],
): Promise<{ indexed: number; migrated: number }> {
  return db.runTransaction(async (tx) => {
    const docs = await tx.getAll(...ids.map((id) => memoryCollection(db, aiUuid, type).doc(id)));
    const upserts: IndexEntry[] = [];
    let migrated = 0;
    for (const doc of docs) {
      const stored = doc.data();
      if (!stored) continue;
      const memory = { ...stored, id: doc.id, memory_type: type };
      upserts.push(entryOf({ ...memory, text: memoryText(memory) }));
      // Fields earlier versions stored, which the memory type no longer has: read by name.
      const legacy = (field: string): unknown => doc.get(field);
      const cleanup: Record<string, FieldValue> = {};
      for (const field of LEGACY_FIELDS) if (legacy(field) !== undefined) cleanup[field] = FieldValue.delete();
      // A string content is its own text: the copy older versions stored goes.
      if (typeof stored.content === "string" && stored.text !== undefined) cleanup.text = FieldValue.delete();
      if (legacy("embedding")) {
        tx.set(embeddingsCollection(db, aiUuid).doc(doc.id), {
          embedding: legacy("embedding"),
          hash: legacy("embedding_hash") ?? "",
          model: legacy("embedding_model") ?? "",
        });
      }
      if (Object.keys(cleanup).length) {
        // Not a change of the memory: the version stays, and no event is written.
        tx.update(doc.ref, cleanup);
        migrated += 1;
      }
    }
    writeEntries(tx, db, aiUuid, { upserts, removals: [] });
    return { indexed: upserts.length, migrated };
  });
}

/**
 * Entries whose memory exists in no collection, that cannot be read or that sit in the wrong shard:
 * removed from where they are (an entry that belongs is written back where it belongs by the scan).
 */
async function removeStaleEntries(db: Firestore, aiUuid: string, seen: Set<string>): Promise<number> {
  const shards = await indexCollection(db, aiUuid).get();
  const suspects: Array<{ id: string; shard: string }> = [];
  for (const shard of shards.docs) {
    for (const [id, encoded] of Object.entries((shard.get("entries") ?? {}) as Record<string, unknown>)) {
      const readable = typeof encoded === "string" && decodeEntry(id, encoded) !== null;
      if (!seen.has(id) || !readable || shardOf(id) !== shard.id) suspects.push({ id, shard: shard.id });
    }
  }
  let removed = 0;
  for (let start = 0; start < suspects.length; start += CHUNK / 4) {
    const chunk = suspects.slice(start, start + CHUNK / 4);
    removed += await db.runTransaction(async (tx) => {
      const refs = chunk.flatMap(({ id }) => MEMORY_TYPES.map((type) => memoryCollection(db, aiUuid, type).doc(id)));
      const docs = await tx.getAll(...refs);
      let count = 0;
      chunk.forEach(({ id, shard }, index) => {
        const exists = docs.slice(index * 4, index * 4 + 4).some((doc) => doc.exists);
        if (exists && shardOf(id) === shard) return; // unreadable but live: the scan rewrote it
        tx.set(indexCollection(db, aiUuid).doc(shard), { entries: { [id]: FieldValue.delete() } }, { merge: true });
        count += 1;
      });
      return count;
    });
  }
  return removed;
}

/**
 * Builds an AI's search index from its memories and moves what older versions kept in memory
 * documents (terms, the copy of a string content, the embedding) to where it lives now. Safe to run
 * twice and while the AI is in use: each chunk is re-read in the transaction that writes its entries.
 */
export async function reindexAi(db: Firestore, aiUuid: string): Promise<ReindexReport> {
  const seen = new Set<string>();
  let indexed = 0;
  let migrated = 0;
  for (const type of MEMORY_TYPES) {
    let after: string | null = null;
    for (;;) {
      let page = memoryCollection(db, aiUuid, type).orderBy(FieldPath.documentId()).select().limit(CHUNK);
      if (after) page = page.startAfter(after);
      const ids = (await page.get()).docs.map((doc) => doc.id);
      if (ids.length === 0) break;
      for (const id of ids) seen.add(id);
      const done = await reindexChunk(db, aiUuid, type, ids);
      indexed += done.indexed;
      migrated += done.migrated;
      after = ids[ids.length - 1];
    }
  }
  const staleRemoved = await removeStaleEntries(db, aiUuid, seen);
  // What the old fan-out kept on the registry and beside it; nothing reads it any more.
  await registryRef(db, aiUuid)
    .update({ stats: FieldValue.delete(), event_seq: FieldValue.delete() })
    .catch((error: { code?: number }) => {
      if (error.code !== 5) throw error; // NOT_FOUND: memories of an AI without a registry entry
    });
  await db.recursiveDelete(registryRef(db, aiUuid).collection("event_cursors"));
  await advanceEpoch(db, aiUuid);
  clearIndexCache(aiUuid);
  return { ai_uuid: aiUuid, indexed, stale_entries_removed: staleRemoved, documents_migrated: migrated };
}

/** Every AI of the database, one after the other. */
export async function reindexAll(
  db: Firestore,
  onDone: (report: ReindexReport) => void = () => undefined,
): Promise<ReindexReport[]> {
  const reports: ReindexReport[] = [];
  const ais = await db.collection("ai_registry").select().get();
  for (const ai of ais.docs) {
    const report = await reindexAi(db, ai.id);
    onDone(report);
    reports.push(report);
  }
  return reports;
}
