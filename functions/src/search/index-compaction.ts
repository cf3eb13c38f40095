import { FieldValue, type Firestore, Timestamp } from "firebase-admin/firestore";
import { AiDeletedError, assertAiNotDeleted } from "../memory/ai-deletion";
import { MEMORY_TYPES } from "../memory/memory-types";
import { encodeSegment, segmentEntries } from "./index-segment";
import {
  emptyManifest,
  idHashBits,
  indexLog,
  indexSegments,
  latestChanges,
  legacyEntries,
  legacyShards,
  type LogRecord,
  logRecordOf,
  type Manifest,
  manifestOf,
  manifestRef,
  OVERLAP_MS,
  rawBytesOf,
  SEGMENT_SPLIT_BYTES,
  type SegmentInfo,
  segmentFor,
  segmentOf,
  noMemories,
  totalOf,
  type TypeCounts,
  typeCountsOf,
} from "./index-store";

/**
 * Folds an AI's index log into its segments. Segments are never rewritten in place: the touched
 * ones are written anew under new ids, then one transaction swaps the manifest to them, checking
 * that no other compaction or rebuild swapped it since. A compaction that dies half way leaves
 * only segments no manifest names (swept later) and the log as it was: nothing is lost, and the
 * next one does the work again. A lease in the manifest keeps compactions of one AI one at a time.
 */

/** Unfolded log documents past which the trigger compacts (at least: one per segment, so a fold pays). */
export const COMPACT_AFTER_LOG_DOCS = 64;
/** How long a compaction holds the index before another may take it over. */
const LEASE_MS = 120_000;
/** How long replaced segments and folded log documents stay for readers that started before. */
const RETIRED_KEEP_MS = 10 * 60_000;
const LOG_KEEP_MS = 60 * 60_000;
/** Log documents folded per compaction at most (the rest waits for the next). */
const FOLD_MAX_LOG_DOCS = 2_000;

export interface CompactionReport {
  compacted: boolean;
  reason?: "leased" | "nothing_to_fold" | "lost_race";
  folded_log_docs: number;
  segments_written: number;
  segments: number;
  count: number;
}

/** Takes the lease; the manifest as it was, or null when another holds it. */
export async function takeLease(
  db: Firestore,
  aiUuid: string,
  nowMs: number,
  leaseMs = LEASE_MS,
): Promise<{ manifest: Manifest; first: boolean } | null> {
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const doc = await tx.get(manifestRef(db, aiUuid));
    const manifest = manifestOf(doc) ?? emptyManifest();
    if (manifest.lease_until && manifest.lease_until.toMillis() > nowMs) return null;
    tx.set(manifestRef(db, aiUuid), { lease_until: Timestamp.fromMillis(nowMs + leaseMs) }, { merge: true });
    // No manifest yet: this compaction writes the first, from the legacy shards if the AI has any.
    return { manifest, first: !doc.exists };
  });
}

/** Splits entries by the next bit of their ids' hashes until each part is under SEGMENT_SPLIT_BYTES. */
function split(prefix: string, entries: Map<string, string>): Array<{ prefix: string; entries: Map<string, string> }> {
  if (rawBytesOf(entries) <= SEGMENT_SPLIT_BYTES || prefix.length >= 24) return [{ prefix, entries }];
  const halves = [new Map<string, string>(), new Map<string, string>()];
  for (const [id, encoded] of entries) halves[Number(idHashBits(id)[prefix.length])].set(id, encoded);
  return [...split(`${prefix}0`, halves[0]), ...split(`${prefix}1`, halves[1])];
}

/** Every entry of the legacy shards, by id (the base of an AI's first compaction). */
async function legacyBase(db: Firestore, aiUuid: string): Promise<Map<string, string>> {
  return new Map(legacyEntries((await legacyShards(db, aiUuid).get()).docs).flatMap((shard) => [...shard]));
}

/**
 * Writes segments for the given contents (prefix -> entries, split where too big) and returns
 * the manifest entries they make. Each segment is its own write: together they may pass a commit's 10 MiB.
 */
export async function writeSegments(
  db: Firestore,
  aiUuid: string,
  generation: number,
  contents: Array<{ prefix: string; entries: Map<string, string> }>,
): Promise<Record<string, SegmentInfo>> {
  const written: Record<string, SegmentInfo> = {};
  const parts = contents.flatMap(({ prefix, entries }) => split(prefix, entries));
  const writer = db.bulkWriter();
  writer.onWriteError((error) => error.failedAttempts < 5);
  for (const part of parts) {
    const id = `p${part.prefix || "x"}-g${generation}`;
    const { data, postings } = encodeSegment(part.entries);
    void writer.set(indexSegments(db, aiUuid).doc(id), {
      prefix: part.prefix,
      count: part.entries.size,
      data,
      postings,
    });
    written[id] = {
      prefix: part.prefix,
      count: part.entries.size,
      types: typeCountsOf(part.entries.values()),
      bytes: data.length + postings.length,
    };
  }
  await writer.close();
  return written;
}

