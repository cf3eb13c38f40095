import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { aiUuidSchema, memoryIdSchema } from "../ids";
import { type Principal, reachableAi } from "../auth/principal";
import { listSessions } from "../chat/session-service";
import type { Embedder } from "../models/model-client";
import { toSessionView } from "../chat/session-service";
import { invalid } from "../errors";
import { assertMemoryDataSize, type MemoryData, memoryDataSchema, memoryFields } from "../memory/memory-data";
import { retrieveMemories } from "../memory/memory-query";
import { searchMemories } from "../search/memory-search";
import { createMemory, deleteMemory, editMemory, listHistory, moveMemory } from "../memory/memory-service";
import { memoryQuota } from "../memory/memory-quota";
import { MEMORY_TYPES, memoryTypeSchema, toMemory } from "../memory/memory-types";
import type { AiRecord } from "../memory/registry-service";
import { memorySearchSchema } from "../http/search-routes";
import { restMemoryBodySchema, restMemoryPatchSchema, retrieveMemoriesSchema } from "../http/schemas";
import { strictObject } from "../validation";

/** What a tool runs with: the caller's identity and the services' dependencies. */
export interface ToolContext {
  db: Firestore;
  principal: Principal;
  embedder: Embedder | null;
}

export interface MemoryTool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: S;
  run(context: ToolContext, args: z.infer<S>): Promise<object>;
}

const ai = {
  ai_uuid: aiUuidSchema
    .optional()
    .describe(
      "The AI whose memory to use. Leave it out when connected with an AI's own token; required with the admin credential.",
    ),
};
const memoryType = memoryTypeSchema.describe(
  "working_memory: current context, short-lived notes; long_term_memory: durable facts (names, preferences, decisions); personal_logs: your own reflections; archive: kept, rarely recalled",
);

/** The AI a call is about, after the same permission check as the HTTP API. */
async function aiOf(context: ToolContext, aiUuid: string | undefined): Promise<AiRecord> {
  const { principal } = context;
  const target = aiUuid ?? (principal.kind === "ai" ? principal.aiUuid : undefined);
  if (!target) throw invalid("ai_uuid: the administrator must name the AI", { field: "ai_uuid" });
  return reachableAi(context.db, principal, target);
}

/** `memory_data` as POST /create_memory and /edit_memory take it, or its fields at the top level as the REST routes do. */
const memoryData = memoryDataSchema
  .optional()
  .describe("the memory's fields in one object (a string is the content), as the HTTP seed routes take them");
const oneOf = (args: { memory_data?: unknown }) =>
  args.memory_data === undefined || Object.keys(args).every((key) => !(key in memoryFields));
const dataOf = <T extends Partial<MemoryData>>({ memory_data, ...fields }: T & { memory_data?: MemoryData }) =>
  memory_data ?? fields;

const tool = <S extends z.ZodType>(definition: MemoryTool<S>): MemoryTool => definition as unknown as MemoryTool;

