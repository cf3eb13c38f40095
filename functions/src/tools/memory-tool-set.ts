import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { memoryIdSchema } from "../ids";
import { assertMemoryDataSize } from "../memory/memory-data";
import { importanceSchema, tagsSchema } from "../memory/memory-data";
import { memoryQuota } from "../memory/memory-quota";
import { createMemory, deleteMemory, editMemory } from "../memory/memory-service";
import { MEMORY_TYPES, memoryTypeSchema, toMemory } from "../memory/memory-types";
import type { AiRecord } from "../memory/registry-service";
import type { Embedder } from "../models/model-client";
import { searchMemories } from "../search/memory-search";
import { parseInput, strictObject } from "../validation";
import { assertWritableType } from "./capability-policy";
import type { ServerTool } from "./server-tool";

/**
 * The memory tools a model calls itself during a chat (`settings.memory_tools`): search, remember,
 * write a personal log, update or forget a memory it names. Writes obey `settings.writable_types`.
 */
export interface MemoryToolContext {
  db: Firestore;
  ai: AiRecord;
  embedder: Embedder | null;
  sessionId: string;
  chatId: string;
}

interface Definition<S extends z.ZodType> {
  name: string;
  description: string;
  input: S;
  run(context: MemoryToolContext, args: z.infer<S>): Promise<unknown>;
}

const content = z.string().trim().min(1, "must not be empty").max(4000);
const compact = (memory: ReturnType<typeof toMemory>) => ({
  memory_id: memory.id,
  memory_type: memory.memory_type,
  content: memory.content,
  tags: memory.tags,
  importance: memory.importance,
  version: memory.version,
});

const define = <S extends z.ZodType>(definition: Definition<S>) => definition as unknown as Definition<z.ZodType>;

const DEFINITIONS = [
  define({
    name: "memory_search",
    description: "Search your own memory for what you know about a topic. Answers the best matches with their ids.",
    input: strictObject({
      query: z.string().trim().min(1).max(500),
      memory_types: z.array(memoryTypeSchema).min(1).optional(),
      limit: z.number().int().min(1).max(20).default(5),
    }),
    async run(context, args) {
      const hits = await searchMemories(context.db, context.ai.ai_uuid, {
        query: args.query,
        types: args.memory_types ?? MEMORY_TYPES,
        limit: args.limit,
        embedder: context.embedder,
      });
      return { results: hits.map((hit) => ({ ...compact(toMemory(hit.memory)), score: hit.score })) };
    },
  }),
  define({
    name: "memory_remember",
    description:
      "Store something worth remembering as one short, self-contained statement. memory_type: long_term_memory for durable facts, working_memory for passing context.",
    input: strictObject({
      content,
      memory_type: memoryTypeSchema.default("long_term_memory"),
      tags: tagsSchema.optional(),
      importance: importanceSchema.optional(),
    }),
    async run(context, { memory_type, ...data }) {
      return remember(context, memory_type, data);
    },
  }),
  define({
    name: "memory_log",
    description: "Write a personal log: your own thought or reflection about this conversation, kept for yourself.",
    input: strictObject({ content, tags: tagsSchema.optional() }),
    async run(context, data) {
      return remember(context, "personal_logs", data);
    },
  }),
  define({
    name: "memory_update",
    description: "Change a memory you found (by its memory_id and memory_type): its content, tags or importance.",
    input: strictObject({
      memory_type: memoryTypeSchema,
      memory_id: memoryIdSchema,
      content: content.optional(),
      tags: tagsSchema.optional(),
      importance: importanceSchema.optional(),
    }),
    async run(context, { memory_type, memory_id, ...changes }) {
      assertWritableType(context.ai, memory_type);
      assertMemoryDataSize(changes, "content");
      return compact(toMemory(await editMemory(context.db, context.ai.ai_uuid, memory_type, memory_id, changes)));
    },
  }),
  define({
    name: "memory_forget",
    description: "Delete a memory that is wrong or no longer wanted, by its memory_id and memory_type.",
    input: strictObject({ memory_type: memoryTypeSchema, memory_id: memoryIdSchema }),
    async run(context, args) {
      assertWritableType(context.ai, args.memory_type);
      await deleteMemory(context.db, context.ai.ai_uuid, args.memory_type, args.memory_id);
      return { forgotten: true, memory_id: args.memory_id };
    },
  }),
];

async function remember(
  context: MemoryToolContext,
  type: (typeof MEMORY_TYPES)[number],
  data: { content: string; tags?: string[]; importance?: number },
) {
  assertWritableType(context.ai, type);
  await memoryQuota.reserve(context.db, context.ai, 1);
  const { memory } = await createMemory(context.db, context.ai.ai_uuid, type, {
    ...data,
    metadata: { chat_id: context.chatId, via: "memory_tool" },
    source: type === "personal_logs" ? "reflection" : "api",
    session_id: context.sessionId,
  });
  return compact(toMemory(memory));
}

const jsonSchemas = new Map(
  DEFINITIONS.map((definition) => [
    definition.name,
    z.toJSONSchema(definition.input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
  ]),
);

const MEMORY_TOOL_TIMEOUT_MS = 10_000;

export const MEMORY_TOOL_NAMES = DEFINITIONS.map((definition) => definition.name);

export function memoryTools(context: MemoryToolContext): ServerTool[] {
  return DEFINITIONS.map((definition) => ({
    name: definition.name,
    description: definition.description,
    parameters: jsonSchemas.get(definition.name) ?? {},
    kind: "memory",
    timeoutMs: MEMORY_TOOL_TIMEOUT_MS,
    validate: (args) => parseInput(definition.input, args, "arguments") as Record<string, unknown>,
    run: (args) => definition.run(context, args),
  }));
}
