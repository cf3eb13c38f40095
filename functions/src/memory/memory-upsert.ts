import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { AppError } from "../errors";
import { assertAiNotDeleted } from "./ai-deletion";
import { recordMemoryChange } from "./memory-changes";
import type { MemoryData } from "./memory-data";
import { memoryRef, writeVersion } from "./memory-service";
import { MEMORY_TYPES, type MemoryType, type StoredMemory } from "./memory-types";
import { buildMemory, nextVersion } from "./memory-versions";
import { boundedTransaction } from "./transactions";

/** Whether a memory with this id exists, in any type (ids are unique across the four). */
export async function memoryExists(db: Firestore, aiUuid: string, id: string): Promise<boolean> {
  const copies = await db.getAll(...MEMORY_TYPES.map((type) => memoryRef(db, aiUuid, type, id)));
  return copies.some((copy) => copy.exists);
}

/**
 * A memory by the caller's id (a framework's key): created, or replaced whole by its next
 * version (fields not given take their defaults), the previous one kept in memory_history. The
 * same id in another type is a 409: a memory is in one collection at a time.
 */
export async function putMemory(
  db: Firestore,
  aiUuid: string,
  type: MemoryType,
  id: string,
  data: MemoryData,
  now = Timestamp.now(),
): Promise<{ memory: StoredMemory; created: boolean }> {
  return boundedTransaction(db, `${aiUuid}/${id}`, async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const copies = await tx.getAll(...MEMORY_TYPES.map((each) => memoryRef(db, aiUuid, each, id)));
    const elsewhere = copies.find((copy) => copy.exists && copy.data()?.memory_type !== type);
    if (elsewhere) {
      throw new AppError("already_exists", `memory ${id} exists in ${elsewhere.data()?.memory_type}; move it first`, {
        field: "memory_id",
      });
    }
    const current = copies.find((copy) => copy.exists)?.data();
    if (!current) {
      const memory = buildMemory(aiUuid, type, id, data, now);
      tx.create(memoryRef(db, aiUuid, type, id), memory);
      recordMemoryChange(tx, db, { action: "created", memory }, now);
      return { memory, created: true };
    }
    const replacement = { metadata: {}, tags: [], importance: 0.5, expires_at: null, ...data };
    const next = nextVersion(current, replacement, now);
    writeVersion(tx, db, current, next);
    recordMemoryChange(tx, db, { action: "updated", memory: next }, now);
    return { memory: next, created: false };
  });
}
