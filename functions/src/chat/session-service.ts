import { type DocumentReference, type Firestore, Timestamp } from "firebase-admin/firestore";
import { AppError, notFound } from "../errors";
import { readAll, storedAs } from "../firestore-converter";

/** A conversation of one AI (`chat_sessions/{ai_uuid}:{session_id}`). */
export interface ChatSession {
  id: string;
  name: string;
  user_id: string;
  ai_uuid: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  message_count: number;
}

export const sessionsCollection = (db: Firestore) =>
  db.collection("chat_sessions").withConverter(storedAs<ChatSession>());

/**
 * Where a session lives. Session ids are the AI's own (a client may pick them, e.g. its thread
 * id), so the document id carries the AI too: another AI's same id is another document.
 */
export const sessionRef = (db: Firestore, aiUuid: string, sessionId: string): DocumentReference<ChatSession> =>
  sessionsCollection(db).doc(`${aiUuid}:${sessionId}`);

/** Sessions made before ids were scoped live at `chat_sessions/{session_id}`, an auto-id. */
const LEGACY_ID = /^[A-Za-z0-9]{20}$/;

interface NewSessionInput {
  aiUuid: string;
  userId: string;
  name?: string;
  /** The client's id for it; a new random one when absent. */
  sessionId?: string;
}

/** A new session document and where it goes; the caller writes it, alone or in a batch. */
export function newSession(db: Firestore, input: NewSessionInput, now = Timestamp.now()) {
  const id = input.sessionId ?? sessionsCollection(db).doc().id;
  const session: ChatSession = {
    id,
    name: input.name ?? `Session ${now.toDate().toISOString()}`,
    user_id: input.userId,
    ai_uuid: input.aiUuid,
    created_at: now,
    updated_at: now,
    message_count: 0,
  };
  return { ref: sessionRef(db, input.aiUuid, id), session };
}

export async function createSession(db: Firestore, input: NewSessionInput): Promise<ChatSession> {
  const { ref, session } = newSession(db, input);
  await ref.create(session);
  return session;
}

/** The AI's session with this id and its document, or null: another AI's session is never seen. */
export async function findSession(
  db: Firestore,
  aiUuid: string,
  sessionId: string,
): Promise<{ ref: DocumentReference<ChatSession>; session: ChatSession } | null> {
  const scoped = sessionRef(db, aiUuid, sessionId);
  const refs = LEGACY_ID.test(sessionId) ? [scoped, sessionsCollection(db).doc(sessionId)] : [scoped];
  const snapshots = await readAll(db, ...refs);
  const found = snapshots.find((snapshot) => snapshot.data()?.ai_uuid === aiUuid);
  const session = found?.data();
  return found && session ? { ref: found.ref, session } : null;
}

/** A session of this AI; another AI's session is "not found", so existence does not leak. */
export async function getSession(db: Firestore, aiUuid: string, sessionId: string): Promise<ChatSession> {
  const found = await findSession(db, aiUuid, sessionId);
  if (!found) throw notFound(`session ${sessionId}`);
  return found.session;
}

/**
 * A session named by its id alone (the admin's `GET /v1/sessions/{id}/chats`): the id must name
 * one AI's session; two AIs may use the same id, and then the AI must be named.
 */
export async function getSessionOfAnyAi(db: Firestore, sessionId: string): Promise<ChatSession> {
  const found = await sessionsCollection(db).where("id", "==", sessionId).limit(2).get();
  if (found.empty) throw notFound(`session ${sessionId}`);
  if (found.size > 1) {
    throw new AppError(
      "failed_precondition",
      `session ${sessionId}: several AIs use this id; ask /v1/ais/{ai_uuid}/sessions/${sessionId}/chats`,
    );
  }
  return found.docs[0].data();
}

export function toSessionView(session: ChatSession) {
  return {
    session_id: session.id,
    id: session.id,
    name: session.name,
    user_id: session.user_id,
    ai_uuid: session.ai_uuid,
    created_at: session.created_at.toDate().toISOString(),
    updated_at: session.updated_at.toDate().toISOString(),
    message_count: session.message_count,
  };
}

/** The AI's sessions, most recently active first. */
export async function listSessions(db: Firestore, aiUuid: string, limit: number): Promise<ChatSession[]> {
  const snapshot = await sessionsCollection(db)
    .where("ai_uuid", "==", aiUuid)
    .orderBy("updated_at", "desc")
    .limit(limit)
    .get();
  return snapshot.docs.map((doc) => doc.data());
}

/** Recent sessions a handshake looks through for an unused one (a bounded read per handshake). */
const UNUSED_LOOKBACK = 10;

/**
 * One of the AI's recent sessions in which nothing ever happened: a handshake hands it out again
 * rather than adding another empty session per call.
 */
export async function recentUnusedSession(
  db: Firestore,
  aiUuid: string,
): Promise<{ ref: DocumentReference<ChatSession>; session: ChatSession } | null> {
  const recent = await listSessions(db, aiUuid, UNUSED_LOOKBACK);
  const session = recent.find((each) => each.message_count === 0 && each.updated_at.isEqual(each.created_at));
  return session ? { ref: sessionRef(db, aiUuid, session.id), session } : null;
}
