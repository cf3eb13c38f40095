import { Timestamp } from "firebase/firestore";
import type { RoomPosition } from "./types.js";

/** Where the socket has read up to: the last event delivered (or skipped as its own). */
export interface ReadPosition {
  at: Timestamp;
  eventId: string;
}

/** A position as the API answers it (`resume_after`), read to the nanosecond. */
export const positionOf = (place: Pick<RoomPosition, "event_id" | "at_timestamp">): ReadPosition => ({
  at: new Timestamp(place.at_timestamp.seconds, place.at_timestamp.nanoseconds),
  eventId: place.event_id,
});

/** The room's order: commit time, then event id. */
export const isAfter = (a: ReadPosition, b: ReadPosition): boolean => {
  if (a.at.seconds !== b.at.seconds) return a.at.seconds > b.at.seconds;
  if (a.at.nanoseconds !== b.at.nanoseconds) return a.at.nanoseconds > b.at.nanoseconds;
  return a.eventId > b.eventId;
};
