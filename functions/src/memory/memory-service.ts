import { createHash } from "node:crypto";
import { type DocumentReference, type Firestore, Timestamp } from "firebase-admin/firestore";
import { AppError, notFound } from "../errors";
import type { MemoryData } from "./memory-data";
import { contentToText, termsOf } from "./memory-text";
import { MEMORY_TYPES, type MemorySource, type MemoryType, type StoredMemory } from "./memory-types";
import { memoryCollection, registryRef } from "./registry-service";

/** Contended transactions (concurrent edits and moves of one memory) retry more than the default 5. */
const TRANSACTION_ATTEMPTS = 12;

export interface NewMemory extends MemoryData {
  source?: MemorySource;
  session_id?: string | null;
}

const memoryRef = (db: Firestore, aiUuid: string, type: MemoryType, id: string) =>
  memoryCollection(db, aiUuid, type).doc(id) as DocumentReference<StoredMemory>;

/** Previous versions live beside the memory collections, so a move leaves them in place. */
export const historyCollection = (db: Firestore, aiUuid: string, memoryId: string) =>
  registryRef(db, aiUuid).collection("memory_history").doc(memoryId).collection("versions");

const toTimestamp = (iso: string | null | undefined): Timestamp | null =>
  iso ? Timestamp.fromDate(new Date(iso)) : null;

function indexFields(content: StoredMemory["content"]): Pick<StoredMemory, "text" | "terms"> {
  const text = contentToText(content);
  return { text, terms: termsOf(text) };
}

/** Builds the stored form of a new memory; the caller writes it (alone or in a batch). */
export function buildMemory(
  aiUuid: string,
  type: MemoryType,
  id: string,
  data: NewMemory,
  now: Timestamp,
): StoredMemory {
  return {
    id,
    ai_uuid: aiUuid,
    memory_type: type,
    content: data.content,
    ...indexFields(data.content),
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

/** A memory id derived from an Idempotency-Key: a retried create finds the first one's document. */
export const idempotentMemoryId = (aiUuid: string, key: string): string =>
  `k-${createHash("sha256").update(`${aiUuid}\n${key}`).digest("base64url").slice(0, 32)}`;

/**
 * Creates a memory. With an idempotency key, a retry answers the memory the first call created
 * (`replayed`), wherever it has moved since, and a reuse of the key for other content is a 409:
 * nothing is stored twice.
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
    const ref = memoryCollection(db, aiUuid, type).doc();
    const memory = buildMemory(aiUuid, type, ref.id, data, now);
    await ref.create(memory);
    return { memory, replayed: false };
  }
  const id = idempotentMemoryId(aiUuid, options.idempotencyKey);
  const memory = buildMemory(aiUuid, type, id, data, now);
  return db.runTransaction(
    async (tx) => {
      const copies = await tx.getAll(...MEMORY_TYPES.map((each) => memoryRef(db, aiUuid, each, id)));
      const first = copies.find((copy) => copy.exists)?.data() as StoredMemory | undefined;
      if (!first) {
        tx.create(memoryRef(db, aiUuid, type, id), memory);
        return { memory, replayed: false };
      }
      if (JSON.stringify(first.content) !== JSON.stringify(memory.content)) {
        throw new AppError("failed_precondition", "Idempotency-Key: already used for a different memory");
      }
      return { memory: first, replayed: true };
    },
    { maxAttempts: TRANSACTION_ATTEMPTS },
  );
}

export async function getMemory(db: Firestore, aiUuid: string, type: MemoryType, id: string): Promise<StoredMemory> {
  const snapshot = await memoryRef(db, aiUuid, type, id).get();
  if (!snapshot.exists) throw notFound(`memory ${id} in ${type}`);
  return snapshot.data() as StoredMemory;
}

/**
 * Replaces the fields given in `data`, keeps the others, bumps `version`, and keeps the previous
 * version readable under memory_history. One transaction: concurrent edits never lose a version.
 */
export async function editMemory(
  db: Firestore,
  aiUuid: string,
  type: MemoryType,
  id: string,
  data: Partial<MemoryData>,
  options: { expectedVersion?: number; now?: Timestamp } = {},
): Promise<StoredMemory> {
  const ref = memoryRef(db, aiUuid, type, id);
  return db.runTransaction(
    async (tx) => {
      const snapshot = await tx.get(ref);
      if (!snapshot.exists) throw notFound(`memory ${id} in ${type}`);
      const current = snapshot.data() as StoredMemory;
      if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
        throw new AppError(
          "failed_precondition",
          `expected_version: memory ${id} is at version ${current.version}, not ${options.expectedVersion}`,
        );
      }
      const next: StoredMemory = {
        ...current,
        ...(data.content !== undefined ? { content: data.content, ...indexFields(data.content) } : {}),
        metadata: data.metadata ?? current.metadata,
        tags: data.tags ?? current.tags,
        importance: data.importance ?? current.importance,
        expires_at: data.expires_at !== undefined ? toTimestamp(data.expires_at) : current.expires_at,
        version: current.version + 1,
        updated_at: options.now ?? Timestamp.now(),
      };
      tx.set(historyCollection(db, aiUuid, id).doc(String(current.version)), current);
      tx.set(ref, next);
      return next;
    },
    { maxAttempts: TRANSACTION_ATTEMPTS },
  );
}

/** Deletes a memory. Its earlier versions stay readable in memory_history. */
export async function deleteMemory(db: Firestore, aiUuid: string, type: MemoryType, id: string): Promise<void> {
  const ref = memoryRef(db, aiUuid, type, id);
  await db.runTransaction(
    async (tx) => {
      const snapshot = await tx.get(ref);
      if (!snapshot.exists) throw notFound(`memory ${id} in ${type}`);
      const current = snapshot.data() as StoredMemory;
      tx.set(historyCollection(db, aiUuid, id).doc(String(current.version)), current);
      tx.delete(ref);
    },
    { maxAttempts: TRANSACTION_ATTEMPTS },
  );
}

/**
 * Moves a memory to another collection in one transaction: same id, content, metadata, version
 * and history. Before and after, the memory is in exactly one collection.
 */
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
  return db.runTransaction(
    async (tx) => {
      const [source, target] = await Promise.all([tx.get(fromRef), tx.get(toRef)]);
      if (!source.exists) throw notFound(`memory ${id} in ${from}`);
      if (target.exists) throw new AppError("already_exists", `memory ${id} already exists in ${to}`);
      const moved: StoredMemory = {
        ...(source.data() as StoredMemory),
        memory_type: to,
        moved_from: from,
        moved_at: now,
        updated_at: now,
      };
      tx.create(toRef, moved);
      tx.delete(fromRef);
      return moved;
    },
    { maxAttempts: TRANSACTION_ATTEMPTS },
  );
}

/** Earlier versions of a memory, newest first. */
export async function listHistory(db: Firestore, aiUuid: string, id: string, limit = 50): Promise<StoredMemory[]> {
  const snapshot = await historyCollection(db, aiUuid, id).orderBy("version", "desc").limit(limit).get();
  return snapshot.docs.map((doc) => doc.data() as StoredMemory);
}
