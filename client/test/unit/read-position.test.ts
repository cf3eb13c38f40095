import { Timestamp } from "firebase/firestore";
import { describe, expect, it } from "vitest";
import { DeliveredEvents, RESUME_OVERLAP_MS } from "../../src/read-position";
import type { MemoryUpdate } from "../../src/types";

const at = (millis: number) => Timestamp.fromMillis(millis);
const update = (action: MemoryUpdate["action"], version: number): MemoryUpdate => ({
  action,
  memory_type: "working_memory",
  memory_id: "m1",
  version,
  source: "api",
});

describe("the events a socket has delivered", () => {
  it("takes an event that shows up after a later one, and no event twice", () => {
    const delivered = new DeliveredEvents();
    expect(delivered.admit(at(1_000_200), "b")).toBe(true);
    expect(delivered.admit(at(1_000_100), "a")).toBe(true);
    expect(delivered.admit(at(1_000_200), "b")).toBe(false);
    expect(delivered.position).toEqual({ at: at(1_000_200), eventId: "b" });
  });

  it("reads again from the overlap before its position after a reconnect, never before where it started", () => {
    const start = { at: at(1_000_000), eventId: "s" };
    const delivered = new DeliveredEvents(start);
    expect(delivered.readFrom()).toEqual({ after: start });
    delivered.admit(at(1_000_000 + RESUME_OVERLAP_MS + 500), "late");
    expect(delivered.readFrom()).toEqual({ at: at(1_000_500) });
    expect(new DeliveredEvents().readFrom()).toBeNull();
  });

  it("drops a notice older than the version it holds, and starts a memory over after its delete", () => {
    const delivered = new DeliveredEvents();
    expect(delivered.isCurrent(update("updated", 3))).toBe(true);
    expect(delivered.isCurrent(update("updated", 2))).toBe(false);
    expect(delivered.isCurrent(update("moved", 3))).toBe(true);
    expect(delivered.isCurrent(update("deleted", 3))).toBe(true);
    // Created again under the same id (an Idempotency-Key used once more): version 1 is news.
    expect(delivered.isCurrent(update("created", 1))).toBe(true);
  });
});
