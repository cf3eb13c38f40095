import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import type { ChatCompletionCreateParamsBase, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { z } from "zod";
import { memoryQuota } from "../memory/memory-quota";
import { MEMORY_TYPES } from "../memory/memory-types";
import type { AiRecord } from "../memory/registry-service";
import { type ChatModel, type ModelDeps, requireChatModel } from "../models/model-client";
import { fetchHits, rankMemories } from "../search/memory-search";
import { toolCallReportSchema } from "../tools/server-tool";
import { loadToolbox, type ToolDeps, type Toolbox } from "../tools/toolbox";
import { claimChat, releaseChat } from "./chat-claim";
import { chatIdFor, recentTurns, recordExchange, requestHashOf, type StoredChat } from "./chat-log";
import { assembleContext, contextCandidates, recentTurnRecords } from "./context-builder";
import { type ChatSession, findSession, newSession } from "./session-service";
import { tokenEstimator } from "./token-estimate";

/**
 * One chat turn around the model call: before it, the session, the memory context and the model
 * request (`prepare`); after it, the exchange stored once (`store`). completion-service.ts makes
 * the call, plain or streamed.
 */

/** The caller's OpenAI request, without our own fields and without `stream`. */
export type ModelRequest = Omit<ChatCompletionCreateParamsBase, "stream" | "model"> & { model?: string };

export interface CompletionInput {
  ai: AiRecord;
  userId: string;
  sessionId: string | null;
  idempotencyKey: string | null;
  request: ModelRequest;
}

export interface CompletionDeps {
  db: Firestore;
  models: ModelDeps;
  /** Custom tools run only where this is given: the key of their secrets and where they may connect. */
  tools?: ToolDeps;
}

/** What the answer adds to OpenAI's shape. */
export const memoryReportSchema = z.strictObject({
  session_id: z.string(),
  context_memory_ids: z.array(z.string()),
  stored_memory_ids: z.array(z.string()),
  tool_calls: z
    .array(toolCallReportSchema)
    .optional()
    .describe("the AI's own tools the server ran in this turn (memory tools, custom tools), in order"),
});
export type MemoryReport = z.infer<typeof memoryReportSchema>;

const SEARCH_LIMIT = 60;
const CONTEXT_FIELDS = ["content", "text", "created_at"];
const RECENT_TURNS = 6;

export type Prepared =
  | { kind: "replay"; chat: StoredChat }
  | {
      kind: "fresh";
      chatId: string;
      requestHash: string;
      session: ChatSession;
      sessionRef: DocumentReference<ChatSession>;
      model: ChatModel;
      upstream: ChatCompletionCreateParamsBase & { model: string };
      contextIds: string[];
      /** The AI's own tools for this turn; close it when the turn ends. */
      toolbox: Toolbox;
    };

export function textOf(content: ChatCompletionMessageParam["content"] | null | undefined): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => ("text" in part && typeof part.text === "string" ? part.text : ""))
    .filter(Boolean)
    .join("\n");
}

export const lastUserMessage = (messages: ChatCompletionMessageParam[]): string =>
  textOf([...messages].reverse().find((message) => message.role === "user")?.content);

/**
 * The turn's session: the one of this AI with the given id, or a new one (with the client's id
 * when it gave one: the first message of a conversation starts its session).
 */
async function sessionOf(db: Firestore, input: CompletionInput) {
  const found = input.sessionId ? await findSession(db, input.ai.ai_uuid, input.sessionId) : null;
  if (found) return { ...found, isNew: false };
  const { ref, session } = newSession(db, {
    aiUuid: input.ai.ai_uuid,
    userId: input.userId,
    sessionId: input.sessionId ?? undefined,
  });
  return { ref, session, isNew: true };
}

/**
 * The session, the memory context and the model request of one turn; nothing is written yet but,
 * with an Idempotency-Key, the claim that keeps its retries from calling the model too (the
 * caller ends it with `finish`).
 */
export async function prepare(deps: CompletionDeps, input: CompletionInput): Promise<Prepared> {
  const { ai, request } = input;
  const requestHash = requestHashOf({ request, session: input.sessionId });
  const chatId = chatIdFor(deps.db, ai.ai_uuid, input.idempotencyKey);
  if (!input.idempotencyKey) return prepareFresh(deps, input, chatId, requestHash);
  const replay = await claimChat(deps.db, ai.ai_uuid, chatId, requestHash);
  if (replay) return { kind: "replay", chat: replay };
  try {
    return await prepareFresh(deps, input, chatId, requestHash);
  } catch (error) {
    await releaseChat(deps.db, ai.ai_uuid, chatId);
    throw error;
  }
}

