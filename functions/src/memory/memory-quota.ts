import type { Firestore } from "firebase-admin/firestore";
import { AppError } from "../errors";
import { cachedIndex } from "../search/index-cache";
import { INDEX_MAX_MEMORIES } from "../search/index-limits";
import { totalOf } from "../search/index-store";
import { type AiRecord, memoryCounts, settingOf } from "./registry-service";

/** How long an instance trusts a count before it counts again. */
const COUNT_TTL_MS = 5_000;

/**
 * The AI's memories across its four types, without reading them: the instance's warm index holds
 * an entry for each (as of its last catch-up, seconds ago at most while the AI is in use); else the
 * counts its index keeps (two reads, whatever its size; memoryCounts).
 */
async function heldMemories(db: Firestore, aiUuid: string): Promise<number> {
  const warm = cachedIndex(aiUuid);
  if (warm) return warm.size;
  return totalOf(await memoryCounts(db, aiUuid));
}

/**
 * `settings.max_memories` and the search index's INDEX_MAX_MEMORIES, checked before memories are
 * written, chat exchanges included: a 429 naming the limit when `adding` more would pass either.
 * The count is at most COUNT_TTL_MS old and this instance adds what it lets through, so a burst in
 * one instance stays within the quota; concurrent instances may pass it by what they add in
 * those seconds (a soft cap, with no Firestore document written per memory).
 */
export class MemoryQuota {
  private readonly counts = new Map<string, { count: number; atMs: number }>();

  constructor(private readonly count: (db: Firestore, aiUuid: string) => Promise<number> = heldMemories) {}

  async reserve(db: Firestore, ai: AiRecord, adding: number, nowMs = Date.now()): Promise<void> {
    let known = this.counts.get(ai.ai_uuid);
    if (!known || nowMs - known.atMs > COUNT_TTL_MS) {
      known = { count: await this.count(db, ai.ai_uuid), atMs: nowMs };
      if (this.counts.size >= 10_000) this.counts.clear();
      this.counts.set(ai.ai_uuid, known);
    }
    const limit = settingOf(ai, "max_memories");
    if (known.count + adding > limit) {
      throw new AppError(
        "resource_exhausted",
        `settings.max_memories: this AI holds ${known.count} memories of at most ${limit} (chat exchanges count); delete some or raise the limit`,
        { field: "settings.max_memories", limit, count: known.count },
      );
    }
    if (known.count + adding > INDEX_MAX_MEMORIES) {
      throw new AppError(
        "resource_exhausted",
        `index: this AI holds ${known.count} memories; one AI's search index supports at most ${INDEX_MAX_MEMORIES} ` +
          "(chat exchanges count); delete some (archives first)",
        { field: "index", limit: INDEX_MAX_MEMORIES, count: known.count },
      );
    }
    known.count += adding;
  }
}

/** The instance's quota counts, shared by every route that creates memories. */
export const memoryQuota = new MemoryQuota();
