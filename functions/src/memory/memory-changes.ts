import { randomUUID } from "node:crypto";
import type { Firestore, Timestamp } from "firebase-admin/firestore";
import type { MemoryAction, MemoryUpdate } from "../events/memory-update";
import { writeRoomEvent } from "../events/room-events";
import type { DocumentWriter } from "../firestore-writer";
import { entryOf } from "../search/index-entry";
import { writeIndexChanges } from "../search/index-store";
import { type MemoryType, memoryText, type StoredMemory } from "./memory-types";

/** What a service did to one memory, as it knows it: nothing is guessed later from document shapes. */
export interface MemoryChange {
  action: MemoryAction;
  /** The memory after the change; for a deletion, as it was. */
  memory: StoredMemory;
  /** For a move, where it came from. */
  from?: MemoryType;
}

function eventData(change: MemoryChange): MemoryUpdate {
  const { memory } = change;
  const data: MemoryUpdate = {
    action: change.action,
    memory_type: memory.memory_type,
    memory_id: memory.id,
    version: memory.version,
    source: memory.source,
  };
  return change.from ? { ...data, from: change.from, to: memory.memory_type } : data;
}

/** Memories each type gained or lost by the changes: a move is one out of its old type and one into the new. */
function addedBy(changes: MemoryChange[]): Partial<Record<MemoryType, number>> {
  const added: Partial<Record<MemoryType, number>> = {};
  const add = (type: MemoryType, by: number) => {
    added[type] = (added[type] ?? 0) + by;
  };
  for (const { action, memory, from } of changes) {
    if (action === "created") add(memory.memory_type, 1);
    if (action === "deleted") add(memory.memory_type, -1);
    if (action === "moved" && from) {
      add(from, -1);
      add(memory.memory_type, 1);
    }
  }
  return added;
}

/**
 * The writes that go with changes of an AI's memories, added to the caller's transaction or batch:
 * each memory's entry in the AI's search index log, and one `memory_update` event per change in its
 * room. They commit with the changes or not at all, so an acknowledged change is searchable and
 * told at once. Returns the event ids.
 */
export function recordMemoryChanges(
  writer: DocumentWriter,
  db: Firestore,
  changes: MemoryChange[],
  now: Timestamp,
): string[] {
  if (changes.length === 0) return [];
  const aiUuid = changes[0].memory.ai_uuid;
  const deleted = changes.filter((change) => change.action === "deleted");
  const kept = changes.filter((change) => change.action !== "deleted");
  writeIndexChanges(writer, db, aiUuid, {
    upserts: kept.map(({ memory }) => entryOf({ ...memory, text: memoryText(memory) })),
    removals: deleted.map(({ memory }) => memory.id),
    added: addedBy(changes),
  });
  return changes.map((change) => {
    const eventId = `mu-${randomUUID()}`;
    writeRoomEvent(writer, db, aiUuid, eventId, {
      event: "memory_update",
      data: eventData(change),
      sender: { kind: "system" },
      now,
    });
    return eventId;
  });
}

export const recordMemoryChange = (
  writer: DocumentWriter,
  db: Firestore,
  change: MemoryChange,
  now: Timestamp,
): string => recordMemoryChanges(writer, db, [change], now)[0];
