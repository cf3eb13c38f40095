import { z } from "zod";
import { firestoreDateSchema, fitsFirestoreField, OBJECT_MACHINERY_KEYS } from "../firestore-values";
import { assertSize, jsonBytes, strictObject } from "../validation";
import { LIMITS } from "./memory-types";

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const structuredContentSchema = fitsFirestoreField(
  z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).refine((value) => Object.keys(value).length > 0, "must not be empty"),
  "content",
);

/** Metadata keys become lookups (and `filter_query.metadata`): JavaScript's own names are refused. */
export const metadataSchema = fitsFirestoreField(
  z
    .record(z.string(), z.unknown(), { error: "must be a JSON object" })
    .refine((value) => Object.keys(value).length <= LIMITS.metadataKeys, `at most ${LIMITS.metadataKeys} keys`),
  "metadata",
  OBJECT_MACHINERY_KEYS,
);

export const tagsSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1, "tags must not be empty")
      .max(LIMITS.tagChars, `tags are at most ${LIMITS.tagChars} characters`),
  )
  .max(LIMITS.tags, `at most ${LIMITS.tags} tags`);

export const importanceSchema = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
export const expiresAtSchema = firestoreDateSchema.nullable();

const memoryFieldsSchema = strictObject({
  content: z.union([z.string().trim().min(1, "must not be empty"), structuredContentSchema], {
    error: "must be a non-empty string or a JSON object",
  }),
  metadata: metadataSchema.optional(),
  tags: tagsSchema.optional(),
  importance: importanceSchema.optional(),
  expires_at: expiresAtSchema.optional(),
});

/**
 * `memory_data` of the seed routes: a string (the content), an object with `content` and optional
 * metadata, tags, importance and expires_at, or any other object, which is itself structured content.
 */
export const memoryDataSchema = z.preprocess(
  (value) => (typeof value === "string" || (isPlainObject(value) && !("content" in value)) ? { content: value } : value),
  memoryFieldsSchema,
);

export type MemoryData = z.infer<typeof memoryDataSchema>;

/** Sizes are 413s, not 400s: the request was well formed, only too large. */
export function assertMemoryDataSize(data: Partial<MemoryData>, field = "memory_data"): void {
  if (typeof data.content === "string") {
    assertSize(`${field}.content`, data.content.length, LIMITS.contentChars, "characters");
  } else if (data.content !== undefined) {
    assertSize(`${field}.content`, jsonBytes(data.content), LIMITS.structuredContentBytes, "bytes");
  }
  if (data.metadata) assertSize(`${field}.metadata`, jsonBytes(data.metadata), LIMITS.metadataBytes, "bytes");
}
