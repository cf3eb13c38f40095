import { Timestamp } from "firebase/firestore";
import type { MemoryUpdate, RoomPosition } from "./types.js";

/** Where the socket has read up to: the newest event delivered (or skipped as its own). */
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

/**
 * How far before the newest event seen a listener reads again after a reconnect. A server
 * timestamp is taken when Firestore processes a write, not when the write becomes visible, so an
 * event can show up after one with a later `at` (in the emulator, up to about a second during a
 * burst); the overlap catches those, and ids already delivered are skipped.
 */
export const RESUME_OVERLAP_MS = 10_000;
/** Memories whose newest version is remembered; the oldest remembered is forgotten first. */
const REMEMBERED_MEMORIES = 10_000;

/**
 * The events a socket has delivered: its read position, the ids delivered within the overlap (so
 * a reconnect repeats none), and the newest version seen of each memory (so a stale notice is
 * dropped).
 */
export class DeliveredEvents {
  position: ReadPosition | null;
  private readonly recentIds = new Map<string, number>();
  private readonly versions = new Map<string, number>();

  /** `start`: where the socket began (its join, or the caller's resume position); nothing before it is read. */
  constructor(private readonly start: ReadPosition | null = null) {
    this.position = start;
  }

  /**
   * Where a listener starts reading: just after the start, or at the overlap before the position
   * (no event id: every event from that time on), whichever is later.
   */
  readFrom(): { after: ReadPosition } | { at: Timestamp } | null {
    if (!this.position) return null;
    const overlap = { at: Timestamp.fromMillis(this.position.at.toMillis() - RESUME_OVERLAP_MS), eventId: "" };
    return this.start && !isAfter(overlap, this.start) ? { after: this.start } : { at: overlap.at };
  }

  /** Records an event; false when it was delivered already. */
  admit(at: Timestamp, eventId: string): boolean {
    if (this.recentIds.has(eventId)) return false;
    this.recentIds.set(eventId, at.toMillis());
    const current = { at, eventId };
    if (!this.position || isAfter(current, this.position)) this.position = current;
    this.forgetBefore(this.position.at.toMillis() - RESUME_OVERLAP_MS);
    return true;
  }

  /** False for a notice older than the version already seen of its memory (a delete starts the memory over). */
  isCurrent(update: MemoryUpdate): boolean {
    const seen = this.versions.get(update.memory_id);
    if (seen !== undefined && update.version < seen) return false;
    this.versions.delete(update.memory_id);
    if (update.action !== "deleted") this.versions.set(update.memory_id, update.version);
    if (this.versions.size > REMEMBERED_MEMORIES) this.versions.delete(this.versions.keys().next().value!);
    return true;
  }

  private forgetBefore(millis: number): void {
    // Insertion order is nearly time order: stop at the first id still inside the overlap.
    for (const [id, at] of this.recentIds) {
      if (at >= millis) break;
      this.recentIds.delete(id);
    }
  }
}
