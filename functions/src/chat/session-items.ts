import { FieldValue, type Firestore, Timestamp } from "firebase-admin/firestore";
import { storedAs } from "../firestore-converter";
import { assertAiNotDeleted } from "../memory/ai-deletion";
import { chatsCollection, requestHashOf, type StoredChat, writeExchange } from "./chat-log";
import { type ChatSession, newSession, sessionRef } from "./session-service";

/**
 * A session's items: what an agent framework keeps as its conversation (messages, tool calls,
 * their results), stored in order under the session (`chat_sessions/{id}/items/{position}`), one
 * document each, so no document grows with the conversation. A user message followed by an
 * assistant message is also an exchange: a chat of the session and a working memory, from which
 * the memory trigger extracts facts, as a chat completion's would be.
 */
export interface StoredItem {
  position: number;
  /** The item as the framework gave it, as JSON (Firestore refuses arrays of arrays; JSON does not). */
  item: string;
  created_at: Timestamp;
}

/** What items add to a session document. */
interface ItemState {
  /** The next item's position: positions only grow, so a popped one is never reused. */
  next_item?: number;
  /** The text of the last user message no assistant message has answered yet. */
  open_user_text?: string | null;
  /** The Idempotency-Key of the last append: its retry is answered without a second write. */
  last_append_key?: string | null;
}

type Item = Record<string, unknown>;

const itemsOf = (db: Firestore, aiUuid: string, sessionId: string) =>
  sessionRef(db, aiUuid, sessionId).collection("items").withConverter(storedAs<StoredItem>());
const docId = (position: number) => String(position).padStart(12, "0");

/** The text of a user or assistant message item (a string, or parts with `text`); null for any other item. */
export function messageText(item: Item): { role: "user" | "assistant"; text: string } | null {
  const { role, content, type } = item;
  if ((role !== "user" && role !== "assistant") || (type !== undefined && type !== "message")) return null;
  const parts = typeof content === "string" ? [content] : Array.isArray(content) ? content : [];
  const text = parts
    .map((part) => (typeof part === "string" ? part : typeof part?.text === "string" ? part.text : ""))
    .filter(Boolean)
    .join("\n");
  return text ? { role, text } : null;
}

export interface AppendInput {
  aiUuid: string;
  sessionId: string;
  userId: string;
  items: Item[];
  model?: string;
  sessionName?: string;
  idempotencyKey?: string;
}

/**
 * Appends items in one transaction with the session (created when new), and the exchanges they
 * complete. Answers the positions given and the chats recorded; a retry of the last append (same
 * Idempotency-Key) writes nothing again.
 */
export async function appendItems(db: Firestore, input: AppendInput, now = Timestamp.now()) {
  const { ref, session: initial } = newSession(db, { ...input, name: input.sessionName });
  const items = itemsOf(db, input.aiUuid, input.sessionId);
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, input.aiUuid);
    const current = (await tx.get(ref)).data() as (ChatSession & ItemState) | undefined;
    if (input.idempotencyKey && current?.last_append_key === input.idempotencyKey) {
      return { positions: [] as number[], chats: [] as StoredChat[], replayed: true };
    }
    let next = current?.next_item ?? 0;
    let open = current?.open_user_text ?? null;
    const positions: number[] = [];
    const chats: StoredChat[] = [];
    for (const item of input.items) {
      tx.create(items.doc(docId(next)), { position: next, item: JSON.stringify(item), created_at: now });
      positions.push(next++);
      const message = messageText(item);
      if (message?.role === "user") open = message.text;
      if (message?.role === "assistant" && open !== null) {
        chats.push(writeExchange(tx, db, exchangeOf(db, input, open, message.text), now));
        open = null;
      }
    }
    const state: ItemState = { next_item: next, open_user_text: open, last_append_key: input.idempotencyKey ?? null };
    if (current) {
      tx.update(ref, { ...state, message_count: FieldValue.increment(chats.length), updated_at: now });
    } else {
      tx.create(ref, { ...initial, ...state, message_count: chats.length, updated_at: now });
    }
    return { positions, chats, replayed: false };
  });
}

function exchangeOf(db: Firestore, input: AppendInput, message: string, response: string) {
  return {
    id: chatsCollection(db).doc().id,
    ai_uuid: input.aiUuid,
    session_id: input.sessionId,
    user_id: input.userId,
    message,
    response,
    model: input.model ?? "agent",
    usage: null,
    context_memory_ids: [],
    idempotency_key: input.idempotencyKey ?? null,
    request_hash: requestHashOf({ message, response }),
    completion: {},
  };
}

/** The newest `limit` items before `before` (all when absent), oldest first; none for an unknown session. */
export async function listItems(db: Firestore, aiUuid: string, sessionId: string, limit: number, before?: number) {
  let query = itemsOf(db, aiUuid, sessionId).orderBy("position", "desc");
  if (before !== undefined) query = query.where("position", "<", before);
  const snapshot = await query.limit(limit).get();
  return snapshot.docs.map((doc) => doc.data()).reverse();
}

/** Removes the newest item and answers it, or null when there is none. */
export async function popItem(db: Firestore, aiUuid: string, sessionId: string): Promise<StoredItem | null> {
  const newest = itemsOf(db, aiUuid, sessionId).orderBy("position", "desc").limit(1);
  return db.runTransaction(async (tx) => {
    const found = (await tx.get(newest)).docs[0];
    if (!found) return null;
    tx.delete(found.ref);
    return found.data();
  });
}

const CLEAR_PAGE = 400;

/** Removes every item of the session, a page at a time; the session, its chats and memories stay. */
export async function clearItems(db: Firestore, aiUuid: string, sessionId: string): Promise<number> {
  const items = itemsOf(db, aiUuid, sessionId);
  let deleted = 0;
  for (;;) {
    const page = await items.orderBy("position").limit(CLEAR_PAGE).select().get();
    if (page.empty) break;
    const batch = db.batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    await batch.commit();
    deleted += page.size;
  }
  const session = sessionRef(db, aiUuid, sessionId);
  if ((await session.get()).exists) await session.update({ open_user_text: null, updated_at: Timestamp.now() });
  return deleted;
}

export const toItemView = (stored: StoredItem) => ({
  position: stored.position,
  item: JSON.parse(stored.item) as Item,
  created_at: stored.created_at.toDate().toISOString(),
});
