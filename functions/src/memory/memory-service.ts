import { createHash } from "node:crypto";
import { type DocumentReference, type Firestore, Timestamp, type Transaction } from "firebase-admin/firestore";
import { AppError, notFound } from "../errors";
import { contentToText } from "../search/text";
import type { MemoryData } from "./memory-data";
import { recordMemoryChange } from "./memory-changes";
import { MEMORY_TYPES, type MemorySource, type MemoryType, type StoredMemory } from "./memory-types";
import { memoryCollection, registryRef } from "./registry-service";
import { boundedTransaction } from "./transactions";

export interface NewMemory extends MemoryData {
  source?: MemorySource;
  session_id?: string | null;
}

export const memoryRef = (db: Firestore, aiUuid: string, type: MemoryType, id: string) =>
  memoryCollection(db, aiUuid, type).doc(id) as DocumentReference<StoredMemory>;

/** Previous versions live beside the memory collections, so a move leaves them in place. */
export const historyCollection = (db: Firestore, aiUuid: string, memoryId: string) =>
  registryRef(db, aiUuid).collection("memory_history").doc(memoryId).collection("versions");

/** Idempotency-Key records of creates: a retry finds the first answer here, even after a delete. */
const idempotencyRef = (db: Firestore, aiUuid: string, memoryId: string) =>
  registryRef(db, aiUuid).collection("idempotency_keys").doc(memoryId);
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

const toTimestamp = (iso: string | null | undefined): Timestamp | null =>
  iso ? Timestamp.fromDate(new Date(iso)) : null;

/** The stored text: only structured content needs one, a string is its own. */
const textField = (content: StoredMemory["content"]) => (typeof content === "string" ? {} : { text: contentToText(content) });

/** Builds the stored form of a new memory; the caller writes it (alone or in a batch). */
export function buildMemory(aiUuid: string, type: MemoryType, id: string, data: NewMemory, now: Timestamp): StoredMemory {
  return {
    id,
    ai_uuid: aiUuid,
    memory_type: type,
    content: data.content,
    ...textField(data.content),
    metadata: data.metadata ?? {},
    tags: data.tags ?? [],
    importance: data.importance ?? 0.5,
    source: data.source ?? "api",
    session_id: data.session_id ?? null,
    created_at: now,
    updated_at: now,
    version: 1,
    expires_at: toTimestamp(data.expires_at),
  };
}

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
    const batch = db.batch();
    batch.create(memoryRef(db, aiUuid, type, memory.id), memory);
    recordMemoryChange(batch, db, { action: "created", memory }, now);
    await batch.commit();
    return { memory, replayed: false };
  }
  const id = idempotentMemoryId(aiUuid, options.idempotencyKey);
  const memory = buildMemory(aiUuid, type, id, data, now);
  const contentHash = createHash("sha256").update(JSON.stringify(memory.content)).digest("hex");
  return boundedTransaction(db, `${aiUuid}/${id}`, async (tx) => {
    const record = await tx.get(idempotencyRef(db, aiUuid, id));
    if (record.exists) {
      if (record.get("content_hash") !== contentHash) {
        throw new AppError("failed_precondition", "Idempotency-Key: already used for a different memory");
      }
      const copies = await tx.getAll(...MEMORY_TYPES.map((each) => memoryRef(db, aiUuid, each, id)));
      const current = copies.find((copy) => copy.exists)?.data();
      return { memory: current ?? (record.get("memory") as StoredMemory), replayed: true };
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

/** The fields an edit may set; the supersession fields are for the services that reconcile facts. */
export type MemoryEdit = Partial<MemoryData> & Partial<Pick<StoredMemory, "invalidated_at" | "superseded_by">>;

/** A memory's next version: the fields given replaced, the others kept, `version` + 1. */
export function nextVersion(current: StoredMemory, data: MemoryEdit, now: Timestamp): StoredMemory {
  const { text: _previousText, ...kept } = current;
  const content = data.content ?? current.content;
  return {
    ...kept,
    content,
    ...textField(content),
    metadata: data.metadata ?? current.metadata,
    tags: data.tags ?? current.tags,
    importance: data.importance ?? current.importance,
    expires_at: data.expires_at !== undefined ? toTimestamp(data.expires_at) : current.expires_at,
    ...(data.invalidated_at !== undefined ? { invalidated_at: data.invalidated_at } : {}),
    ...(data.superseded_by !== undefined ? { superseded_by: data.superseded_by } : {}),
    version: current.version + 1,
    updated_at: now,
  };
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
    const snapshot = await tx.get(ref);
    if (!snapshot.exists) throw notFound(`memory ${id} in ${type}`);
    const current = snapshot.data()!;
    const now = Timestamp.now();
    tx.set(historyCollection(db, aiUuid, id).doc(String(current.version)), current);
    tx.delete(ref);
    recordMemoryChange(tx, db, { action: "deleted", memory: current }, now);
  });
}

/** The stored form of a memory moved to another collection: same id, content, version and history. */
export const movedMemory = (memory: StoredMemory, to: MemoryType, now: Timestamp): StoredMemory => ({
  ...memory,
  memory_type: to,
  moved_from: memory.memory_type,
  moved_at: now,
  updated_at: now,
});

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
    throw new AppError("invalid_argument", "to_memory_type: must differ from from_memory_type", { field: "to_memory_type" });
  }
  const fromRef = memoryRef(db, aiUuid, from, id);
  const toRef = memoryRef(db, aiUuid, to, id);
  return boundedTransaction(db, `${aiUuid}/${id}`, async (tx) => {
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
  return snapshot.docs.map((doc) => doc.data() as StoredMemory);
}

