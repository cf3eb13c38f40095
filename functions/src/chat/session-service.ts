import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { notFound } from "../errors";

/** A conversation of one AI (`chat_sessions/{session_id}`). */
export interface ChatSession {
  id: string;
  name: string;
  user_id: string;
  ai_uuid: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  message_count: number;
}

export const sessionsCollection = (db: Firestore) => db.collection("chat_sessions");

/** A new session document and where it goes; the caller writes it, alone or in a batch. */
export function newSession(
  db: Firestore,
  input: { aiUuid: string; userId: string; name?: string },
  now = Timestamp.now(),
) {
  const ref = sessionsCollection(db).doc();
  const session: ChatSession = {
    id: ref.id,
    name: input.name ?? `Session ${now.toDate().toISOString()}`,
    user_id: input.userId,
    ai_uuid: input.aiUuid,
    created_at: now,
    updated_at: now,
    message_count: 0,
  };
  return { ref, session };
}

export async function createSession(
  db: Firestore,
  input: { aiUuid: string; userId: string; name?: string },
): Promise<ChatSession> {
  const { ref, session } = newSession(db, input);
  await ref.create(session);
  return session;
}

/** A session of this AI; another AI's session is "not found", so existence does not leak. */
export async function getSession(db: Firestore, aiUuid: string, sessionId: string): Promise<ChatSession> {
  const snapshot = await sessionsCollection(db).doc(sessionId).get();
  const session = snapshot.data() as ChatSession | undefined;
  if (!session || session.ai_uuid !== aiUuid) throw notFound(`session ${sessionId}`);
  return session;
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
