import { type DocumentReference, FieldValue, type Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import type { DocumentWriter } from "../firestore-writer";
import { storedAs } from "../firestore-converter";
import { assertAiNotDeleted } from "../memory/ai-deletion";
import { registryRef } from "../memory/registry-service";

/** Events are a feed, not a log: a TTL policy on `expires_at` removes them after a week. */
export const EVENT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Who wrote an event: the memory services, or a client through the relay. */
export const eventSenderSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("system") }),
  z.strictObject({ kind: z.literal("ai"), ai_uuid: z.string(), client_id: z.string().nullable() }),
  z.strictObject({ kind: z.literal("admin"), user_id: z.string(), client_id: z.string().nullable() }),
  z.strictObject({ kind: z.literal("user"), user_id: z.string(), client_id: z.string().nullable() }),
]);
export type EventSender = z.infer<typeof eventSenderSchema>;

/**
 * One event in an AI's room (`ai_registry/{ai_uuid}/events/{event_id}`). `at` is the commit time of
 * the write that made it (a server timestamp), so the room's order is commit order: listeners read
 * it by (`at`, document id) and resume after the last pair they saw. No counter is shared: Firestore
 * is externally consistent, so whatever committed before an event a client has seen was in the
 * same snapshot or an earlier one.
 */
export interface RoomEvent {
  id: string;
  ai_uuid: string;
  event: string;
  data: unknown;
  sender: EventSender;
  at: Timestamp;
  expires_at: Timestamp;
}

export interface NewRoomEvent {
  event: string;
  data: unknown;
  sender: EventSender;
  now: Timestamp;
}

export const roomCollection = (db: Firestore, aiUuid: string) =>
  registryRef(db, aiUuid).collection("events").withConverter(storedAs<RoomEvent>());

function stored(aiUuid: string, eventId: string, input: NewRoomEvent) {
  return {
    id: eventId,
    ai_uuid: aiUuid,
    event: input.event,
    data: input.data,
    sender: input.sender,
    at: FieldValue.serverTimestamp(),
    expires_at: Timestamp.fromMillis(input.now.toMillis() + EVENT_TTL_MS),
  };
}

/** Adds an event to a transaction or batch: it commits with the change it tells of, or not at all. */
export function writeRoomEvent(
  writer: DocumentWriter,
  db: Firestore,
  aiUuid: string,
  eventId: string,
  input: NewRoomEvent,
): void {
  writer.create(roomCollection(db, aiUuid).doc(eventId), stored(aiUuid, eventId, input));
}

/**
 * Writes one event on its own and answers it as stored. Fails with ALREADY_EXISTS on a repeat, and
 * with a 404 once the AI is deleted (its sweep may have passed the room).
 */
export async function createRoomEvent(
  ref: DocumentReference<RoomEvent>,
  aiUuid: string,
  input: NewRoomEvent,
): Promise<RoomEvent> {
  const db = ref.firestore;
  await db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    tx.create(ref, stored(aiUuid, ref.id, input));
  });
  // The server timestamp as stored (the emulator's can differ from the write time by a millisecond).
  return (await ref.get()).data()!;
}

/** A place in a room, to the nanosecond (an ISO string keeps only milliseconds). */
export const positionOf = (eventId: string, at: Timestamp) => ({
  event_id: eventId,
  at: at.toDate().toISOString(),
  at_timestamp: { seconds: at.seconds, nanoseconds: at.nanoseconds },
});

/** The newest event of a room, as the position a listener resumes after; null for an empty room. */
export async function lastEventOf(db: Firestore, aiUuid: string) {
  const snapshot = await roomCollection(db, aiUuid)
    .orderBy("at", "desc")
    .limit(1)
    .select("at")
    .withConverter(storedAs<Pick<RoomEvent, "at">>())
    .get();
  const last = snapshot.docs[0];
  return last ? positionOf(last.id, last.data().at) : null;
}

/** An event as the API answers it: timestamps as ISO strings. */
export function toEventView(event: RoomEvent) {
  return { ...event, at: event.at.toDate().toISOString(), expires_at: event.expires_at.toDate().toISOString() };
}
