import { z } from "zod";
import { aiSettingsSchema } from "../memory/ai-settings";
import { MEMORY_TYPES, memoryViewSchema } from "../memory/memory-types";
import { toolCallReportSchema } from "../tools/server-tool";
import { json, named, time } from "./response-registry";

/**
 * The answers of the API, each a named component of `/openapi.json`: the client SDK's types are
 * generated from them, and a test holds every route's real answer to its schema.
 */

const memoryType = z.enum(MEMORY_TYPES);
const memoryShape = memoryViewSchema.shape;
export const memoryView = named("Memory", memoryViewSchema);
export const memoryList = named(
  "MemoryList",
  z.strictObject({ memories: z.array(memoryView), next_cursor: z.string().nullable() }),
);
export const deletedMemory = named(
  "DeletedMemory",
  z.strictObject({ deleted: z.literal(true), memory_id: z.string(), memory_type: memoryType }),
);
export const memoryHistory = named(
  "MemoryHistory",
  z.strictObject({ memory_id: z.string(), versions: z.array(memoryView) }),
);
export const restoredMemory = named(
  "RestoredMemory",
  z.strictObject({
    ...memoryShape,
    restored_exchange_ids: z.array(z.string()).describe("exchanges hidden with the fact, current again"),
  }),
);
export const extractionRecord = named(
  "ExtractionRecord",
  z.strictObject({
    chat_id: z.string(),
    ai_uuid: z.string(),
    session_id: z.string().nullable(),
    status: z.enum(["running", "retrying", "done", "failed", "skipped"]),
    attempts: z.number().int(),
    model: z.string().nullable(),
    call_day: z.string().nullable().describe("UTC day of the last model call"),
    last_error: z.string().nullable(),
    decisions: z.array(
      named(
        "AppliedDecision",
        z.strictObject({
          action: z.enum(["add", "update", "supersede", "none"]),
          fact: z.string(),
          valid_from: z.string().nullable(),
          memory_id: z.string().nullable().describe("the existing memory the decision is about"),
          outcome: z.enum(["added", "updated", "superseded", "known"]),
          result_memory_id: z.string().nullable(),
        }),
      ),
    ),
    stated_memory_ids: z.array(z.string()),
    hidden_exchange_ids: z.array(z.string()),
    prompt_tokens: z.number().int().nullable(),
    created_at: time,
    updated_at: time,
  }),
);
export const extractionList = named("ExtractionList", z.strictObject({ extractions: z.array(extractionRecord) }));
export const searchResults = named(
  "SearchResults",
  z.strictObject({
    results: z.array(
      named("SearchHit", z.strictObject({ ...memoryShape, score: z.number(), distance: z.number().nullable() })),
    ),
  }),
);

const databasePaths = named(
  "DatabasePaths",
  z.strictObject({
    registry: z.string(),
    memories: z.strictObject(
      Object.fromEntries(MEMORY_TYPES.map((type) => [type, z.string()])) as Record<
        (typeof MEMORY_TYPES)[number],
        z.ZodString
      >,
    ),
    room: z.string(),
    presence: z.string(),
    chat_sessions: z.string(),
    chats: z.string(),
  }),
);
const aiSettings = named("AiSettings", aiSettingsSchema);
const aiRecordShape = {
  ai_uuid: z.string(),
  ai_name: z.string(),
  owner_id: z.string(),
  owner_uid: z.string().nullable().describe("the user who owns the AI; null: the administrator"),
  status: z.enum(["active", "disabled"]),
  created_at: time,
  updated_at: time,
  settings: aiSettings,
  database_paths: databasePaths,
};
export const aiView = named(
  "Ai",
  z.strictObject({
    ...aiRecordShape,
    stats: z.record(z.string(), z.number()).describe("memories per type, counted when asked"),
    last_activity_at: time.nullable().describe("the newest room event's time"),
    failing_steps: z
      .array(
        z.strictObject({
          event_id: z.string(),
          step: z.enum(["embedding", "consolidation", "extraction"]),
          status: z.enum(["failing", "gave_up"]),
          attempts: z.number().int(),
          last_error: z.string().nullable(),
          updated_at: time,
        }),
      )
      .optional()
      .describe("to the admin, on GET: memory-change steps that failed and are being retried, or gave up"),
  }),
);
export const aiList = named("AiList", z.strictObject({ ais: z.array(aiView) }));
export const deletedAi = named("DeletedAi", z.strictObject({ deleted: z.literal(true), ai_uuid: z.string() }));
export const reindexAnswer = named(
  "ReindexResult",
  z.strictObject({
    ai_uuid: z.string(),
    indexed: z.number().int(),
    segments: z.number().int().describe("segments the index was written in"),
    documents_migrated: z.number().int(),
  }),
);
export const adminClaim = named(
  "AdminClaim",
  z.strictObject({
    uid: z.string(),
    admin: z.literal(true),
    granted: z.boolean().describe("false when the user held the claim already"),
  }),
);
export const revokedTokens = named(
  "RevokedTokens",
  z.strictObject({ ai_uuid: z.string(), token_version: z.number().int() }),
);

export const sessionView = named(
  "Session",
  z.strictObject({
    session_id: z.string(),
    id: z.string(),
    name: z.string(),
    user_id: z.string(),
    ai_uuid: z.string(),
    created_at: time,
    updated_at: time,
    message_count: z.number().int(),
  }),
);
export const sessionList = named("SessionList", z.strictObject({ sessions: z.array(sessionView) }));
const chatView = named(
  "Chat",
  z.strictObject({
    chat_id: z.string(),
    session_id: z.string(),
    ai_uuid: z.string(),
    user_id: z.string(),
    message: z.string(),
    response: z.string(),
    model: z.string(),
    usage: json.nullable(),
    context_memory_ids: z.array(z.string()),
    stored_memory_ids: z.array(z.string()),
    timestamp: time,
    tool_calls: z.array(toolCallReportSchema).optional().describe("the AI's own tools the server ran for it"),
  }),
);
export const sessionChats = named("SessionChats", z.strictObject({ session: sessionView, chats: z.array(chatView) }));

export const handshakeAnswer = named(
  "Handshake",
  z.strictObject({
    ai_uuid: z.string(),
    ai_name: z.string(),
    created_at: time,
    status: z.enum(["active", "disabled"]),
    session: sessionView,
    tokens: z.strictObject({
      ai_token: z.string(),
      token_type: z.literal("Bearer"),
      expires_at: time,
      firebase_custom_token: z.string(),
    }),
    database_paths: databasePaths,
  }),
);
export const exportAnswer = named(
  "Export",
  z.strictObject({
    format: z.literal("ai-memory-export/1"),
    exported_at: time,
    ai: named("AiRecord", z.strictObject(aiRecordShape)),
    memories: z.array(memoryView),
    next_cursor: z.string().nullable().describe("the next page's cursor; null on the last page"),
  }),
);
export const importAnswer = named(
  "ImportResult",
  z.strictObject({ imported: z.number().int(), memory_ids: z.array(z.string()) }),
);

export const apiError = named(
  "Error",
  z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string(), details: z.unknown() }) }),
);
export const health = named("Health", z.strictObject({ status: z.literal("ok") }));
