import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { AppError } from "../errors";
import { MEMORY_TYPES } from "../memory/memory-types";
import type { AiRecord } from "../memory/registry-service";
import { fetchHits, rankMemories } from "../search/memory-search";
import { chatIdFor, findReplay, recentTurns, recordExchange, requestHashOf, type StoredChat } from "./chat-log";
import { assembleContext, contextCandidates } from "./context-builder";
import { type ChatModel, type ModelDeps, requireChatModel } from "../models/model-client";
import { type ChatSession, findSession, newSession } from "./session-service";
import { tokenEstimator } from "./token-estimate";

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
}

/** What the answer adds to OpenAI's shape. */
export interface MemoryReport {
  session_id: string;
  context_memory_ids: string[];
  stored_memory_ids: string[];
}

const SEARCH_LIMIT = 60;
const CONTEXT_FIELDS = ["content", "text", "created_at"];
const RECENT_TURNS = 6;

type Prepared =
  | { kind: "replay"; chat: StoredChat }
  | {
      kind: "fresh";
      chatId: string;
      requestHash: string;
      session: ChatSession;
      sessionRef: DocumentReference;
      model: ChatModel;
      upstream: ChatCompletionCreateParamsBase & { model: string };
      contextIds: string[];
    };

export function textOf(content: ChatCompletionMessageParam["content"] | null | undefined): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).filter(Boolean).join("\n");
}

const lastUserMessage = (messages: ChatCompletionMessageParam[]): string =>
  textOf([...messages].reverse().find((message) => message.role === "user")?.content);

/**
 * The turn's session: the one of this AI with the given id, or a new one (with the client's id
 * when it gave one: the first message of a conversation starts its session).
 */
async function sessionOf(db: Firestore, input: CompletionInput) {
  const found = input.sessionId ? await findSession(db, input.ai.ai_uuid, input.sessionId) : null;
  if (found) return { ...found, isNew: false };
  const { ref, session } = newSession(db, { aiUuid: input.ai.ai_uuid, userId: input.userId, sessionId: input.sessionId ?? undefined });
  return { ref, session, isNew: true };
}

/** The session, the memory context and the model request of one turn; nothing is written yet. */
async function prepare(deps: CompletionDeps, input: CompletionInput): Promise<Prepared> {
  const { ai, request } = input;
  const requestHash = requestHashOf({ request, session: input.sessionId });
  const chatId = chatIdFor(deps.db, ai.ai_uuid, input.idempotencyKey);
  if (input.idempotencyKey) {
    const replay = await findReplay(deps.db, chatId, requestHash);
    if (replay) return { kind: "replay", chat: replay };
  }
  const model = requireChatModel(deps.models);
  const { session, ref: sessionRef, isNew } = await sessionOf(deps.db, input);
  const query = lastUserMessage(request.messages);
  const [ranked, turns] = await Promise.all([
    rankMemories(deps.db, ai.ai_uuid, { query, types: MEMORY_TYPES, limit: SEARCH_LIMIT, embedder: deps.models.embedder }),
    isNew ? Promise.resolve([]) : recentTurns(deps.db, ai.ai_uuid, session.id, RECENT_TURNS),
  ]);
  // Only the memories that can make it into the context are read, and only the fields it shows.
  const hits = await fetchHits(deps.db, ai.ai_uuid, contextCandidates(ai, ranked), CONTEXT_FIELDS);
  const context = assembleContext({ ai, messages: request.messages, hits, recentTurns: turns, counter: tokenEstimator });
  const upstream = { ...request, model: request.model || ai.settings.model || model.defaultModel, messages: context.messages };
  return { kind: "fresh", chatId, requestHash, session, sessionRef, model, upstream, contextIds: context.memoryIds };
}

