import {
  AggregateField,
  type DocumentSnapshot,
  FieldValue,
  type Firestore,
  type Query,
  Timestamp,
  type Transaction,
} from "firebase-admin/firestore";
import type { DocumentWriter } from "../firestore-writer";
import { MEMORY_TYPES, type MemoryType } from "../memory/memory-types";
import { decodeEntry, encodeEntry, type IndexEntry } from "./index-entry";
import { type InvertedSegment, readSegment, segmentEntries } from "./index-segment";

/**
 * The persisted search index of an AI, with no document that grows with it:
 * - `index_log/{id}`: what one commit changed in the index (memory id -> encoded entry, or null for
 *   a removal), written in the same transaction or batch as the memories, with the commit's time;
 * - `index_segments/{id}`: the entries of the memories whose id hashes under one prefix, compressed;
 *   a segment past SEGMENT_SPLIT_BYTES splits in two, so there are as many as the AI needs;
 * - `search_index/manifest`: which segments are current, up to when the log is folded into them
 *   (`folded_through`), how many entries they hold, and the epoch a rebuild moves on.
 * Compaction (index-compaction.ts) folds the log into new segments and swaps the manifest in one
 * transaction; a reader takes segments + the log since `folded_through` (minus OVERLAP_MS) and
 * applies the log in commit order, last change of an id winning, so a change folded and replayed
 * lands the same. The `changes`, `data` and `segments` fields are exempt from indexing.
 */

/** Raw (uncompressed) bytes past which a segment splits: compressed, a segment stays a fraction of 1 MiB. */
export const SEGMENT_SPLIT_BYTES = 512 * 1024;
/** A commit's changes go in log documents of at most this many bytes (an import of 200 exchanges is about 100 KB). */
const LOG_DOCUMENT_BYTES = 256 * 1024;
/**
 * How far back a reader replays the log before the time it is folded through or caught up to: a
 * commit can become visible after one with a later time (docs/realtime-and-sdk.md, "Order"), so
 * compaction folds only commits older than this, and readers look this far back again.
 */
export const OVERLAP_MS = 10_000;

/** The AI's registry document, named here and not imported: the registry's service reads counts from this module. */
const registryRef = (db: Firestore, aiUuid: string) => db.collection("ai_registry").doc(aiUuid);
export const manifestRef = (db: Firestore, aiUuid: string) =>
  registryRef(db, aiUuid).collection("search_index").doc("manifest");
export const indexLog = (db: Firestore, aiUuid: string) => registryRef(db, aiUuid).collection("index_log");
export const indexSegments = (db: Firestore, aiUuid: string) => registryRef(db, aiUuid).collection("index_segments");
/** Where the index lived before segments: 64 documents `search_index/s00`..`s63`, read until migrated. */
export const legacyShards = (db: Firestore, aiUuid: string) => registryRef(db, aiUuid).collection("search_index");

/** A segment as the manifest knows it: the hash prefix (bits) its memory ids fall under, and its size. */
export interface SegmentInfo {
  prefix: string;
  count: number;
  /** Entries per memory type, in MEMORY_TYPES order. */
  types: number[];
  bytes: number;
}

/** Memories per type, as the index counts them. */
export type TypeCounts = Record<MemoryType, number>;
export const noMemories = (): TypeCounts => ({ working_memory: 0, long_term_memory: 0, personal_logs: 0, archive: 0 });
export const totalOf = (counts: TypeCounts): number => Object.values(counts).reduce((sum, count) => sum + count, 0);

export interface Manifest {
  epoch: number;
  generation: number;
  /** Entries held by the segments, per memory type. */
  counts: TypeCounts;
  segments: Record<string, SegmentInfo>;
  /** How many segments there are (read without the map, to size the next fold). */
  segment_count: number;
  /** Every log document with an earlier `at` is in the segments. */
  folded_through: Timestamp;
  /** Log documents up to here are deleted: a reader that caught up to before it reads afresh. */
  pruned_through: Timestamp;
  /** Replaced segments, kept a while for readers of the manifest before (id -> retired at, ms). */
  retired: Record<string, number>;
  /** A compaction holds the index until then. */
  lease_until: Timestamp | null;
}

export const emptyManifest = (): Manifest => ({
  epoch: 0,
  generation: 0,
  counts: noMemories(),
  segments: {},
  segment_count: 0,
  folded_through: Timestamp.fromMillis(0),
  pruned_through: Timestamp.fromMillis(0),
  retired: {},
  lease_until: null,
});

export const manifestOf = (doc: DocumentSnapshot): Manifest | null =>
  doc.exists ? { ...emptyManifest(), ...(doc.data() as Partial<Manifest>) } : null;

/** What a reader of the log needs of a log document. */
export interface LogRecord {
  id: string;
  atMs: number;
  /** memory id -> encoded entry; null: removed. */
  changes: Record<string, string | null>;
}

