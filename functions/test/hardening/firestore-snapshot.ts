import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../support/emulator";

async function collect(ref: DocumentReference, into: Record<string, unknown>): Promise<void> {
  const snapshot = await ref.get();
  if (snapshot.exists) into[ref.path] = snapshot.data();
  for (const collection of await ref.listCollections()) {
    for (const doc of await collection.listDocuments()) await collect(doc, into);
  }
}

/** Every document of one AI (registry, memories, history, room, presence) and its sessions and chats, as JSON. */
export async function snapshotOfAi(aiUuid: string): Promise<string> {
  const documents: Record<string, unknown> = {};
  await collect(db.collection("ai_registry").doc(aiUuid), documents);
  for (const name of ["chat_sessions", "chats"]) {
    for (const doc of (await db.collection(name).where("ai_uuid", "==", aiUuid).get()).docs) documents[doc.ref.path] = doc.data();
  }
  return JSON.stringify(Object.keys(documents).sort().map((path) => [path, documents[path]]));
}

/**
 * The snapshot once background work has settled: the room holds the event of `memoryId`'s creation
 * (a trigger may write it), and two reads a while apart agree.
 */
export async function settledSnapshotOfAi(aiUuid: string, memoryId: string, deadlineMs = 30_000): Promise<string> {
  const deadline = Date.now() + deadlineMs;
  const room = db.collection("ai_registry").doc(aiUuid).collection("events").where("data.memory_id", "==", memoryId);
  while ((await room.get()).empty && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 300));
  let previous = await snapshotOfAi(aiUuid);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const current = await snapshotOfAi(aiUuid);
    if (current === previous || Date.now() > deadline) return current;
    previous = current;
  }
}
