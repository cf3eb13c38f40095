import { AppError } from "../errors";

/**
 * What an AI's persisted index supports: its 64 shards hold each memory's entry (at most about
 * 3.6 KB; an exchange-sized one about 510 bytes, a short one about 150), 40 MiB in all, about 640
 * KB a shard on average, so that the fullest (a few percent above the mean) stays well under
 * Firestore's 1 MiB per document. About 80,000 exchange-sized memories, or 250,000 short ones.
 * Past it a write is refused with a 429 before anything is written, whatever
 * `settings.max_memories` allows.
 */
export const INDEX_MAX_BYTES = 40 * 1024 * 1024;
/** What the quota reserves in the index per memory about to be written, before its entry exists. */
export const RESERVED_ENTRY_BYTES = 1024;

/** Firestore's answer to a document past 1 MiB: INVALID_ARGUMENT, "maximum entity size is 1048576 bytes". */
const isEntityTooLarge = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 3 && typeof message === "string" && /maximum entity size/i.test(message);
};

/**
 * The last guard, for content that fills a shard before the supported count (entries of many long,
 * distinct words): the transaction or batch failed as a whole, so nothing was written, and the
 * caller is told which limit it met instead of a bare 500.
 */
export function indexFullError(error: unknown): AppError | null {
  if (!isEntityTooLarge(error)) return null;
  return new AppError(
    "resource_exhausted",
    "index: a document of this AI's search index would pass Firestore's 1 MiB; nothing was written. " +
      "Delete memories (archives first)",
    { field: "index", limit_bytes: 1_048_576 },
  );
}
