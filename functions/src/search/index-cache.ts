import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { memoryUpdateSchema } from "../events/memory-update";
import { type RoomEvent, roomCollection } from "../events/room-events";
import { storedAs } from "../firestore-converter";
import { type MemoryType, memoryText, type StoredMemory } from "../memory/memory-types";
import { memoryCollection } from "../memory/registry-service";
import { entryOf } from "./index-entry";
import { readShards } from "./index-shards";
import { MemoryIndex } from "./memory-index";

/**
 * Each instance keeps the search index of the AIs it serves. A warm index is brought up to date by
 * the AI's room: the `memory_update` events committed since the last look (one query, usually
 * empty or one event), then only the memories they name are read. A cold one reads the shards.
 * Every memory whose write was acknowledged before a search started is in what that search ranks.
 */

/** What catching up reads of a `memory_update` event: which memory, where, and what happened to it. */
const namedChange = memoryUpdateSchema.pick({ action: true, memory_type: true, memory_id: true });

/** Past this many new events, reading the shards again is cheaper than catching up. */
const MAX_CATCH_UP_EVENTS = 300;
/** Events expire after 7 days (TTL): an index older than this is read afresh. */
const MAX_WATERMARK_AGE_MS = 5 * 24 * 60 * 60 * 1000;
/** Entries held across all cached AIs before the least recently used AI is dropped. */
const MAX_CACHED_ENTRIES = 400_000;
/** The memory fields an index entry is made from. */
const ENTRY_FIELDS = ["memory_type", "content", "text", "importance", "created_at", "expires_at", "invalidated_at"];

interface CachedIndex {
  index: MemoryIndex;
  /** The commit time up to which the index is exact. */
  watermark: Timestamp;
  refresher: Refresher;
}

/**
 * Refreshes one at a time; a caller gets a refresh whose reads start after its call, so a write
 * acknowledged before the call is seen. Callers that arrive while one waits to start share it.
 */
class Refresher {
  private queued: Promise<void> | null = null;
  private tail: Promise<void> = Promise.resolve();

  run(task: () => Promise<void>): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.tail
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return task();
      });
    this.queued = next;
    this.tail = next;
    return next;
  }
}

const cache = new Map<string, CachedIndex>();

function remember(aiUuid: string, cached: CachedIndex): void {
  cache.delete(aiUuid);
  cache.set(aiUuid, cached);
  let total = 0;
  for (const each of cache.values()) total += each.index.size;
  for (const [key, each] of cache) {
    if (total <= MAX_CACHED_ENTRIES || key === aiUuid) break;
    cache.delete(key);
    total -= each.index.size;
  }
}

async function loadFromShards(db: Firestore, cached: CachedIndex, aiUuid: string): Promise<void> {
  const { entries, readTime } = await readShards(db, aiUuid);
  const index = new MemoryIndex();
  for (const entry of entries) index.upsert(entry);
  cached.index = index;
  cached.watermark = readTime;
}

/** Applies the memory changes committed after the watermark; false when there were too many. */
async function catchUp(db: Firestore, cached: CachedIndex, aiUuid: string): Promise<boolean> {
  const events = await roomCollection(db, aiUuid)
    .where("at", ">", cached.watermark)
    .orderBy("at")
    .limit(MAX_CATCH_UP_EVENTS)
    .select("at", "event", "data.action", "data.memory_type", "data.memory_id")
    .withConverter(storedAs<Pick<RoomEvent, "at" | "event" | "data">>())
    .get();
  if (events.size === MAX_CATCH_UP_EVENTS) return false;
  // The last change of each memory decides: deleted, or read it where it is now.
  const latest = new Map<string, { action: string; type: MemoryType }>();
  for (const doc of events.docs) {
    const { event, data } = doc.data();
    const change = event === "memory_update" ? namedChange.safeParse(data) : null;
    if (change?.success)
      latest.set(change.data.memory_id, { action: change.data.action, type: change.data.memory_type });
  }
  const toRead = [...latest].filter(([, change]) => change.action !== "deleted");
  const docs = toRead.length
    ? await db.getAll(...toRead.map(([id, change]) => memoryCollection(db, aiUuid, change.type).doc(id)), {
        fieldMask: ENTRY_FIELDS,
      })
    : [];
  for (const id of latest.keys()) cached.index.remove(id);
  for (const doc of docs) {
    // Gone since (moved or deleted after the query): its own event brings it back next time.
    if (!doc.exists) continue;
    const memory = { id: doc.id, ...doc.data() } as StoredMemory;
    cached.index.upsert(entryOf({ ...memory, text: memoryText(memory) }));
  }
  const last = events.docs[events.size - 1];
  if (last) cached.watermark = last.data().at;
  return true;
}

/** The AI's index, exact as of a moment after this call began. */
export async function loadIndex(db: Firestore, aiUuid: string): Promise<MemoryIndex> {
  let cached = cache.get(aiUuid);
  if (!cached) {
    cached = { index: new MemoryIndex(), watermark: Timestamp.fromMillis(0), refresher: new Refresher() };
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
