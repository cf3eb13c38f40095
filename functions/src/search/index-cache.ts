import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import type { z } from "zod";
import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { memoryUpdateSchema } from "../events/memory-update";
import { type RoomEvent, roomCollection } from "../events/room-events";
import { storedAs } from "../firestore-converter";
import { memoryText, type StoredMemory } from "../memory/memory-types";
import { memoryCollection } from "../memory/registry-service";
import { entryOf } from "./index-entry";
import { readEpoch, streamShards } from "./index-shards";
import { MemoryIndex } from "./memory-index";
import { Refresher } from "./refresher";

/**
 * Each instance keeps the search index of the AIs it serves. A warm index is brought up to date by
 * the AI's room: the `memory_update` events committed since the last look, minus an overlap (one
 * query, usually empty or one event; relayed messages are not read), then only the memories they
 * name are read. A cold one reads the shards. Every memory whose write was acknowledged before a
 * search started is in what that search ranks.
 */

/** What catching up reads of a `memory_update` event: which memory, where, and what happened to it. */
const namedChange = memoryUpdateSchema.pick({ action: true, memory_type: true, memory_id: true });
type NamedChange = z.infer<typeof namedChange>;

/** Past this many new changes, reading the shards again is cheaper than catching up. */
const MAX_CATCH_UP_EVENTS = 300;
/**
 * How far back each catch-up looks again: an event can become visible after one with a later `at`
 * (README, "Order"), so the events of this window are read again and those already applied skipped.
 */
const OVERLAP_MS = 10_000;
/** Events expire after 7 days (TTL): an index not looked at for longer than this is read afresh. */
const MAX_WATERMARK_AGE_MS = 5 * 24 * 60 * 60 * 1000;
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
/** The memory fields an index entry is made from. */
const ENTRY_FIELDS = ["memory_type", "content", "text", "importance", "created_at", "expires_at", "invalidated_at"];

interface CachedIndex {
  index: MemoryIndex;
  /** The time up to which the index is exact, but for events that become visible late (OVERLAP_MS). */
  watermark: Timestamp;
  /** The persisted index's epoch the index was read at: another one means it was rebuilt since. */
  epoch: number;
  /** The events of the overlap window already applied (id -> `at` in ms). */
  applied: Map<string, number>;
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

async function loadFromShards(db: Firestore, cached: CachedIndex, aiUuid: string): Promise<void> {
  const { entries, epoch, readTime } = await streamShards(db, aiUuid);
  cached.index = MemoryIndex.of(entries);
  cached.watermark = readTime;
  cached.epoch = epoch;
  cached.applied.clear();
}

/** Re-reads the memories named by changes: removed where deleted, else read where they are now. */
async function applyChanges(db: Firestore, cached: CachedIndex, aiUuid: string, changes: Map<string, NamedChange>) {
  const toRead = [...changes].filter(([, change]) => change.action !== "deleted");
  const docs = toRead.length
    ? await db.getAll(...toRead.map(([id, change]) => memoryCollection(db, aiUuid, change.memory_type).doc(id)), {
        fieldMask: ENTRY_FIELDS,
      })
    : [];
  for (const id of changes.keys()) cached.index.remove(id);
  for (const doc of docs) {
    // Gone since (moved or deleted after the query): its own event brings it back next time.
    if (!doc.exists) continue;
    const memory = { id: doc.id, ...doc.data() } as StoredMemory;
    cached.index.upsert(entryOf({ ...memory, text: memoryText(memory) }));
  }
}

/** Applies the memory changes not applied yet; false when there were too many, or the index was rebuilt. */
async function catchUp(db: Firestore, cached: CachedIndex, aiUuid: string): Promise<boolean> {
  const since = Timestamp.fromMillis(cached.watermark.toMillis() - OVERLAP_MS);
  const [events, epoch] = await Promise.all([
    roomCollection(db, aiUuid)
      .where("event", "==", "memory_update")
      .where("at", ">", since)
      .orderBy("at")
      .limit(MAX_CATCH_UP_EVENTS + cached.applied.size)
      .select("at", "data.action", "data.memory_type", "data.memory_id")
      .withConverter(storedAs<Pick<RoomEvent, "at" | "data">>())
      .get(),
    readEpoch(db, aiUuid),
  ]);
  const fresh = events.docs.filter((doc) => !cached.applied.has(doc.id));
  if (epoch !== cached.epoch || fresh.length >= MAX_CATCH_UP_EVENTS) return false;
  // The memory is read as it is now, so which of its changes came last does not matter.
  const changes = new Map<string, NamedChange>();
  for (const doc of fresh) {
    const change = namedChange.safeParse(doc.data().data);
    if (change.success) changes.set(change.data.memory_id, change.data);
  }
  await applyChanges(db, cached, aiUuid, changes);
  for (const doc of fresh) cached.applied.set(doc.id, doc.data().at.toMillis());
  cached.watermark = events.readTime;
  for (const [id, atMs] of cached.applied)
    if (atMs <= events.readTime.toMillis() - OVERLAP_MS) cached.applied.delete(id);
  return true;
}

/** The AI's index, exact as of a moment after this call began. */
export async function loadIndex(db: Firestore, aiUuid: string): Promise<MemoryIndex> {
  let cached = cache.get(aiUuid);
  if (!cached) {
    cached = {
      index: new MemoryIndex(),
      watermark: Timestamp.fromMillis(0),
      epoch: 0,
      applied: new Map(),
      refresher: new Refresher(),
    };
    cache.set(aiUuid, cached);
  }
  const entry = cached;
  await entry.refresher.run(async () => {
    const fresh = entry.watermark.toMillis() > Date.now() - MAX_WATERMARK_AGE_MS;
    if (!fresh || !(await catchUp(db, entry, aiUuid))) await loadFromShards(db, entry, aiUuid);
  });
  remember(aiUuid, entry);
  return entry.index;
}

/** Forgets every cached index (tests, and the reindex command, which rewrites the shards). */
export function clearIndexCache(aiUuid?: string): void {
  if (aiUuid) cache.delete(aiUuid);
  else cache.clear();
}
