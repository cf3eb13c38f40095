import { AppError } from "../errors";

/**
 * The most memories one AI's search index supports: what an instance can hold warm beside the
 * requests it serves (about 1 KB of heap per exchange-sized memory, docs/engine.md). The
 * persisted index has no such wall (segments split as they fill); past this a write is refused
 * with a 429 naming `index` before anything is written, whatever `settings.max_memories` allows.
 */
export const INDEX_MAX_MEMORIES = 250_000;

/** Firestore's answer to a document past 1 MiB: INVALID_ARGUMENT, "maximum entity size is 1048576 bytes". */
const isEntityTooLarge = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 3 && typeof message === "string" && /maximum entity size/i.test(message);
};

/**
 * The last guard, should a document of the index pass Firestore's 1 MiB (none is written that
 * large): the transaction or batch failed as a whole, so nothing was written, and the caller is
 * told which limit it met instead of a bare 500.
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
