import { createHash } from "node:crypto";
import type { CompletionUsage } from "openai/resources/completions";
import {
  type DocumentReference,
  FieldValue,
  type Firestore,
  Timestamp,
  type Transaction,
} from "firebase-admin/firestore";
import { readAll, storedAs } from "../firestore-converter";
import { assertAiNotDeleted } from "../memory/ai-deletion";
import { recordMemoryChange } from "../memory/memory-changes";
import { buildMemory } from "../memory/memory-versions";
import { memoryCollection } from "../memory/registry-service";
import type { ToolCallReport } from "../tools/server-tool";
import type { RecentTurn } from "./context-builder";
import type { ChatSession } from "./session-service";

/** One exchange (`chats/{chat_id}`); `completion` is the answer as sent, replayed on a retry. */
export interface StoredChat {
  id: string;
  ai_uuid: string;
  session_id: string;
  user_id: string;
  message: string;
  response: string;
  model: string;
  usage: CompletionUsage | null;
  context_memory_ids: string[];
  stored_memory_ids: string[];
  timestamp: Timestamp;
  idempotency_key: string | null;
  request_hash: string;
  completion: Record<string, unknown>;
}

export const chatsCollection = (db: Firestore) => db.collection("chats").withConverter(storedAs<StoredChat>());

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** A retried request (same AI, same Idempotency-Key) lands on the same chat id. */
export const chatIdFor = (db: Firestore, aiUuid: string, idempotencyKey: string | null): string =>
  idempotencyKey ? sha256(`${aiUuid}\n${idempotencyKey}`) : chatsCollection(db).doc().id;

export const requestHashOf = (request: unknown): string => sha256(JSON.stringify(request));

export interface Exchange {
  chat: Omit<StoredChat, "timestamp" | "stored_memory_ids">;
  /** The session's document, and the session to create there when it does not exist yet. */
  session: { ref: DocumentReference<ChatSession>; initial: ChatSession };
}

/**
 * Writes the exchange in one transaction: the chat, its working memory (same id), and the session
 * (created, or its count and time bumped: two first messages of a new session id may race). A
 * chat already stored under this id (a retry that raced the first request) wins, and nothing is
 * written twice.
 */
export async function recordExchange(
  db: Firestore,
  exchange: Exchange,
  now = Timestamp.now(),
): Promise<{ chat: StoredChat; replayed: boolean }> {
  const { chat } = exchange;
  const chatRef = chatsCollection(db).doc(chat.id);
  const sessionRef = exchange.session.ref;
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, chat.ai_uuid);
    const [existing, session] = await readAll(tx, chatRef, sessionRef);
    const replay = existing.data();
    if (replay) return { chat: replay, replayed: true };
    if (session.exists) tx.update(sessionRef, { message_count: FieldValue.increment(1), updated_at: now });
    else tx.create(sessionRef, { ...exchange.session.initial, message_count: 1, updated_at: now });
    return { chat: writeExchange(tx, db, chat, now), replayed: false };
  });
}

/**
 * The chat and its working memory (same id, source "chat": the memory trigger extracts its facts),
 * written in the caller's transaction with the memory's event; the session is the caller's.
 */
export function writeExchange(tx: Transaction, db: Firestore, chat: Exchange["chat"], now: Timestamp): StoredChat {
  const memoryRef = memoryCollection(db, chat.ai_uuid, "working_memory").doc(chat.id);
  const stored: StoredChat = { ...chat, timestamp: now, stored_memory_ids: [memoryRef.id] };
  const memory = buildMemory(
    chat.ai_uuid,
    "working_memory",
    memoryRef.id,
    {
      content: `User: ${chat.message}\nAssistant: ${chat.response}`,
      metadata: { chat_id: chat.id, model: chat.model },
      source: "chat",
      session_id: chat.session_id,
    },
    now,
  );
  tx.create(chatsCollection(db).doc(chat.id), stored);
  tx.create(memoryRef, memory);
  recordMemoryChange(tx, db, { action: "created", memory }, now);
  return stored;
}

/** The chats of one AI's session: session ids are per AI, so the AI is part of the query. */
const chatsOfSession = (db: Firestore, aiUuid: string, sessionId: string) =>
  chatsCollection(db).where("ai_uuid", "==", aiUuid).where("session_id", "==", sessionId);

/** The last exchanges of a session, oldest first. */
export async function recentTurns(
  db: Firestore,
  aiUuid: string,
  sessionId: string,
  count: number,
): Promise<RecentTurn[]> {
  const snapshot = await chatsOfSession(db, aiUuid, sessionId)
    .orderBy("timestamp", "desc")
    .limit(count)
    .select("message", "response", "timestamp")
    .withConverter(storedAs<Pick<StoredChat, "message" | "response" | "timestamp">>())
    .get();
  return snapshot.docs
    .map((doc) => ({ ...doc.data(), id: doc.id }))
    .reverse()
    .map((chat) => ({
      id: chat.id,
      message: chat.message,
      response: chat.response,
      at: chat.timestamp.toDate().toISOString(),
    }));
}

export async function listChats(db: Firestore, session: ChatSession, limit: number): Promise<StoredChat[]> {
  const snapshot = await chatsOfSession(db, session.ai_uuid, session.id).orderBy("timestamp", "asc").limit(limit).get();
  return snapshot.docs.map((doc) => doc.data());
}

export function toChatView(chat: StoredChat) {
  return {
    chat_id: chat.id,
    session_id: chat.session_id,
    ai_uuid: chat.ai_uuid,
    user_id: chat.user_id,
    message: chat.message,
    response: chat.response,
    model: chat.model,
    usage: chat.usage,
    context_memory_ids: chat.context_memory_ids,
    stored_memory_ids: chat.stored_memory_ids,
    timestamp: chat.timestamp.toDate().toISOString(),
    ...toolCallsOf(chat),
  };
}

/** The tools the server ran for this exchange, as its answer reported them (`memory.tool_calls`). */
function toolCallsOf(chat: StoredChat) {
  const calls = (chat.completion?.memory as { tool_calls?: ToolCallReport[] } | undefined)?.tool_calls;
  return calls?.length ? { tool_calls: calls } : {};
}
