import { createHash } from "node:crypto";
import { type Firestore, Timestamp, type Transaction } from "firebase-admin/firestore";
import { AppError, notFound } from "../errors";
import { storedAs } from "../firestore-converter";
import { assertAiNotDeleted } from "./ai-deletion";
import { recordMemoryChange } from "./memory-changes";
import { MEMORY_TYPES, type MemoryType, type StoredMemory } from "./memory-types";
import { buildMemory, type MemoryEdit, movedMemory, type NewMemory, nextVersion } from "./memory-versions";
import { memoryCollection, registryRef } from "./registry-service";
import { boundedTransaction } from "./transactions";

export const memoryRef = (db: Firestore, aiUuid: string, type: MemoryType, id: string) =>
  memoryCollection(db, aiUuid, type).doc(id);

/** Previous versions live beside the memory collections, so a move leaves them in place. */
export const historyCollection = (db: Firestore, aiUuid: string, memoryId: string) =>
  registryRef(db, aiUuid)
    .collection("memory_history")
    .doc(memoryId)
    .collection("versions")
    .withConverter(storedAs<StoredMemory>());

/** Idempotency-Key records of creates: a retry finds the first answer here, even after a delete. */
interface IdempotencyRecord {
  content_hash: string;
  memory: StoredMemory;
  expires_at: Timestamp;
}
const idempotencyRef = (db: Firestore, aiUuid: string, memoryId: string) =>
  registryRef(db, aiUuid).collection("idempotency_keys").withConverter(storedAs<IdempotencyRecord>()).doc(memoryId);
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** A memory id derived from an Idempotency-Key: a retried create finds the first one's record. */
export const idempotentMemoryId = (aiUuid: string, key: string): string =>
  `k-${createHash("sha256").update(`${aiUuid}\n${key}`).digest("base64url").slice(0, 32)}`;

/**
 * Creates a memory, with its index entry and its `created` event, in one batch. With an idempotency
 * key, a retry answers the memory the first call created (`replayed`), wherever it has moved since
 * (or as it was, if deleted since), and a reuse of the key for other content is a 409.
 */
export async function createMemory(
  db: Firestore,
  aiUuid: string,
  type: MemoryType,
  data: NewMemory,
  options: { idempotencyKey?: string; now?: Timestamp } = {},
): Promise<{ memory: StoredMemory; replayed: boolean }> {
  const now = options.now ?? Timestamp.now();
  if (!options.idempotencyKey) {
    const memory = buildMemory(aiUuid, type, memoryCollection(db, aiUuid, type).doc().id, data, now);
    await db.runTransaction(async (tx) => {
      await assertAiNotDeleted(tx, db, aiUuid);
      tx.create(memoryRef(db, aiUuid, type, memory.id), memory);
      recordMemoryChange(tx, db, { action: "created", memory }, now);
    });
    return { memory, replayed: false };
  }
  const id = idempotentMemoryId(aiUuid, options.idempotencyKey);
  const memory = buildMemory(aiUuid, type, id, data, now);
  const contentHash = createHash("sha256").update(JSON.stringify(memory.content)).digest("hex");
  return boundedTransaction(db, `${aiUuid}/${id}`, async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const [recordDoc, copies] = await Promise.all([
      tx.get(idempotencyRef(db, aiUuid, id)),
      tx.getAll(...MEMORY_TYPES.map((each) => memoryRef(db, aiUuid, each, id))),
    ]);
    const record = recordDoc.data();
    const current = copies.find((copy) => copy.exists)?.data();
    if (record) {
      if (record.content_hash !== contentHash) {
        throw new AppError("failed_precondition", "Idempotency-Key: already used for a different memory", {
          field: "Idempotency-Key",
        });
      }
      return { memory: current ?? record.memory, replayed: true };
    }
    // The key's record expired, but the memory it made is still here (in any type): its id is taken.
    if (current) {
      throw new AppError(
        "failed_precondition",
        "Idempotency-Key: already used, for a memory whose record has expired (keys are kept a day); send a new key",
        { field: "Idempotency-Key", memory_id: id },
      );
    }
    tx.create(memoryRef(db, aiUuid, type, id), memory);
    tx.create(idempotencyRef(db, aiUuid, id), {
      content_hash: contentHash,
      memory,
      expires_at: Timestamp.fromMillis(now.toMillis() + IDEMPOTENCY_TTL_MS),
    });
    recordMemoryChange(tx, db, { action: "created", memory }, now);
    return { memory, replayed: false };
  });
}

