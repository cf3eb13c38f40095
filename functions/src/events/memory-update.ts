import { z } from "zod";
import { MEMORY_SOURCES, MEMORY_TYPES } from "../memory/memory-types";

export const MEMORY_ACTIONS = ["created", "updated", "moved", "deleted", "superseded", "restored"] as const;
export type MemoryAction = (typeof MEMORY_ACTIONS)[number];

const memoryType = z.enum(MEMORY_TYPES);

/**
 * The data of a `memory_update` event, one shape: the services write it with each change, the
 * trigger reads it, the OpenAPI document names it and the client SDK's type is generated from it.
 */
export const memoryUpdateSchema = z.object({
  action: z.enum(MEMORY_ACTIONS),
  memory_type: memoryType,
  memory_id: z.string().min(1),
  version: z.number().int(),
  source: z
    .enum(MEMORY_SOURCES)
    .optional()
    .describe("what made the change (events written before it was added lack it)"),
  from: memoryType.optional().describe("on `moved`: where the memory came from"),
  to: memoryType.optional().describe("on `moved`: where it is now (= memory_type)"),
});
export type MemoryUpdate = z.infer<typeof memoryUpdateSchema>;
