import type { Firestore } from "firebase-admin/firestore";
import { AppError } from "../errors";
import { INDEX_MAX_MEMORIES } from "../search/index-limits";
import { loadIndex } from "../search/index-cache";
import { type AiRecord, settingOf } from "./registry-service";

/** How long an instance trusts a count before it counts again. */
const COUNT_TTL_MS = 5_000;

/**
 * The AI's memories across its four types: its search index holds an entry for each, exact as of
 * now, so counting costs the index's catch-up (a read or two), not a read per 1,000 memories.
 */
async function countMemories(db: Firestore, aiUuid: string): Promise<number> {
  return (await loadIndex(db, aiUuid)).size;
}

/**
 * `settings.max_memories` (and the search index's INDEX_MAX_MEMORIES, whichever is lower), checked
 * before memories are written, chat exchanges included: a 429 when `adding` more would pass it.
 * The count is at most COUNT_TTL_MS old and this instance adds what it lets through, so a burst in
 * one instance stays within the quota; concurrent instances may pass it by what they add in
 * those seconds (a soft cap, with no Firestore document written per memory).
 */
export class MemoryQuota {
  private readonly counts = new Map<string, { count: number; atMs: number }>();

  constructor(private readonly count = countMemories) {}

  async reserve(db: Firestore, ai: AiRecord, adding: number, nowMs = Date.now()): Promise<void> {
    const setting = settingOf(ai, "max_memories");
    const limit = Math.min(setting, INDEX_MAX_MEMORIES);
    let known = this.counts.get(ai.ai_uuid);
    if (!known || nowMs - known.atMs > COUNT_TTL_MS) {
      known = { count: await this.count(db, ai.ai_uuid), atMs: nowMs };
      if (this.counts.size >= 10_000) this.counts.clear();
      this.counts.set(ai.ai_uuid, known);
    }
    if (known.count + adding > limit) {
      const which =
        limit < setting
          ? `the search index supports ${INDEX_MAX_MEMORIES} memories per AI; delete some`
          : "delete some or raise the limit";
      throw new AppError(
        "resource_exhausted",
        `settings.max_memories: this AI holds ${known.count} memories of at most ${limit} (chat exchanges count); ${which}`,
        { field: "settings.max_memories", limit, count: known.count, supported_max: INDEX_MAX_MEMORIES },
      );
    }
    known.count += adding;
  }
}

/** The instance's quota counts, shared by every route that creates memories. */
export const memoryQuota = new MemoryQuota();