export const logRecordOf = (doc: DocumentSnapshot): LogRecord => ({
  id: doc.id,
  atMs: (doc.get("at") as Timestamp).toMillis(),
  changes: (doc.get("changes") ?? {}) as Record<string, string | null>,
});

/**
 * Adds a commit's index changes to the caller's transaction or batch, as one log document (more
 * for a very large commit): no read, no shared document, so writers never contend. `added` says
 * how many memories of each type the commit brought in or took out (a move: one out, one in), so
 * counting needs no scan (`countMemories`).
 */
export function writeIndexChanges(
  writer: DocumentWriter,
  db: Firestore,
  aiUuid: string,
  changes: { upserts: IndexEntry[]; removals: string[]; added: Partial<TypeCounts> },
): void {
  const items: Array<[string, string | null]> = [
    ...changes.upserts.map((entry): [string, string] => [entry.id, encodeEntry(entry)]),
    ...changes.removals.map((id): [string, null] => [id, null]),
  ];
  let part: Record<string, string | null> = {};
  let bytes = 0;
  // Every type, zeros included: a query of several sums counts only documents holding all their fields.
  let added: TypeCounts = { ...noMemories(), ...changes.added };
  const flush = () => {
    writer.set(indexLog(db, aiUuid).doc(), { at: FieldValue.serverTimestamp(), changes: part, added }, {});
    added = noMemories();
    part = {};
    bytes = 0;
  };
  for (const [id, encoded] of items) {
    if (bytes > 0 && bytes + id.length + (encoded?.length ?? 0) > LOG_DOCUMENT_BYTES) flush();
    part[id] = encoded;
    bytes += id.length + (encoded?.length ?? 0) + 8;
  }
  if (bytes > 0 || Object.values(added).some((count) => count !== 0)) flush();
}

/** FNV-1a of the id as 32 bits: where a memory's entry lives never changes (a move keeps its id). */
export function idHashBits(memoryId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < memoryId.length; i += 1) {
    hash ^= memoryId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(2).padStart(32, "0");
}

/** The segment of the manifest whose prefix the id's hash starts with (segments' prefixes never overlap). */
export function segmentFor(manifest: Pick<Manifest, "segments">, memoryId: string): string | null {
  const bits = idHashBits(memoryId);
  for (const [id, info] of Object.entries(manifest.segments)) if (bits.startsWith(info.prefix)) return id;
  return null;
}

/** A stored segment document's contents, read: its memories and their postings (index-segment.ts). */
export const segmentOf = (doc: DocumentSnapshot): InvertedSegment =>
  readSegment({ data: doc.get("data") as Uint8Array, postings: doc.get("postings") as Uint8Array });

/** Raw size of a segment's entries (what SEGMENT_SPLIT_BYTES bounds). */
export const rawBytesOf = (entries: Map<string, string>): number => {
  let bytes = 2;
  for (const [id, encoded] of entries) bytes += id.length + encoded.length + 6;
  return bytes;
};

/** Everything a reader needs, read in one consistent snapshot (a read-only transaction). */
export interface IndexSnapshot {
  manifest: Manifest | null;
  /** The segments, each decompressed only when called for: a cold load holds one at a time. */
  segments: Array<() => InvertedSegment>;
  /** An AI not migrated yet: its legacy shards' entries (memory id -> encoded entry). */
  legacy: Array<Map<string, string>>;
  log: LogRecord[];
  readTime: Timestamp;
}

const logSince = (db: Firestore, aiUuid: string, sinceMs: number) =>
  indexLog(db, aiUuid).where("at", ">", Timestamp.fromMillis(sinceMs)).orderBy("at");

/** The entries of the legacy shards (an AI not migrated yet): `entries` maps of id -> encoded entry. */
export function legacyEntries(docs: DocumentSnapshot[]): Array<Map<string, string>> {
  return docs
    .filter((doc) => /^s\d\d$/.test(doc.id))
    .map((doc) => new Map(Object.entries((doc.get("entries") ?? {}) as Record<string, string>)));
}

/**
 * Reads the AI's index as of one moment: the manifest, its segments and the log not folded yet
 * (or, before the AI was migrated, the legacy shards and the whole log).
 */
export async function readIndexSnapshot(db: Firestore, aiUuid: string): Promise<IndexSnapshot> {
  return db.runTransaction(
    async (tx: Transaction) => {
      const manifest = manifestOf(await tx.get(manifestRef(db, aiUuid)));
      let segments: IndexSnapshot["segments"] = [];
      let legacy: IndexSnapshot["legacy"] = [];
      if (manifest) {
        const ids = Object.keys(manifest.segments);
        const docs = ids.length ? await tx.getAll(...ids.map((id) => indexSegments(db, aiUuid).doc(id))) : [];
        const missing = docs.find((doc) => !doc.exists);
        if (missing) throw new Error(`index segment ${missing.id} of AI ${aiUuid} is missing`);
        segments = docs.map((doc) => () => segmentOf(doc));
      } else {
        legacy = legacyEntries((await tx.get(legacyShards(db, aiUuid))).docs);
      }
      const since = manifest ? manifest.folded_through.toMillis() - OVERLAP_MS : 0;
      const log = await tx.get(logSince(db, aiUuid, since));
      return { manifest, segments, legacy, log: log.docs.map(logRecordOf), readTime: log.readTime };
    },
    { readOnly: true },
  );
}

