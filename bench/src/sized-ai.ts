/**
 * The AI of the per-size figures, grown through 1k, 10k and 50k memories (corpus.ts), with Mem0
 * holding the same texts for one user.
 */
import { randomUUID } from "node:crypto";
import { growMem0, growProduct, question } from "./corpus";
import { type FakeModel, hashedEmbedding } from "./fake-model";
import { clearIndexCache, compactIndex, nearestMemories, OVERLAP_MS, readLog, roomCollection } from "./functions";
import { type Mem0, newMem0 } from "./peers";
import { db, type HandshakeBody, type LocalApi, newLocalAi } from "./product";
import { median, type Results, timeEach } from "./stats";

export interface SizedAi {
  label: string;
  count: number;
  ai: HandshakeBody;
  mem0: Mem0;
  mem0UserId: string;
}

/** How many turns or queries each side is timed on at one size. */
export interface Samples {
  keyword: number;
  embedded: number;
  /** Mem0's. */
  peer: number;
}

export async function newSizedAi(local: LocalApi, model: FakeModel): Promise<SizedAi> {
  return {
    label: "",
    count: 0,
    ai: await newLocalAi(local, "bench-sized"),
    mem0: newMem0(model.baseUrl),
    mem0UserId: `bench-${randomUUID()}`,
  };
}

/**
 * The index cache's catch-up read (log documents after now: none), timed: the emulator answers any
 * query by scanning documents (more with the database's size), where production reads an index.
 */
async function timeCatchUpQuery(aiUuid: string): Promise<number> {
  return median(await timeEach(5, () => readLog(db, aiUuid, Date.now(), 300)));
}

/**
 * Deletes the AI's room events, as the 7-day TTL on `expires_at` does for an AI whose memories came
 * over months: the import wrote one event per memory, and the emulator applies no TTL.
 */
async function expireRoomEvents(aiUuid: string): Promise<void> {
  await db.recursiveDelete(roomCollection(db, aiUuid), db.bulkWriter({ throttling: false }));
}

/**
 * Grows both to `count` memories, then folds the import's index log into segments, as the trigger's
 * compaction does once 64 log documents wait (no trigger watches this database). The import's room
 * events are then deleted, and this instance's cached index dropped. What the emulator makes of a
 * query at this size is timed.
 */
export async function growSizedAi(
  results: Results,
  sized: SizedAi,
  size: { label: string; count: number },
): Promise<void> {
  const from = sized.count;
  await growProduct(sized.ai.ai_uuid, from, size.count, true);
  await compactIndex(db, sized.ai.ai_uuid, Date.now() + OVERLAP_MS);
  await growMem0(sized.mem0, sized.mem0UserId, from, size.count);
  Object.assign(sized, { label: size.label, count: size.count });
  results.add(
    `emulator_find_nearest_${size.label}_ms`,
    median(await timeEach(3, (i) => nearestMemories(db, sized.ai.ai_uuid, hashedEmbedding(question(i)), 10))),
    "ms",
    undefined,
    `the search's findNearest (10 neighbours, distances only) over the AI's ${size.count} embeddings: the emulator scans every vector ` +
      "(production uses the vector index of firestore.indexes.json)",
  );
  await expireRoomEvents(sized.ai.ai_uuid);
  clearIndexCache(sized.ai.ai_uuid);
  results.add(
    `emulator_query_${size.label}_ms`,
    await timeCatchUpQuery(sized.ai.ai_uuid),
    "ms",
    undefined,
    "the index cache's catch-up read of the AI's index log (no new change), which every chat turn and search runs, " +
      "as the emulator answers it here (production reads an index), after the import's log was folded and its room " +
      "events deleted (as the 7-day TTL would have for an AI that gathered its memories over months)",
  );
}
