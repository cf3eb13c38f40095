import { expect } from "vitest";
import { db } from "../support/emulator";

/** Polls until `read` returns a value `done` accepts; the deadline is generous, never a timing assertion. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 20_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    value = await read();
  }
  return value;
}

export interface StoredEvent {
  id: string;
  seq: number;
  event: string;
  data: Record<string, unknown>;
  sender: Record<string, unknown>;
}

/** An AI's room, in seq order, as the admin sees it. */
export async function roomOf(aiUuid: string): Promise<StoredEvent[]> {
  const snapshot = await db.collection(`ai_registry/${aiUuid}/events`).orderBy("seq").get();
  return snapshot.docs.map((doc) => doc.data() as StoredEvent);
}

export const memoryUpdates = async (aiUuid: string) => (await roomOf(aiUuid)).filter((event) => event.event === "memory_update");

export async function statsOf(aiUuid: string): Promise<Record<string, number>> {
  return (await db.doc(`ai_registry/${aiUuid}`).get()).get("stats") as Record<string, number>;
}

/** Seqs are 1..n with no gap and no repeat. */
export function expectGapFree(events: StoredEvent[]): void {
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
}
