import { z } from "zod";
import { expiresAtSchema, importanceSchema, memoryDataSchema, metadataSchema, structuredContentSchema, tagsSchema } from "../memory/memory-data";
import { filterQuerySchema } from "../memory/memory-query";
import { IMPORT_MAX } from "../memory/memory-transfer";
import { LIMITS, MEMORY_TYPES, memoryTypeSchema } from "../memory/memory-types";
import { strictObject } from "../validation";

/** Request schemas of the HTTP API: the edge validation and the OpenAPI document both come from here. */

export const aiNameSchema = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _.'-]*$/u, "may hold letters, digits, spaces and _ . ' - and must start with a letter or digit");

export const aiUuidSchema = z.uuid({ error: "must be a UUID" });
export const memoryIdSchema = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "may hold only letters, digits, _ and -");

export const handshakeSchema = strictObject({
  ai_name: aiNameSchema.optional(),
  ai_uuid: aiUuidSchema.optional(),
  session_name: z.string().trim().min(1).max(200).optional(),
}).refine((body) => body.ai_name !== undefined || body.ai_uuid !== undefined, {
  message: "give ai_name to create an AI or ai_uuid to resume one",
  path: ["ai_name"],
});

const aiRef = { ai_name: aiNameSchema.optional(), ai_uuid: aiUuidSchema };

export const createMemorySchema = strictObject({ ...aiRef, memory_type: memoryTypeSchema, memory_data: memoryDataSchema });

export const editMemorySchema = strictObject({
  ...aiRef,
  memory_type: memoryTypeSchema,
  memory_id: memoryIdSchema,
  memory_data: memoryDataSchema,
  expected_version: z.number().int().positive().optional(),
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

export const limitSchema = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(LIMITS.retrieveMax, `must be at most ${LIMITS.retrieveMax}`);

export const retrieveMemoriesSchema = strictObject({
  ...aiRef,
  memory_type: memoryTypeOrAllSchema,
  limit: limitSchema.default(LIMITS.retrieveDefault),
  filter_query: filterQuerySchema.optional(),
  cursor: z.string().min(1).optional(),
});

/** REST: the memory fields directly in the body. */
export const restMemoryBodySchema = strictObject({
  content: z.union([z.string().trim().min(1, "must not be empty"), structuredContentSchema]),
  metadata: metadataSchema.optional(),
  tags: tagsSchema.optional(),
  importance: importanceSchema.optional(),
  expires_at: expiresAtSchema.optional(),
});

export const restMemoryPatchSchema = restMemoryBodySchema.partial().extend({
  expected_version: z.number().int().positive().optional(),
});

export const restMoveSchema = strictObject({ to_memory_type: memoryTypeSchema });

export const restListQuerySchema = strictObject({
  memory_type: memoryTypeOrAllSchema.optional(),
  limit: limitSchema.default(LIMITS.retrieveDefault),
  cursor: z.string().min(1).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  tags: z.string().optional().describe("comma-separated: every one of these tags"),
  source: z.string().optional(),
  created_after: z.iso.datetime({ offset: true }).optional(),
  created_before: z.iso.datetime({ offset: true }).optional(),
});

export const createAiSchema = strictObject({ ai_name: aiNameSchema });

export const updateAiSchema = strictObject({
  ai_name: aiNameSchema.optional(),
  status: z.enum(["active", "disabled"]).optional(),
  settings: strictObject({
    model: z.string().min(1).max(200).nullable().optional(),
    system_prompt: z.string().max(8000).nullable().optional(),
    memory_token_budget: z.number().int().min(100).max(100_000).optional(),
    working_memory_limit: z.number().int().min(5).max(10_000).optional(),
    reflections: z.boolean().optional(),
  }).optional(),
});

export const importSchema = strictObject({
  memories: z
    .array(
      strictObject({
        memory_type: memoryTypeSchema,
        content: restMemoryBodySchema.shape.content,
        metadata: metadataSchema.optional(),
        tags: tagsSchema.optional(),
        importance: importanceSchema.optional(),
        expires_at: expiresAtSchema.optional(),
      }),
    )
    .min(1, "must hold at least one memory")
    .max(IMPORT_MAX, `at most ${IMPORT_MAX} memories per import call`),
});