export async function getMemory(db: Firestore, aiUuid: string, type: MemoryType, id: string): Promise<StoredMemory> {
  const snapshot = await memoryRef(db, aiUuid, type, id).get();
  if (!snapshot.exists) throw notFound(`memory ${id} in ${type}`);
  return snapshot.data()!;
}

/**
 * Writes a version made by `nextVersion` in the caller's transaction, the previous one into
 * memory_history; its index entry and event are the caller's to record (`recordMemoryChanges`).
 */
export function writeVersion(tx: Transaction, db: Firestore, current: StoredMemory, next: StoredMemory): void {
  tx.set(historyCollection(db, current.ai_uuid, current.id).doc(String(current.version)), current);
  tx.set(memoryRef(db, current.ai_uuid, current.memory_type, current.id), next);
}

/**
 * Replaces the fields given, keeps the others, bumps `version`, and keeps the previous version
 * readable under memory_history; the index entry and the event go in the same transaction.
 */
export async function editMemory(
  db: Firestore,
  aiUuid: string,
  type: MemoryType,
  id: string,
  data: MemoryEdit,
  options: { expectedVersion?: number; now?: Timestamp; action?: "updated" | "superseded" | "restored" } = {},
): Promise<StoredMemory> {
  const ref = memoryRef(db, aiUuid, type, id);
  return boundedTransaction(db, `${aiUuid}/${id}`, async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const snapshot = await tx.get(ref);
    if (!snapshot.exists) throw notFound(`memory ${id} in ${type}`);
    const current = snapshot.data()!;
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      throw new AppError(
        "failed_precondition",
        `expected_version: memory ${id} is at version ${current.version}, not ${options.expectedVersion}`,
        { field: "expected_version", current_version: current.version },
      );
    }
    const now = options.now ?? Timestamp.now();
    const next = nextVersion(current, data, now);
    writeVersion(tx, db, current, next);
    recordMemoryChange(tx, db, { action: options.action ?? "updated", memory: next }, now);
    return next;
  });
}

/** Deletes a memory. Its earlier versions, and the last one, stay readable in memory_history. */
export async function deleteMemory(db: Firestore, aiUuid: string, type: MemoryType, id: string): Promise<void> {
  const ref = memoryRef(db, aiUuid, type, id);
  await boundedTransaction(db, `${aiUuid}/${id}`, async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const snapshot = await tx.get(ref);
    if (!snapshot.exists) throw notFound(`memory ${id} in ${type}`);
    const current = snapshot.data()!;
    const now = Timestamp.now();
    tx.set(historyCollection(db, aiUuid, id).doc(String(current.version)), current);
    tx.delete(ref);
    recordMemoryChange(tx, db, { action: "deleted", memory: current }, now);
  });
}

/** Moves a memory to another collection in one transaction: before and after, it is in exactly one. */
export async function moveMemory(
  db: Firestore,
  aiUuid: string,
  id: string,
  from: MemoryType,
  to: MemoryType,
  now = Timestamp.now(),
): Promise<StoredMemory> {
  if (from === to) {
    throw new AppError("invalid_argument", "to_memory_type: must differ from from_memory_type", {
      field: "to_memory_type",
    });
  }
  const fromRef = memoryRef(db, aiUuid, from, id);
  const toRef = memoryRef(db, aiUuid, to, id);
  return boundedTransaction(db, `${aiUuid}/${id}`, async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const [source, target] = await tx.getAll(fromRef, toRef);
    if (!source.exists) throw notFound(`memory ${id} in ${from}`);
    if (target.exists) throw new AppError("already_exists", `memory ${id} already exists in ${to}`);
    const moved = movedMemory(source.data()!, to, now);
    tx.create(toRef, moved);
    tx.delete(fromRef);
    recordMemoryChange(tx, db, { action: "moved", memory: moved, from }, now);
    return moved;
  });
}

/** Earlier versions of a memory, newest first. */
export async function listHistory(db: Firestore, aiUuid: string, id: string, limit = 50): Promise<StoredMemory[]> {
  const snapshot = await historyCollection(db, aiUuid, id).orderBy("version", "desc").limit(limit).get();
  return snapshot.docs.map((doc) => doc.data());
}
