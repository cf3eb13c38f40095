import { type Firestore, FieldValue } from "firebase-admin/firestore";
import type { DocumentWriter } from "../firestore-writer";
import { registryRef } from "../memory/registry-service";
import { decodeEntry, encodeEntry, type IndexEntry } from "./index-entry";

/**
 * The persisted search index of an AI: its entries spread over SHARDS documents
 * (`ai_registry/{ai_uuid}/search_index/{shard}`, one map `entries` of memory id -> encoded entry), each
 * written in the same transaction or batch as the memory it describes. A memory's shard follows from
 * its id, so no document takes a write for every change of an AI, and 64 shards of at most 1 MiB hold
 * about 150,000 ordinary memories. The `entries` field is exempt from indexing (firestore.indexes.json).
 */
export const SHARDS = 64;

export const indexCollection = (db: Firestore, aiUuid: string) => registryRef(db, aiUuid).collection("search_index");

/**
 * The index's epoch (`search_index/epoch`, beside the shards): a rebuild moves it on, so every warm
 * instance, which reads it with each catch-up, reads the index afresh instead of trusting its own.
 */
const epochRef = (db: Firestore, aiUuid: string) => indexCollection(db, aiUuid).doc("epoch");

export const epochOf = (doc: { get(field: string): unknown } | undefined): number => Number(doc?.get("epoch") ?? 0);

export async function readEpoch(db: Firestore, aiUuid: string): Promise<number> {
  return epochOf(await epochRef(db, aiUuid).get());
}

/** Tells every instance that the persisted index was rebuilt under it. */
export async function advanceEpoch(db: Firestore, aiUuid: string): Promise<void> {
  await epochRef(db, aiUuid).set({ epoch: FieldValue.increment(1) }, { merge: true });
}

/** FNV-1a of the id, so the shard of a memory never changes (a move keeps its id). */
export function shardOf(memoryId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < memoryId.length; i += 1) {
    hash ^= memoryId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `s${((hash >>> 0) % SHARDS).toString().padStart(2, "0")}`;
}

/**
 * Puts entries in their shards and takes removed ids out, one blind merge per shard touched (no
 * read, so writers of one shard never conflict): a bulk change of 200 memories is at most 64 writes.
 */
export function writeEntries(
  writer: DocumentWriter,
  db: Firestore,
  aiUuid: string,
  changes: { upserts: IndexEntry[]; removals: string[] },
): void {
  const perShard = new Map<string, Record<string, unknown>>();
  const put = (id: string, value: unknown) => {
    const shard = shardOf(id);
    const entries = perShard.get(shard) ?? {};
    entries[id] = value;
    perShard.set(shard, entries);
  };
  for (const entry of changes.upserts) put(entry.id, encodeEntry(entry));
  for (const id of changes.removals) put(id, FieldValue.delete());
  for (const [shard, entries] of perShard)
    writer.set(indexCollection(db, aiUuid).doc(shard), { entries }, { merge: true });
}

/** The entries of shard documents, decoded one at a time: a cold load never holds them all decoded. */
function* entriesOf(docs: Array<{ get(field: string): unknown }>): Generator<IndexEntry> {
  for (const doc of docs) {
    const map = (doc.get("entries") ?? {}) as Record<string, unknown>;
    for (const [id, encoded] of Object.entries(map)) {
      const entry = typeof encoded === "string" ? decodeEntry(id, encoded) : null;
      if (entry) yield entry;
    }
  }
}

/** Every entry of the AI (decoded as iterated), its epoch, and the time of the read (what they are exact as of). */
export async function streamShards(db: Firestore, aiUuid: string) {
  const snapshot = await indexCollection(db, aiUuid).get();
  const epoch = epochOf(snapshot.docs.find((doc) => doc.id === "epoch"));
  return { entries: entriesOf(snapshot.docs), epoch, readTime: snapshot.readTime };
}

/** streamShards, every entry decoded at once (checks and tests). */
export async function readShards(db: Firestore, aiUuid: string) {
  const read = await streamShards(db, aiUuid);
  return { ...read, entries: [...read.entries] };
}
