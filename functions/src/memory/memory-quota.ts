import type { Firestore } from "firebase-admin/firestore";
import { AppError } from "../errors";
import { type AiRecord, memoryCounts, settingOf } from "./registry-service";

/** How long an instance trusts a count before it counts again. */
const COUNT_TTL_MS = 5_000;

/** The AI's memories across its four types, by count() aggregations (a read per 1,000 entries). */
async function countMemories(db: Firestore, aiUuid: string): Promise<number> {
  return Object.values(await memoryCounts(db, aiUuid)).reduce((sum, count) => sum + count, 0);
}

/**
 * `settings.max_memories`, checked before memories are written: a 429 when `adding` more would pass
 * it. The count is at most COUNT_TTL_MS old and this instance adds what it lets through, so a burst
 * in one instance stays within the quota; concurrent instances may pass it by what they add in
 * those seconds (a soft cap, with no Firestore document written per memory).
 */
export class MemoryQuota {
  private readonly counts = new Map<string, { count: number; atMs: number }>();

  constructor(private readonly count = countMemories) {}

  async reserve(db: Firestore, ai: AiRecord, adding: number, nowMs = Date.now()): Promise<void> {
    const limit = settingOf(ai, "max_memories");
    let known = this.counts.get(ai.ai_uuid);
    if (!known || nowMs - known.atMs > COUNT_TTL_MS) {
      known = { count: await this.count(db, ai.ai_uuid), atMs: nowMs };
      if (this.counts.size >= 10_000) this.counts.clear();
      this.counts.set(ai.ai_uuid, known);
    }
    if (known.count + adding > limit) {
      throw new AppError(
        "resource_exhausted",
        `settings.max_memories: this AI holds ${known.count} memories of at most ${limit}; delete some or raise the limit`,
        { field: "settings.max_memories", limit, count: known.count },
      );
    }
    known.count += adding;
  }
}

/** The instance's quota counts, shared by every route that creates memories. */
export const memoryQuota = new MemoryQuota();
