import { FieldPath, type Timestamp } from "firebase-admin/firestore";
import { db } from "../../../test-support/emulator";

/** Polls until `read` returns a value `done` accepts; the deadline is generous, never a timing assertion. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  deadlineMs = 20_000,
): Promise<T> {
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
  event: string;
  data: Record<string, unknown>;
  sender: Record<string, unknown>;
  at: Timestamp;
}

/** An AI's room in its order (commit time, then id), as the admin sees it. */
export async function roomOf(aiUuid: string): Promise<StoredEvent[]> {
  const snapshot = await db
    .collection(`ai_registry/${aiUuid}/events`)
    .orderBy("at")
    .orderBy(FieldPath.documentId())
    .get();
  return snapshot.docs.map((doc) => doc.data() as StoredEvent);
}

export const memoryUpdates = async (aiUuid: string) =>
  (await roomOf(aiUuid)).filter((event) => event.event === "memory_update");
