import { type DocumentSnapshot, type Firestore, Timestamp, type Transaction } from "firebase-admin/firestore";
import { registryRef } from "../memory/registry-service";

/** Events are a feed, not a log: a TTL policy on `expires_at` removes them after a week. */
export const EVENT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Who wrote an event: the memory triggers, or a client through the relay. */
export type EventSender =
  | { kind: "system" }
  | { kind: "ai"; ai_uuid: string; client_id: string | null }
  | { kind: "admin"; user_id: string; client_id: string | null };

/**
 * One event in an AI's room (`ai_registry/{ai_uuid}/events/{event_id}`). `seq` is the order
 * clients read and resume by: it is taken from the registry document (`event_seq`) in the same
 * transaction that writes the event, so it is unique, gap-free, and a snapshot that holds event n
 * holds every event before it.
 */
export interface RoomEvent {
  id: string;
  ai_uuid: string;
  seq: number;
  event: string;
  data: unknown;
  sender: EventSender;
  at: Timestamp;
  expires_at: Timestamp;
}

export const roomCollection = (db: Firestore, aiUuid: string) => registryRef(db, aiUuid).collection("events");

/** The last sequence number handed out in a room (0 before the first event). */
export const lastSeqOf = (registry: DocumentSnapshot): number => Number(registry.get("event_seq") ?? 0);

export interface AppendInput {
  event: string;
  data: unknown;
  sender: EventSender;
  now: Timestamp;
  /** More fields for the registry update, e.g. stats counters, written in the same transaction. */
  registryUpdate?: Record<string, unknown>;
}

/**
 * Writes one event in a transaction whose reads are done: `registry` is the AI's registry document
 * as read by `tx`. Returns the event as stored.
 */
export function appendRoomEvent(
  tx: Transaction,
  db: Firestore,
  registry: DocumentSnapshot,
  eventId: string,
  input: AppendInput,
): RoomEvent {
  const aiUuid = registry.id;
  const seq = lastSeqOf(registry) + 1;
  const event: RoomEvent = {
    id: eventId,
    ai_uuid: aiUuid,
    seq,
    event: input.event,
    data: input.data,
    sender: input.sender,
    at: input.now,
    expires_at: Timestamp.fromMillis(input.now.toMillis() + EVENT_TTL_MS),
  };
  tx.update(registryRef(db, aiUuid), { event_seq: seq, ...input.registryUpdate });
  tx.create(roomCollection(db, aiUuid).doc(eventId), event);
  return event;
}

/** An event as the API answers it: timestamps as ISO strings. */
export function toEventView(event: RoomEvent) {
  return { ...event, at: event.at.toDate().toISOString(), expires_at: event.expires_at.toDate().toISOString() };
}
