import { type Firestore, Timestamp, type Transaction } from "firebase-admin/firestore";
import { AppError, notFound } from "../errors";
import { assertAiNotDeleted } from "../memory/ai-deletion";
import { type MemoryChange, recordMemoryChanges } from "../memory/memory-changes";
import { memoryRef, writeVersion } from "../memory/memory-service";
import { nextVersion } from "../memory/memory-versions";
import type { MemoryType, StoredMemory } from "../memory/memory-types";
import { extractionsCollection } from "./extraction-record";

/**
 * A superseded fact keeps every version and stays searchable on request; the exchanges that
 * stated it (found through the extraction records) leave the chat context with it, and come back
 * with it when the admin restores it.
 */

/** Exchanges looked at per change at most, so one transaction stays well under 500 writes. */
const MAX_EXCHANGES = 20;
/** Where an exchange's working memory may be: consolidation moves it to the archive. */
const EXCHANGE_TYPES: readonly MemoryType[] = ["working_memory", "archive"];

/** The exchanges whose extraction stated one of these facts, as they are now, with the facts they stated. */
export async function exchangesStating(
  tx: Transaction,
  db: Firestore,
  aiUuid: string,
  factIds: string[],
): Promise<Array<{ exchange: StoredMemory; stated: string[] }>> {
  if (factIds.length === 0) return [];
  const query = extractionsCollection(db, aiUuid)
    .where("stated_memory_ids", "array-contains-any", factIds.slice(0, 30))
    .limit(MAX_EXCHANGES);
  const records = (await tx.get(query)).docs.map((doc) => doc.data());
  if (records.length === 0) return [];
  const docs = await tx.getAll(
    ...records.flatMap((record) => EXCHANGE_TYPES.map((type) => memoryRef(db, aiUuid, type, record.chat_id))),
  );
  return docs.flatMap((doc) => {
    const exchange = doc.data();
    if (!exchange) return [];
    const record = records.find((each) => each.chat_id === doc.id)!;
    return [{ exchange, stated: record.stated_memory_ids.filter((id) => factIds.includes(id)) }];
  });
}

/** The fields of a supersession, set by `supersede` and cleared by `restore`. */
export const supersededBy = (replacement: string, now: Timestamp) => ({
  invalidated_at: now,
  superseded_by: replacement,
});
const cleared = { invalidated_at: null, superseded_by: null };

/**
 * Undoes a supersession (the admin's call): the memory gets a new version without
 * `invalidated_at` and `superseded_by` (a `restored` event), and so do the exchanges hidden with
 * it, in one transaction. A memory that is not superseded is a 409.
 */
export async function restoreMemory(db: Firestore, aiUuid: string, type: MemoryType, id: string) {
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const snapshot = await tx.get(memoryRef(db, aiUuid, type, id));
    if (!snapshot.exists) throw notFound(`memory ${id} in ${type}`);
    const current = snapshot.data()!;
    if (!current.invalidated_at)
      throw new AppError("failed_precondition", `memory ${id} is not superseded: there is nothing to restore`);
    const hidden = (await exchangesStating(tx, db, aiUuid, [id]))
      .map(({ exchange }) => exchange)
      .filter((exchange) => exchange.invalidated_at && exchange.superseded_by === current.superseded_by);
    const now = Timestamp.now();
    const changes: MemoryChange[] = [current, ...hidden].map((memory) => {
      const next = nextVersion(memory, cleared, now);
      writeVersion(tx, db, memory, next);
      return { action: "restored", memory: next };
    });
    recordMemoryChanges(tx, db, changes, now);
    return { memory: changes[0].memory, restored_exchange_ids: hidden.map((exchange) => exchange.id) };
  });
}
