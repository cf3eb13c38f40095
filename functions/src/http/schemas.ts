import { z } from "zod";
import { firestoreDateSchema } from "../firestore-values";
import { aiUuidSchema, memoryIdSchema } from "../ids";
import { memoryDataSchema, memoryEditSchema, memoryFields, memoryFieldsSchema } from "../memory/memory-data";
import { cursorSchema, filterQuerySchema } from "../memory/memory-query";
import { settingsPatchSchema } from "../memory/ai-settings";
import { exportCursorSchema, IMPORT_MAX } from "../memory/memory-transfer";
import { LIMITS, MEMORY_SOURCES, MEMORY_TYPES, memoryTypeSchema } from "../memory/memory-types";
import { strictObject } from "../validation";

/** Request schemas of the HTTP API: the edge validation and the OpenAPI document both come from here. */

export const aiNameSchema = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} _.'-]*$/u,
    "may hold letters, digits, spaces and _ . ' - and must start with a letter or digit",
  );

export const handshakeSchema = strictObject({
  ai_name: aiNameSchema.optional(),
  ai_uuid: aiUuidSchema.optional(),
  session_name: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
}).refine((body) => body.ai_name !== undefined || body.ai_uuid !== undefined, {
  message: "give ai_name to create an AI or ai_uuid to resume one",
  path: ["ai_name"],
});

const aiRef = { ai_name: aiNameSchema.optional(), ai_uuid: aiUuidSchema };

export const createMemorySchema = strictObject({
  ...aiRef,
  memory_type: memoryTypeSchema,
  memory_data: memoryDataSchema,
});

export const editMemorySchema = strictObject({
  ...aiRef,
  memory_type: memoryTypeSchema,
  memory_id: memoryIdSchema,
  memory_data: memoryDataSchema,
  expected_version: memoryEditSchema.shape.expected_version,
});

export const deleteMemorySchema = strictObject({ ...aiRef, memory_type: memoryTypeSchema, memory_id: memoryIdSchema });

export const moveMemorySchema = strictObject({
  ...aiRef,
  from_memory_type: memoryTypeSchema,
  to_memory_type: memoryTypeSchema,
  document_id: memoryIdSchema,
});

/** A memory type, or "all" for every type at once. */
const memoryTypeOrAllSchema = z.enum([...MEMORY_TYPES, "all"], {
  error: () => `must be one of ${MEMORY_TYPES.join(", ")}, or all`,
});

/** A page size in a JSON body: a number, never `true`, `"5"` or `[5]`. */
export const limitSchema = z
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(LIMITS.retrieveMax, `must be at most ${LIMITS.retrieveMax}`);

/**
 * A page size in a query string: digits only (no `1e3`, ` 5` or `true`), then the same rules. Its
 * JSON schema is limitSchema's, so the OpenAPI document types it as the integer it is.
 */
export const queryLimitSchema = z.preprocess(
  (value) => (typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : value),
  limitSchema,
);

export const retrieveMemoriesSchema = strictObject({
  ...aiRef,
  memory_type: memoryTypeOrAllSchema,
  limit: limitSchema.default(LIMITS.retrieveDefault),
  filter_query: filterQuerySchema.optional(),
  cursor: cursorSchema.optional(),
});

/** REST: the memory fields directly in the body. */
export const restMemoryBodySchema = memoryFieldsSchema;
export const restMemoryPatchSchema = memoryEditSchema;

export const restMoveSchema = strictObject({ to_memory_type: memoryTypeSchema });

const queryText = (max: number) =>
  z
    .string({ error: "must be given once" })
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`);

export const restListQuerySchema = strictObject({
  memory_type: memoryTypeOrAllSchema.optional(),
  limit: queryLimitSchema.default(LIMITS.retrieveDefault),
  cursor: cursorSchema.optional(),
  q: queryText(200).optional(),
  tags: queryText(2000).optional().describe("comma-separated: every one of these tags"),
  source: z.enum(MEMORY_SOURCES, { error: () => `must be one of ${MEMORY_SOURCES.join(", ")}` }).optional(),
  created_after: firestoreDateSchema.optional(),
  created_before: firestoreDateSchema.optional(),
});

export const createAiSchema = strictObject({ ai_name: aiNameSchema });

export const listAisQuerySchema = strictObject({
  limit: queryLimitSchema.default(100),
  owner_uid: z.string().min(1).max(128).optional().describe("only this user's AIs (a user lists only their own)"),
});

export const updateAiSchema = strictObject({
  ai_name: aiNameSchema.optional(),
  status: z.enum(["active", "disabled"]).optional(),
  settings: settingsPatchSchema.optional(),
});

/** A page of an export: at most IMPORT_MAX memories, so each page imports back in one call. */
export const exportQuerySchema = strictObject({
  limit: queryLimitSchema.default(IMPORT_MAX),
  cursor: exportCursorSchema.optional(),
});

export const importSchema = strictObject({
  memories: z
    .array(strictObject({ memory_type: memoryTypeSchema, ...memoryFields }))
    .min(1, "must hold at least one memory")
    .max(IMPORT_MAX, `at most ${IMPORT_MAX} memories per import call`),
});