/** The log documents after `sinceMs` (and up to `untilMs`), oldest first, at most `limit`. */
export async function readLog(db: Firestore, aiUuid: string, sinceMs: number, limit: number, untilMs?: number) {
  let query = logSince(db, aiUuid, sinceMs);
  if (untilMs !== undefined) query = query.where("at", "<=", Timestamp.fromMillis(untilMs));
  const snapshot = await query.limit(limit).get();
  return { log: snapshot.docs.map(logRecordOf), readTime: snapshot.readTime };
}

/** How many log documents there are after `sinceMs` and up to `untilMs`: one read per 1,000. */
export async function countLog(db: Firestore, aiUuid: string, sinceMs: number, untilMs: number): Promise<number> {
  const counted = await logSince(db, aiUuid, sinceMs).where("at", "<=", Timestamp.fromMillis(untilMs)).count().get();
  return counted.data().count;
}

/** What a warm reader checks with each catch-up: whether the index was rebuilt, or its log pruned. */
export async function readManifestMarks(db: Firestore, aiUuid: string): Promise<{ epoch: number; prunedMs: number }> {
  const [doc] = await db.getAll(manifestRef(db, aiUuid), { fieldMask: ["epoch", "pruned_through"] });
  return {
    epoch: Number(doc.get("epoch") ?? 0),
    prunedMs: (doc.get("pruned_through") as Timestamp | undefined)?.toMillis() ?? 0,
  };
}

/** The last change of each memory in a log read in commit order (null: removed). */
export function latestChanges(log: LogRecord[]): Map<string, string | null> {
  const latest = new Map<string, string | null>();
  for (const record of log) for (const [id, encoded] of Object.entries(record.changes)) latest.set(id, encoded);
  return latest;
}

/**
 * The final entries of a snapshot, decoded one at a time: segments (or legacy shards), with the log
 * applied in commit order on top (the last change of an id wins). For checks and tests: a cold load
 * builds its index from the segments in bulk (index-cache.ts).
 */
export function* entriesOf(snapshot: Omit<IndexSnapshot, "manifest" | "readTime">): Generator<IndexEntry> {
  const latest = latestChanges(snapshot.log);
  const bases = [...snapshot.legacy, ...snapshot.segments.map((segment) => segmentEntries(segment()))];
  for (const base of bases) {
    for (const [id, encoded] of base) {
      if (latest.has(id)) continue;
      const entry = decodeEntry(id, encoded);
      if (entry) yield entry;
    }
  }
  for (const [id, encoded] of latest) {
    const entry = encoded === null ? null : decodeEntry(id, encoded);
    if (entry) yield entry;
  }
}

/** Entries per type (in MEMORY_TYPES order) of encoded entries: the type is the second field. */
export function typeCountsOf(entries: Iterable<string>): number[] {
  const counts = MEMORY_TYPES.map(() => 0);
  for (const encoded of entries) {
    const type = Number(encoded.slice(encoded.indexOf("|") + 1, encoded.indexOf("|", 2)));
    if (type >= 0 && type < counts.length) counts[type] += 1;
  }
  return counts;
}

/**
 * The AI's memories per type, from its index, without reading them: the manifest's counts of what
 * is folded, plus what the log added since (sums over its few unfolded documents): two reads,
 * whatever the AI's size. Null for an AI without a manifest yet (small, or not migrated).
 */
export async function countMemories(db: Firestore, aiUuid: string): Promise<TypeCounts | null> {
  const [manifest] = await db.getAll(manifestRef(db, aiUuid), { fieldMask: ["counts", "folded_through"] });
  if (!manifest.exists) return null;
  let unfolded: Query = indexLog(db, aiUuid);
  const folded = manifest.get("folded_through") as Timestamp | undefined;
  if (folded) unfolded = unfolded.where("at", ">", folded);
  const sums = await unfolded
    .aggregate(Object.fromEntries(MEMORY_TYPES.map((type) => [type, AggregateField.sum(`added.${type}`)])))
    .get();
  const counts = { ...noMemories(), ...((manifest.get("counts") ?? {}) as Partial<TypeCounts>) };
  const added = sums.data() as Record<string, number | null>;
  for (const type of MEMORY_TYPES) counts[type] += Number(added[type] ?? 0);
  return counts;
}