/** Entries of the segments, per type. */
export function countsOf(segments: Record<string, SegmentInfo>): TypeCounts {
  const counts = noMemories();
  for (const info of Object.values(segments)) {
    MEMORY_TYPES.forEach((type, index) => {
      counts[type] += info.types[index];
    });
  }
  return counts;
}

/**
 * Swaps the manifest if nobody else did since `seen` was read: the commit point of a compaction
 * and of a rebuild. Deletes what it retires only later, once readers of the old manifest are done.
 * Refused once the AI is deleted; the segments written for it go then (the deletion's sweep may
 * have passed before they were written).
 */
export async function swapManifest(
  db: Firestore,
  aiUuid: string,
  seen: Manifest,
  next: Pick<Manifest, "epoch" | "counts" | "segments" | "folded_through">,
  nowMs: number,
): Promise<Manifest | null> {
  return db
    .runTransaction(async (tx) => {
      await assertAiNotDeleted(tx, db, aiUuid);
      const current = manifestOf(await tx.get(manifestRef(db, aiUuid))) ?? emptyManifest();
      if (current.generation !== seen.generation) return null;
      const retired = { ...current.retired };
      for (const id of Object.keys(current.segments)) if (!(id in next.segments)) retired[id] = nowMs;
      const prunedMs = Math.max(
        current.pruned_through.toMillis(),
        Math.min(next.folded_through.toMillis() - OVERLAP_MS, nowMs - LOG_KEEP_MS),
      );
      const manifest: Manifest = {
        ...next,
        segment_count: Object.keys(next.segments).length,
        generation: current.generation + 1,
        retired,
        pruned_through: Timestamp.fromMillis(Math.max(prunedMs, 0)),
        lease_until: null,
      };
      tx.set(manifestRef(db, aiUuid), manifest);
      return manifest;
    })
    .catch(async (error: unknown) => {
      if (error instanceof AiDeletedError) {
        const written = Object.keys(next.segments).filter((id) => !(id in seen.segments));
        await Promise.all(written.map((id) => indexSegments(db, aiUuid).doc(id).delete()));
      }
      throw error;
    });
}

/** Deletes segments retired long enough ago and log documents up to `pruned_through`. */
async function sweep(db: Firestore, aiUuid: string, manifest: Manifest, nowMs: number): Promise<void> {
  const expired = Object.entries(manifest.retired).filter(([, atMs]) => atMs < nowMs - RETIRED_KEEP_MS);
  const writer = db.bulkWriter();
  for (const [id] of expired) void writer.delete(indexSegments(db, aiUuid).doc(id));
  const prunable = await indexLog(db, aiUuid)
    .where("at", "<=", manifest.pruned_through)
    .orderBy("at")
    .select()
    .limit(FOLD_MAX_LOG_DOCS)
    .get();
  for (const doc of prunable.docs) void writer.delete(doc.ref);
  await writer.close();
  if (expired.length) {
    // An update, not a merge: it must not re-create the manifest of an AI deleted meanwhile.
    const gone = Object.fromEntries(expired.map(([id]) => [`retired.${id}`, FieldValue.delete()]));
    await manifestRef(db, aiUuid).update(gone);
  }
}

/** Releases a lease a failed compaction held, so the next one need not wait it out. */
export async function releaseLease(db: Firestore, aiUuid: string): Promise<void> {
  await manifestRef(db, aiUuid)
    .update({ lease_until: null })
    .catch(() => undefined);
}

/**
 * Folds the log settled by now (older than OVERLAP_MS) into the segments. Safe to run at any time,
 * twice, and beside writers: what it folds is replayed by readers anyway until it swaps the manifest.
 */