/** Ends a fresh turn's claim, stored or failed: its retries replay the answer, or ask the model again. */
export async function finish(deps: CompletionDeps, input: CompletionInput, turn: Prepared): Promise<void> {
  if (turn.kind === "fresh" && input.idempotencyKey) await releaseChat(deps.db, input.ai.ai_uuid, turn.chatId);
}

async function prepareFresh(
  deps: CompletionDeps,
  input: CompletionInput,
  chatId: string,
  requestHash: string,
): Promise<Prepared> {
  const { ai, request } = input;
  const model = requireChatModel(deps.models);
  // The exchange is stored as a memory: refused at the AI's limit before the model is paid.
  await memoryQuota.reserve(deps.db, ai, 1);
  const { session, ref: sessionRef, isNew } = await sessionOf(deps.db, input);
  const query = lastUserMessage(request.messages);
  const [ranked, turns] = await Promise.all([
    rankMemories(deps.db, ai.ai_uuid, {
      query,
      types: MEMORY_TYPES,
      limit: SEARCH_LIMIT,
      embedder: deps.models.embedder,
    }),
    isNew ? Promise.resolve([]) : recentTurns(deps.db, ai.ai_uuid, session.id, RECENT_TURNS),
  ]);
  // Only the memories that can fit beside the recent turns are read, and only the fields the context shows.
  const sources = { ai, messages: request.messages, recentTurns: turns, counter: tokenEstimator };
  const recent = recentTurnRecords(sources);
  const hits = await fetchHits(deps.db, ai.ai_uuid, contextCandidates(ai, ranked, recent), CONTEXT_FIELDS);
  const context = assembleContext({ ...sources, hits }, recent);
  const upstream = {
    ...request,
    model: request.model || ai.settings.model || model.defaultModel,
    messages: context.messages,
  };
  const toolbox = await loadToolbox(
    deps.db,
    deps.tools,
    { db: deps.db, ai, embedder: deps.models.embedder, sessionId: session.id, chatId },
    callerToolNames(request),
  );
  return {
    kind: "fresh",
    chatId,
    requestHash,
    session,
    sessionRef,
    model,
    upstream,
    contextIds: context.memoryIds,
    toolbox,
  };
}

const callerToolNames = (request: ModelRequest): string[] =>
  (request.tools ?? []).flatMap((tool) => ("function" in tool && tool.function?.name ? [tool.function.name] : []));

/** Stores the exchange once; the answer of a retry that won the race is the one returned. */
export async function store(
  deps: CompletionDeps,
  input: CompletionInput,
  turn: Extract<Prepared, { kind: "fresh" }>,
  answer: {
    text: string;
    model: string;
    usage: CompletionUsage | null;
    completion: (memory: MemoryReport) => Record<string, unknown>;
    toolCalls?: MemoryReport["tool_calls"];
  },
): Promise<StoredChat> {
  const memory: MemoryReport = {
    session_id: turn.session.id,
    context_memory_ids: turn.contextIds,
    stored_memory_ids: [turn.chatId],
    ...(answer.toolCalls ? { tool_calls: answer.toolCalls } : {}),
  };
  const { chat } = await recordExchange(deps.db, {
    chat: {
      id: turn.chatId,
      ai_uuid: input.ai.ai_uuid,
      session_id: turn.session.id,
      user_id: input.userId,
      message: lastUserMessage(input.request.messages),
      response: answer.text,
      model: answer.model,
      usage: answer.usage,
      context_memory_ids: turn.contextIds,
      idempotency_key: input.idempotencyKey,
      request_hash: turn.requestHash,
      completion: answer.completion(memory),
    },
    session: { ref: turn.sessionRef, initial: turn.session },
  });
  return chat;
}

/** What a message of the model says, tool calls included, as one text for the log and memory. */
export function answerText(
  content: string | null | undefined,
  toolCalls: Array<{ function?: { name?: string; arguments?: string } }> = [],
): string {
  const calls = toolCalls.map((call) => `[tool call ${call.function?.name ?? "?"}(${call.function?.arguments ?? ""})]`);
  return [content ?? "", ...calls].filter(Boolean).join("\n");
}