/** Stores the exchange once; the answer of a retry that won the race is the one returned. */
async function store(
  deps: CompletionDeps,
  input: CompletionInput,
  turn: Extract<Prepared, { kind: "fresh" }>,
  answer: { text: string; model: string; usage: Record<string, unknown> | null; completion: (memory: MemoryReport) => Record<string, unknown> },
): Promise<StoredChat> {
  const memory: MemoryReport = { session_id: turn.session.id, context_memory_ids: turn.contextIds, stored_memory_ids: [turn.chatId] };
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
function answerText(content: string | null | undefined, toolCalls: Array<{ function?: { name?: string; arguments?: string } }> = []): string {
  const calls = toolCalls.map((call) => `[tool call ${call.function?.name ?? "?"}(${call.function?.arguments ?? ""})]`);
  return [content ?? "", ...calls].filter(Boolean).join("\n");
}

/** A plain completion: context in, the model's answer plus the `memory` report out. */
export async function completeChat(deps: CompletionDeps, input: CompletionInput): Promise<Record<string, unknown>> {
  const turn = await prepare(deps, input);
  if (turn.kind === "replay") return turn.chat.completion;
  const completion: ChatCompletion = await turn.model.complete({ ...turn.upstream, stream: false });
  const message = completion.choices[0]?.message;
  const chat = await store(deps, input, turn, {
    text: answerText(message?.content, message?.tool_calls as Array<{ function?: { name?: string; arguments?: string } }>),
    model: completion.model ?? turn.upstream.model,
    usage: (completion.usage as unknown as Record<string, unknown>) ?? null,
    completion: (memory) => ({ ...completion, memory }),
  });
  return chat.completion;
}

/** The chunks of a completion, replayed from a stored answer. */
function replayChunks(completion: Record<string, unknown>): Array<Record<string, unknown>> {
  const { choices, memory, usage, ...head } = completion as unknown as ChatCompletion & { memory: MemoryReport };
  const chunk = { ...head, object: "chat.completion.chunk" };
  return [
    ...choices.map((choice) => ({ ...chunk, choices: [{ index: choice.index, delta: { ...choice.message }, finish_reason: choice.finish_reason }] })),
    { ...chunk, choices: [], usage: usage ?? null, memory },
  ];
}

/**
 * A streamed completion: the model's chunks as they come, then one last chunk (no choices) with
 * the `memory` report. The exchange is stored after the model's last chunk, so a cut stream
 * stores nothing.
 */
export async function* streamChat(deps: CompletionDeps, input: CompletionInput): AsyncGenerator<Record<string, unknown>> {
  const turn = await prepare(deps, input);
  if (turn.kind === "replay") {
    yield* replayChunks(turn.chat.completion);
    return;
  }
  const stream = await turn.model.stream({ ...turn.upstream, stream: true });
  let text = "";
  const calls = new Map<number, { id: string; type: "function"; function: { name: string; arguments: string } }>();
  let last: ChatCompletionChunk | null = null;
  let usage: Record<string, unknown> | null = null;
  let finishReason: string | null = null;
  for await (const chunk of stream) {
    last = chunk;
    if (chunk.usage) usage = chunk.usage as unknown as Record<string, unknown>;
    // With `n` > 1, the first choice is the one stored.
    for (const choice of (chunk.choices ?? []).filter((item) => (item.index ?? 0) === 0)) {
      text += choice.delta?.content ?? "";
      finishReason = choice.finish_reason ?? finishReason;
      for (const call of choice.delta?.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { id: "", type: "function" as const, function: { name: "", arguments: "" } };
        entry.id ||= call.id ?? "";
        entry.function.name += call.function?.name ?? "";
        entry.function.arguments += call.function?.arguments ?? "";
        calls.set(call.index, entry);
      }
    }
    yield chunk as unknown as Record<string, unknown>;
  }
  if (!finishReason) throw new AppError("upstream_error", "the language model's stream ended before its answer was complete");
  const head = { id: last?.id ?? `chatcmpl-${turn.chatId}`, created: last?.created ?? Math.floor(Date.now() / 1000), model: last?.model ?? turn.upstream.model };
  const chat = await store(deps, input, turn, {
    text: answerText(text, [...calls.values()]),
    model: head.model,
    usage,
    completion: (memory) => ({
      ...head,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: text || null, ...(calls.size ? { tool_calls: [...calls.values()] } : {}) }, finish_reason: finishReason ?? "stop" }],
      usage,
      memory,
    }),
  });
  yield { ...head, object: "chat.completion.chunk", choices: [], usage, memory: chat.completion.memory };
}