export async function compactIndex(db: Firestore, aiUuid: string, nowMs = Date.now()): Promise<CompactionReport> {
  const lease = await takeLease(db, aiUuid, nowMs);
  const skipped = (reason: CompactionReport["reason"], manifest?: Manifest): CompactionReport => ({
    compacted: false,
    reason,
    folded_log_docs: 0,
    segments_written: 0,
    segments: Object.keys(manifest?.segments ?? {}).length,
    count: manifest ? totalOf(manifest.counts) : 0,
  });
  if (!lease) return skipped("leased");
  const { manifest: leased, first: migrating } = lease;
  try {
    const settled = Timestamp.fromMillis(nowMs - OVERLAP_MS);
    const logDocs = await indexLog(db, aiUuid)
      .where("at", ">", Timestamp.fromMillis(Math.max(leased.folded_through.toMillis() - OVERLAP_MS, 0)))
      .where("at", "<=", settled)
      .orderBy("at")
      .limit(FOLD_MAX_LOG_DOCS)
      .get();
    const log: LogRecord[] = logDocs.docs.map(logRecordOf);
    if (log.length === 0 && !migrating) {
      await releaseLease(db, aiUuid);
      await sweep(db, aiUuid, leased, nowMs);
      return skipped("nothing_to_fold", leased);
    }
    // Last change of each id wins; grouped by the segment the id falls in.
    const latest = latestChanges(log);
    const foldedThrough = log.length
      ? Timestamp.fromMillis(Math.max(log[log.length - 1].atMs, leased.folded_through.toMillis()))
      : leased.folded_through;

    let contents: Array<{ prefix: string; entries: Map<string, string> }>;
    const kept: Record<string, SegmentInfo> = { ...leased.segments };
    if (migrating || Object.keys(leased.segments).length === 0) {
      const base = migrating ? await legacyBase(db, aiUuid) : new Map<string, string>();
      for (const [id, encoded] of latest) {
        if (encoded === null) base.delete(id);
        else base.set(id, encoded);
      }
      for (const id of Object.keys(kept)) delete kept[id];
      contents = [{ prefix: "", entries: base }];
    } else {
      const touched = new Map<string, Array<[string, string | null]>>();
      for (const [id, encoded] of latest) {
        const segment = segmentFor(leased, id)!;
        touched.set(segment, [...(touched.get(segment) ?? []), [id, encoded]]);
      }
      const ids = [...touched.keys()];
      const docs = await db.getAll(...ids.map((id) => indexSegments(db, aiUuid).doc(id)));
      contents = docs.map((doc, index) => {
        const entries = segmentEntries(segmentOf(doc));
        for (const [id, encoded] of touched.get(ids[index])!) {
          if (encoded === null) entries.delete(id);
          else entries.set(id, encoded);
        }
        delete kept[ids[index]];
        return { prefix: leased.segments[ids[index]].prefix, entries };
      });
    }
    const written = await writeSegments(db, aiUuid, leased.generation + 1, contents);
    const segments = { ...kept, ...written };
    const counts = countsOf(segments);
    const swapped = await swapManifest(
      db,
      aiUuid,
      leased,
      { epoch: leased.epoch, counts, segments, folded_through: foldedThrough },
      nowMs,
    );
    if (!swapped) return skipped("lost_race", leased);
    if (migrating) await deleteLegacyShards(db, aiUuid);
    await sweep(db, aiUuid, swapped, nowMs);
    return {
      compacted: true,
      folded_log_docs: log.length,
      segments_written: Object.keys(written).length,
      segments: Object.keys(segments).length,
      count: totalOf(counts),
    };
  } catch (error) {
    await releaseLease(db, aiUuid);
    throw error;
  }
}

/** The 64 documents of the index before segments (and its old epoch counter): gone once migrated. */
export async function deleteLegacyShards(db: Firestore, aiUuid: string): Promise<void> {
  const docs = await legacyShards(db, aiUuid).select().get();
  const writer = db.bulkWriter();
  for (const doc of docs.docs) if (doc.id !== "manifest") void writer.delete(doc.ref);
  await writer.close();
}

/** Unfolded log documents counted (one read per 1,000), and a compaction when there are enough. */
export async function compactIfDue(
  db: Firestore,
  aiUuid: string,
  nowMs = Date.now(),
): Promise<CompactionReport | null> {
  const [doc] = await db.getAll(manifestRef(db, aiUuid), {
    fieldMask: ["folded_through", "lease_until", "segment_count"],
  });
  const lease = doc.get("lease_until") as Timestamp | null | undefined;
  if (lease && lease.toMillis() > nowMs) return null;
  const folded = (doc.get("folded_through") as Timestamp | undefined) ?? Timestamp.fromMillis(0);
  const unfolded = await indexLog(db, aiUuid).where("at", ">", folded).count().get();
  // A fold rewrites the segments it touches: with many segments, fold more at a time.
  const due = Math.max(COMPACT_AFTER_LOG_DOCS, Number(doc.get("segment_count") ?? 0) / 2);
  return unfolded.data().count >= due ? compactIndex(db, aiUuid, nowMs) : null;
}