/** The memory tools, described for a model that decides when to call them. */
export const MEMORY_TOOLS: MemoryTool[] = [
  tool({
    name: "search_memories",
    description:
      "Find the memories most relevant to a question or topic, best first, across all memory types (or the ones given). Use it before answering anything that may depend on what you were told or did earlier. Each result has its id, memory_type, content and a relevance score.",
    input: strictObject({ ...ai, ...memorySearchSchema.shape }),
    async run(context, args) {
      const target = await aiOf(context, args.ai_uuid);
      const hits = await searchMemories(context.db, target.ai_uuid, {
        query: args.query,
        types: args.memory_types ?? MEMORY_TYPES,
        limit: args.limit,
        embedder: context.embedder,
        includeSuperseded: args.include_superseded,
      });
      return { results: hits.map((hit) => ({ ...toMemory(hit.memory), score: hit.score })) };
    },
  }),
  tool({
    name: "create_memory",
    description:
      "Store a new memory. content is one short, self-contained statement that will still make sense later (or a JSON object for structured data). Optional: tags (short words to filter by), importance from 0 to 1 (default 0.5), metadata (an object), expires_at (an ISO time after which it is forgotten). Answers the stored memory with its id.",
    input: strictObject({
      ...ai,
      memory_type: memoryType,
      ...restMemoryBodySchema.partial().shape,
      memory_data: memoryData,
    })
      .refine((args) => args.content !== undefined || args.memory_data !== undefined, {
        message: "required (or memory_data, as in POST /create_memory)",
        path: ["content"],
      })
      .refine(oneOf, { message: "give content and its fields, or memory_data, not both", path: ["memory_data"] }),
    async run(context, { ai_uuid, memory_type, ...fields }) {
      const target = await aiOf(context, ai_uuid);
      const data = dataOf(fields) as MemoryData;
      assertMemoryDataSize(data, fields.memory_data ? "memory_data" : "content");
      await memoryQuota.reserve(context.db, target, 1);
      return toMemory((await createMemory(context.db, target.ai_uuid, memory_type, data)).memory);
    },
  }),
  tool({
    name: "edit_memory",
    description:
      "Change a memory: give only the fields to change (content, tags, importance, metadata, expires_at). Its version goes up by one and the earlier version stays in its history. With expected_version, the edit fails if the memory changed meanwhile (re-read it and retry).",
    input: strictObject({
      ...ai,
      memory_type: memoryType,
      memory_id: memoryIdSchema,
      ...restMemoryPatchSchema.shape,
      memory_data: memoryData,
    }).refine(oneOf, { message: "give the fields to change, or memory_data, not both", path: ["memory_data"] }),
    async run(context, { ai_uuid, memory_type, memory_id, expected_version, ...fields }) {
      const target = await aiOf(context, ai_uuid);
      const changes = dataOf(fields);
      assertMemoryDataSize(changes, fields.memory_data ? "memory_data" : "content");
      return toMemory(
        await editMemory(context.db, target.ai_uuid, memory_type, memory_id, changes, {
          expectedVersion: expected_version,
        }),
      );
    },
  }),
  tool({
    name: "move_memory",
    description:
      "Move a memory to another type, keeping its id, content and history: promote a working_memory note that turned out to matter to long_term_memory, or archive what is no longer current.",
    input: strictObject({ ...ai, memory_id: memoryIdSchema, from_memory_type: memoryType, to_memory_type: memoryType }),
    async run(context, args) {
      const target = await aiOf(context, args.ai_uuid);
      return toMemory(
        await moveMemory(context.db, target.ai_uuid, args.memory_id, args.from_memory_type, args.to_memory_type),
      );
    },
  }),
  tool({
    name: "delete_memory",
    description:
      "Delete a memory that is wrong or unwanted (its history stays readable with memory_history). When in doubt, move it to archive instead.",
    input: strictObject({ ...ai, memory_type: memoryType, memory_id: memoryIdSchema }),
    async run(context, args) {
      const target = await aiOf(context, args.ai_uuid);
      await deleteMemory(context.db, target.ai_uuid, args.memory_type, args.memory_id);
      return { deleted: true, memory_id: args.memory_id, memory_type: args.memory_type };
    },
  }),
  tool({
    name: "retrieve_memories",
    description:
      'List memories newest first. memory_type: one type or "all" (default). filter_query: a text to look for, or an object {tags (all of), tags_any, metadata, created_after, created_before, source, session_id, text_contains}. limit 1 to 200 (default 20); pass next_cursor of the answer as cursor for the next page.',
    input: strictObject({
      ...ai,
      memory_type: retrieveMemoriesSchema.shape.memory_type.default("all"),
      limit: retrieveMemoriesSchema.shape.limit,
      filter_query: retrieveMemoriesSchema.shape.filter_query,
      cursor: retrieveMemoriesSchema.shape.cursor,
    }),
    async run(context, args) {
      const target = await aiOf(context, args.ai_uuid);
      const types = args.memory_type === "all" ? [...MEMORY_TYPES] : [args.memory_type];
      const result = await retrieveMemories(context.db, target.ai_uuid, {
        types,
        limit: args.limit,
        filter: args.filter_query,
        cursor: args.cursor,
      });
      return { memories: result.memories.map(toMemory), next_cursor: result.next_cursor };
    },
  }),
  tool({
    name: "memory_history",
    description:
      "The earlier versions of a memory, newest first (each edit and move keeps one), also after the memory was deleted.",
    input: strictObject({ ...ai, memory_id: memoryIdSchema }),
    async run(context, args) {
      const target = await aiOf(context, args.ai_uuid);
      return {
        memory_id: args.memory_id,
        versions: (await listHistory(context.db, target.ai_uuid, args.memory_id)).map(toMemory),
      };
    },
  }),
  tool({
    name: "list_sessions",
    description: "The AI's chat sessions, most recently active first, with their names and message counts.",
    input: strictObject({ ...ai, limit: z.number().int().min(1).max(200).default(20) }),
    async run(context, args) {
      const target = await aiOf(context, args.ai_uuid);
      return { sessions: (await listSessions(context.db, target.ai_uuid, args.limit)).map(toSessionView) };
    },
  }),
];
