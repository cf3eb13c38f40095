import type { Firestore } from "firebase-admin/firestore";
import { AppError } from "../errors";
import { INDEX_MAX_BYTES, RESERVED_ENTRY_BYTES } from "../search/index-limits";
import { loadIndex } from "../search/index-cache";
import { type AiRecord, settingOf } from "./registry-service";

/** How long an instance trusts a count before it counts again. */
const COUNT_TTL_MS = 5_000;

/** How many memories an AI holds, and what their entries take in its persisted index. */
export interface HeldMemories {
  count: number;
  indexBytes: number;
}

/**
 * The AI's memories across its four types: its search index holds an entry for each, exact as of
 * now, so counting costs the index's catch-up (a read or two), not a read per 1,000 memories.
 */
async function countMemories(db: Firestore, aiUuid: string): Promise<HeldMemories> {
  const index = await loadIndex(db, aiUuid);
  return { count: index.size, indexBytes: index.persistedBytes };
}

const held = (counted: number | HeldMemories): HeldMemories =>
  typeof counted === "number" ? { count: counted, indexBytes: 0 } : counted;

/**
 * `settings.max_memories` and the search index's INDEX_MAX_BYTES, checked before memories are
 * written, chat exchanges included: a 429 naming the limit when `adding` more would pass either.
 * The count is at most COUNT_TTL_MS old and this instance adds what it lets through, so a burst in
 * one instance stays within the quota; concurrent instances may pass it by what they add in
 * those seconds (a soft cap, with no Firestore document written per memory).
 */
export class MemoryQuota {
  private readonly counts = new Map<string, HeldMemories & { atMs: number }>();

  constructor(
    private readonly count: (db: Firestore, aiUuid: string) => Promise<number | HeldMemories> = countMemories,
  ) {}

  async reserve(db: Firestore, ai: AiRecord, adding: number, nowMs = Date.now()): Promise<void> {
    let known = this.counts.get(ai.ai_uuid);
    if (!known || nowMs - known.atMs > COUNT_TTL_MS) {
      known = { ...held(await this.count(db, ai.ai_uuid)), atMs: nowMs };
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
    if (known.indexBytes + adding * RESERVED_ENTRY_BYTES > INDEX_MAX_BYTES) {
      const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      throw new AppError(
        "resource_exhausted",
        `index: this AI's search index holds ${mib(known.indexBytes)} MiB of at most ${mib(INDEX_MAX_BYTES)} MiB ` +
          `(${known.count} memories); delete some (archives first)`,
        { field: "index", limit_bytes: INDEX_MAX_BYTES, bytes: known.indexBytes, count: known.count },
      );
    }
    known.count += adding;
    known.indexBytes += adding * RESERVED_ENTRY_BYTES;
  }
}

/** The instance's quota counts, shared by every route that creates memories. */
export const memoryQuota = new MemoryQuota();
