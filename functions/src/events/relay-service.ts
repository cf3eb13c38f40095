import { randomUUID } from "node:crypto";
import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { storedAs } from "../firestore-converter";
import { assertAiNotDeleted } from "../memory/ai-deletion";
import { databasePaths, registryRef } from "../memory/registry-service";
import { createRoomEvent, type EventSender, lastEventOf, type RoomEvent, roomCollection } from "./room-events";

/** Clients heartbeat this often; a client silent for PRESENCE_TTL_MS counts as gone. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
export const PRESENCE_TTL_MS = 90_000;

/** One connected client of an AI (`ai_registry/{ai_uuid}/presence/{client_id}`). */
export interface Presence {
  client_id: string;
  ai_uuid: string;
  sender: EventSender;
  status: string;
  connected_at: Timestamp;
  last_seen: Timestamp;
  expires_at: Timestamp;
}

const presenceCollection = (db: Firestore, aiUuid: string) =>
  registryRef(db, aiUuid).collection("presence").withConverter(storedAs<Presence>());

export interface EmitInput {
  event: string;
  data: unknown;
  sender: EventSender;
  /** Chosen by the client so a retried emit is written once; the server picks one otherwise. */
  clientEventId?: string;
}

/** Writes a client event in the room; `replayed` when an emit with the same id was written before. */
export async function emitEvent(
  db: Firestore,
  aiUuid: string,
  input: EmitInput,
  now = Timestamp.now(),
): Promise<{ event: RoomEvent; replayed: boolean }> {
  const ref = roomCollection(db, aiUuid).doc(`c-${input.clientEventId ?? randomUUID()}`);
  try {
    return { event: await createRoomEvent(ref, aiUuid, { ...input, now }), replayed: false };
  } catch (error) {
    // ALREADY_EXISTS: a retry of an emit that was written; answer the first one.
    if ((error as { code?: number }).code !== 6) throw error;
    return { event: (await ref.get()).data()!, replayed: true };
  }
}

/** Where a client listens from: the room in commit order, after the newest event so far. */
export async function joinRoom(db: Firestore, aiUuid: string) {
  const paths = databasePaths(aiUuid);
  return {
    ai_uuid: aiUuid,
    room: paths.room,
    presence: paths.presence,
    order_by: ["at", "__name__"],
    resume_after: await lastEventOf(db, aiUuid),
    heartbeat_interval_ms: HEARTBEAT_INTERVAL_MS,
    presence_ttl_ms: PRESENCE_TTL_MS,
  };
}

/** Records that a client is alive; its presence expires unless the next heartbeat comes in time. */
export async function heartbeat(
  db: Firestore,
  aiUuid: string,
  input: { clientId: string; sender: EventSender; status: string },
  now = Timestamp.now(),
): Promise<Presence> {
  const ref = presenceCollection(db, aiUuid).doc(input.clientId);
  const expiresAt = Timestamp.fromMillis(now.toMillis() + PRESENCE_TTL_MS);
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const previous = (await tx.get(ref)).data();
    const live = previous !== undefined && previous.expires_at.toMillis() > now.toMillis();
    const presence: Presence = {
      client_id: input.clientId,
      ai_uuid: aiUuid,
      sender: input.sender,
      status: input.status,
      connected_at: live ? previous.connected_at : now,
      last_seen: now,
      expires_at: expiresAt,
    };
    tx.set(ref, presence);
    return presence;
  });
}

/** A client that closes says so, instead of waiting for its presence to expire. */
export async function leave(db: Firestore, aiUuid: string, clientId: string): Promise<void> {
  await presenceCollection(db, aiUuid).doc(clientId).delete();
}

/** The clients seen within PRESENCE_TTL_MS; stale documents are skipped until the TTL policy removes them. */
export async function onlineClients(db: Firestore, aiUuid: string, now = Timestamp.now()): Promise<Presence[]> {
  const snapshot = await presenceCollection(db, aiUuid).where("expires_at", ">", now).get();
  return snapshot.docs.map((doc) => doc.data());
}

export function toPresenceView(presence: Presence) {
  return {
    ...presence,
    connected_at: presence.connected_at.toDate().toISOString(),
    last_seen: presence.last_seen.toDate().toISOString(),
    expires_at: presence.expires_at.toDate().toISOString(),
  };
}
