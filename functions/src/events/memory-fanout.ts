import { createHash } from "node:crypto";
import { type DocumentData, FieldValue, type Firestore, getFirestore, Timestamp } from "firebase-admin/firestore";
import { adminApp } from "../admin-app";
import type { MemoryType } from "../memory/memory-types";
import { registryRef } from "../memory/registry-service";
import { classifyWrite, type MemoryNotice, movedAway } from "./memory-change";
import { appendRoomEvent, type RoomEvent, roomCollection } from "./room-events";

/** The part of a Firestore CloudEvent the fan-out reads; a test can hand in a plain object. */
export interface MemoryWriteEvent {
  id: string;
  params: { ai_uuid: string; memory_id: string };
  data?: { before: SnapshotLike; after: SnapshotLike };
}

export interface SnapshotLike {
  readonly exists: boolean;
  data(): DocumentData | undefined;
}

export interface FanOutDeps {
  db: Firestore;
  now?: () => Timestamp;
  /** How long a notice waits for the previous notice of the same memory before going out anyway. */
  orderWaitMs?: number;
}

/** Trigger deliveries of one memory arrive in any order; this keeps each memory's notices in order. */
const ORDER_WAIT_MS = 10_000;
const ORDER_POLL_MS = 100;
const TRANSACTION_ATTEMPTS = 15;

/** One room event per trigger event: its id is derived from the CloudEvent id, so redelivery finds it. */
export const eventIdForTrigger = (triggerEventId: string): string =>
  `mu-${createHash("sha256").update(triggerEventId).digest("hex").slice(0, 40)}`;

/** The last notice sent for each memory, so the next one can wait for it (collection closed to clients). */
const cursorRef = (db: Firestore, aiUuid: string, memoryId: string) =>
  registryRef(db, aiUuid).collection("event_cursors").doc(memoryId);

const defaultDeps = (): FanOutDeps => ({ db: getFirestore(adminApp()) });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function awaitPrevious(db: Firestore, aiUuid: string, memoryId: string, notice: MemoryNotice, waitMs: number) {
  const expected = notice.after;
  if (!expected) return;
  const deadline = Date.now() + waitMs;
  do {
    const cursor = await cursorRef(db, aiUuid, memoryId).get();
    if (cursor.get("memory_type") === expected.memory_type && Number(cursor.get("version")) >= expected.version) return;
    await sleep(ORDER_POLL_MS);
  } while (Date.now() < deadline);
}

const statsUpdate = (stats: MemoryNotice["stats"]) =>
  Object.fromEntries(Object.entries(stats).map(([type, delta]) => [`stats.${type}`, FieldValue.increment(delta)]));

function noticeData(memoryId: string, notice: MemoryNotice): Record<string, unknown> {
  const data: Record<string, unknown> = {
    action: notice.action,
    memory_type: notice.memory_type,
    memory_id: memoryId,
    version: notice.version,
  };
  if (notice.from) Object.assign(data, { from: notice.from, to: notice.memory_type });
  return data;
}

/**
 * The fan-out behind the memory triggers: one `memory_update` event in the AI's room per change,
 * with the registry stats, in one transaction that first checks the event is not written yet
 * (delivery is at least once). A move is told once, by its create side. Returns the event written,
 * or null when there was nothing (more) to tell.
 */
export async function handleMemoryWrite(
  type: MemoryType,
  event: MemoryWriteEvent,
  deps: FanOutDeps = defaultDeps(),
): Promise<RoomEvent | null> {
  const { db } = deps;
  const { ai_uuid: aiUuid, memory_id: memoryId } = event.params;
  const before = event.data?.before.exists ? event.data.before.data() : undefined;
  const after = event.data?.after.exists ? event.data.after.data() : undefined;
  const change = classifyWrite(type, before, after);
  if (change.kind === "silent") return null;
  const eventRef = roomCollection(db, aiUuid).doc(eventIdForTrigger(event.id));
  if ((await eventRef.get()).exists) return null;
  if (change.kind === "deletion" && (await movedAway(db, aiUuid, memoryId, type, change.notice.version))) return null;
  const notice = change.notice;
  await awaitPrevious(db, aiUuid, memoryId, notice, deps.orderWaitMs ?? ORDER_WAIT_MS);

  return db.runTransaction(
    async (tx) => {
      const [existing, registry] = await Promise.all([tx.get(eventRef), tx.get(registryRef(db, aiUuid))]);
      if (existing.exists || !registry.exists) return null;
      const written = appendRoomEvent(tx, db, registry, eventRef.id, {
        event: "memory_update",
        data: noticeData(memoryId, notice),
        sender: { kind: "system" },
        now: deps.now?.() ?? Timestamp.now(),
        registryUpdate: statsUpdate(notice.stats),
      });
      const cursor = cursorRef(db, aiUuid, memoryId);
      if (notice.action === "deleted") tx.delete(cursor);
      else tx.set(cursor, { memory_type: notice.memory_type, version: notice.version, seq: written.seq });
      return written;
    },
    { maxAttempts: TRANSACTION_ATTEMPTS },
  );
}
