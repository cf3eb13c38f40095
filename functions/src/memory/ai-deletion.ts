import type { Auth } from "firebase-admin/auth";
import {
  type DocumentReference,
  type Firestore,
  type Query,
  Timestamp,
  type Transaction,
} from "firebase-admin/firestore";
import { aiFirebaseUid } from "../auth/handshake-service";
import { AppError, notFound } from "../errors";
import { readAll, storedAs } from "../firestore-converter";
import { registryRef } from "./registry-service";

/**
 * The mark a deleted AI leaves (`deleted_ais/{ai_uuid}`): written in the same transaction that
 * removes its registry document, and read by every transaction that writes under the AI, so no
 * write that commits after the deletion began can re-create what the sweep removes.
 */
export interface AiTombstone {
  ai_uuid: string;
  owner_id: string;
  deleted_at: Timestamp;
}

export const tombstoneRef = (db: Firestore, aiUuid: string) =>
  db.collection("deleted_ais").withConverter(storedAs<AiTombstone>()).doc(aiUuid);

/** The refusal of a write under a deleted AI: a 404 to a caller, and a reason for work in flight to stop. */
export class AiDeletedError extends AppError {
  constructor(aiUuid: string) {
    super("not_found", `AI ${aiUuid} not found: it has been deleted`);
  }
}

/** Inside a transaction that writes under the AI, before its writes: a 404 once the AI is deleted. */
export async function assertAiNotDeleted(tx: Transaction, db: Firestore, aiUuid: string): Promise<void> {
  if ((await tx.get(tombstoneRef(db, aiUuid))).exists) throw new AiDeletedError(aiUuid);
}

/**
 * A write under the AI that no service transaction carries (a trigger's own records): made in a
 * transaction that reads the tombstone, so it cannot land after the deletion's sweep passed.
 * False, and nothing written, once the AI is deleted.
 */
export async function writeUnlessDeleted(
  db: Firestore,
  aiUuid: string,
  write: (tx: Transaction) => void,
): Promise<boolean> {
  return db.runTransaction(async (tx) => {
    if ((await tx.get(tombstoneRef(db, aiUuid))).exists) return false;
    write(tx);
    return true;
  });
}

/**
 * For work outside a transaction (the triggers): whether the AI is gone, so the work stops cleanly
 * instead of failing on every redelivery. A live AI's registry document exists before any of its events.
 */
export async function aiIsGone(db: Firestore, aiUuid: string): Promise<boolean> {
  return !(await registryRef(db, aiUuid).get()).exists;
}

/** Deletes what a query matches, a page at a time (top-level documents that name the AI). */
async function deleteMatching(
  db: Firestore,
  query: Query,
  deleteDeep?: (ref: DocumentReference) => Promise<void>,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await query.select().limit(400).get();
    if (page.empty) return deleted;
    if (deleteDeep) {
      for (const doc of page.docs) await deleteDeep(doc.ref);
    } else {
      const batch = db.batch();
      for (const doc of page.docs) batch.delete(doc.ref);
      await batch.commit();
    }
    deleted += page.size;
  }
}

/**
 * Deletes one AI and everything it owns: first its registry document, with the tombstone, in one
 * transaction (from then on the AI's tokens fail and every write under it is refused); then its
 * Firebase Auth user, its exchanges (`chats`) and sessions (`chat_sessions`), and every document
 * under `ai_registry/{ai_uuid}` (memories, history, search index, embeddings, extractions,
 * idempotency keys, room events, presence). Safe to run again: a deletion interrupted half way is
 * finished by the next call. A 404 only for an AI that never existed.
 */
export async function deleteAi(deps: { db: Firestore; auth: Auth }, aiUuid: string): Promise<void> {
  const { db } = deps;
  await db.runTransaction(async (tx) => {
    const [registry, tombstone] = await readAll(tx, registryRef(db, aiUuid), tombstoneRef(db, aiUuid));
    const ai = registry.data();
    if (!ai && !tombstone.exists) throw notFound(`AI ${aiUuid}`);
    if (ai) {
      tx.set(tombstoneRef(db, aiUuid), { ai_uuid: aiUuid, owner_id: ai.owner_id, deleted_at: Timestamp.now() });
      tx.delete(registryRef(db, aiUuid));
    }
  });
  try {
    await deps.auth.deleteUser(aiFirebaseUid(aiUuid));
  } catch (error) {
    // An AI whose custom token was never used has no Firebase user.
    if ((error as { code?: string }).code !== "auth/user-not-found") throw error;
  }
  await deleteMatching(db, db.collection("chats").where("ai_uuid", "==", aiUuid));
  // A session holds its items (an agent framework's conversation) beneath it: each goes with them.
  await deleteMatching(db, db.collection("chat_sessions").where("ai_uuid", "==", aiUuid), (ref) =>
    db.recursiveDelete(ref),
  );
  await db.recursiveDelete(registryRef(db, aiUuid));
}
