import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import type { Firestore } from "firebase-admin/firestore";
import { decodeEntry } from "./index-entry";
import {
  type IndexSnapshot,
  latestChanges,
  type LogRecord,
  OVERLAP_MS,
  readIndexSnapshot,
  countLog,
  readLog,
  readManifestMarks,
} from "./index-store";
import { MemoryIndex } from "./memory-index";
import { Refresher } from "./refresher";

/**
 * Each instance keeps the search index of the AIs it serves. A cold one reads the persisted index
 * (segments and the log not folded yet, index-store.ts). A warm one is brought up to date by the
 * index log: the changes committed since the last look, usually none or one document (a change
 * carries its entry, so no memory is read), and a count of the overlap window for late ones. Every memory whose write was
 * acknowledged before a search started is in what that search ranks.
 */

/** Past this many new log documents, reading the index afresh is cheaper than catching up. */
const MAX_CATCH_UP_DOCS = 300;
/**
 * Heap the cached indexes may hold together before the least recently used AI's is dropped: a
 * share of what the instance has (its memory limit or V8's heap limit, the lower), so the requests
 * in flight keep the rest.
 */
const CACHE_SHARE = 0.3;
const cacheBudgetBytes = (): number => {
  const constrained = process.constrainedMemory?.() ?? 0;
  const memory = constrained > 0 && constrained < totalmem() ? constrained : totalmem();
  return CACHE_SHARE * Math.min(memory, getHeapStatistics().heap_size_limit);
};

interface CachedIndex {
  index: MemoryIndex;
  /** The time up to which the index is exact, but for changes that become visible late (OVERLAP_MS). */
  watermarkMs: number;
  /** The persisted index's epoch the index was read at: another one means it was rebuilt since. */
  epoch: number;
  /** The log documents of the overlap window already applied (id -> `at` in ms). */
  applied: Map<string, number>;
  /** Per memory changed within the overlap window, the time of its last change applied (ms). */
  changedAt: Map<string, number>;
  refresher: Refresher;
}

const cache = new Map<string, CachedIndex>();

function remember(aiUuid: string, cached: CachedIndex): void {
  cache.delete(aiUuid);
  cache.set(aiUuid, cached);
  const budget = cacheBudgetBytes();
  let total = 0;
  for (const each of cache.values()) total += each.index.bytes;
  for (const [key, each] of cache) {
    if (total <= budget || key === aiUuid) break;
    cache.delete(key);
    total -= each.index.bytes;
  }
}

/**
 * An index from a snapshot: its segments appended in bulk, one decompressed at a time (or the
 * legacy shards' entries), then the log's changes on top, in commit order.
 */
function indexOf(snapshot: IndexSnapshot): MemoryIndex {
  const index = new MemoryIndex();
  const latest = latestChanges(snapshot.log);
  for (const segment of snapshot.segments) index.addSegment(segment(), (id) => latest.has(id));
  for (const base of snapshot.legacy) {
    for (const [id, encoded] of base) {
      const entry = latest.has(id) ? null : decodeEntry(id, encoded);
      if (entry) index.upsert(entry);
    }
  }
  for (const [id, encoded] of latest) {
    const entry = encoded === null ? null : decodeEntry(id, encoded);
    if (entry) index.upsert(entry);
    else index.remove(id);
  }
  index.trim();
  return index;
}

async function loadFresh(db: Firestore, cached: CachedIndex, aiUuid: string): Promise<void> {
  const snapshot = await readIndexSnapshot(db, aiUuid);
  cached.index = indexOf(snapshot);
  cached.watermarkMs = snapshot.readTime.toMillis();
  cached.epoch = snapshot.manifest?.epoch ?? 0;
  cached.applied.clear();
  cached.changedAt.clear();
  remembered(cached, snapshot.log);
}

/** Notes the log documents applied, and forgets those older than the overlap window. */
function remembered(cached: CachedIndex, log: LogRecord[]): void {
  for (const record of log) {
    cached.applied.set(record.id, record.atMs);
    for (const id of Object.keys(record.changes))
      cached.changedAt.set(id, Math.max(record.atMs, cached.changedAt.get(id) ?? 0));
  }
  const horizon = cached.watermarkMs - OVERLAP_MS;
  for (const [id, atMs] of cached.applied) if (atMs <= horizon) cached.applied.delete(id);
  for (const [id, atMs] of cached.changedAt) if (atMs <= horizon) cached.changedAt.delete(id);
}

/**
 * Applies the log documents committed since the last look, in commit order: those after the
 * watermark, and, when counting the overlap window finds more than were applied from it, the
 * window's late ones (a change older than one already applied to the same memory is skipped).
 * Three reads when nothing is late, whatever was written. False when there were too many, the
 * index was rebuilt, or the log was pruned past where this index caught up to.
 */
async function catchUp(db: Firestore, cached: CachedIndex, aiUuid: string): Promise<boolean> {
  const windowStartMs = cached.watermarkMs - OVERLAP_MS;
  const [after, inWindow, marks] = await Promise.all([
    readLog(db, aiUuid, cached.watermarkMs, MAX_CATCH_UP_DOCS),
    countLog(db, aiUuid, windowStartMs, cached.watermarkMs),
    readManifestMarks(db, aiUuid),
  ]);
  if (marks.epoch !== cached.epoch || marks.prunedMs >= windowStartMs || after.log.length >= MAX_CATCH_UP_DOCS)
    return false;
  let fresh = after.log;
  if (inWindow > cached.applied.size) {
    const window = await readLog(db, aiUuid, windowStartMs, MAX_CATCH_UP_DOCS, cached.watermarkMs);
    const late = window.log.filter((record) => !cached.applied.has(record.id));
    fresh = [...late, ...fresh].sort((a, b) => a.atMs - b.atMs);
  }
  for (const record of fresh) {
    for (const [id, encoded] of Object.entries(record.changes)) {
      if ((cached.changedAt.get(id) ?? 0) > record.atMs) continue;
      const entry = encoded === null ? null : decodeEntry(id, encoded);
      if (entry) cached.index.upsert(entry);
      else cached.index.remove(id);
    }
  }
  cached.watermarkMs = after.readTime.toMillis();
  remembered(cached, fresh);
  return true;
}

/** The AI's index, exact as of a moment after this call began. */
export async function loadIndex(db: Firestore, aiUuid: string): Promise<MemoryIndex> {
  let cached = cache.get(aiUuid);
  if (!cached) {
    cached = {
      index: new MemoryIndex(),
      watermarkMs: 0,
      epoch: 0,
      applied: new Map(),
      changedAt: new Map(),
      refresher: new Refresher(),
    };
    cache.set(aiUuid, cached);
  }
  const entry = cached;
  await entry.refresher.run(async () => {
    if (entry.watermarkMs === 0 || !(await catchUp(db, entry, aiUuid))) await loadFresh(db, entry, aiUuid);
  });
  remember(aiUuid, entry);
  return entry.index;
}

/** The AI's index if this instance holds it, as of its last catch-up (no read): for estimates only. */
export function cachedIndex(aiUuid: string): MemoryIndex | undefined {
  const cached = cache.get(aiUuid);
  return cached && cached.watermarkMs > 0 ? cached.index : undefined;
}

/** Forgets every cached index (tests, and the reindex command, which rewrites the segments). */
export function clearIndexCache(aiUuid?: string): void {
  if (aiUuid) cache.delete(aiUuid);
  else cache.clear();
}
