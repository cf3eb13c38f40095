import { AppError } from "../errors";

/**
 * What an AI's persisted index supports. Its 64 shards hold each memory's entry (at most about
 * 3.6 KB, an exchange-sized one about 700 bytes): at 50,000 exchange-sized memories the fullest
 * shard is near 560 KB of Firestore's 1 MiB per document. Past this many memories a write is
 * refused with a 429 before anything is written, whatever `settings.max_memories` allows.
 */
export const INDEX_MAX_MEMORIES = 50_000;

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
      "Delete memories (archives first) or run `npm run reindex`",
    { field: "index", limit_bytes: 1_048_576 },
  );
}
