import { Timestamp } from "firebase-admin/firestore";
import { contentToText } from "../search/text";
import type { MemoryData } from "./memory-data";
import type { MemorySource, MemoryType, StoredMemory } from "./memory-types";

/**
 * What a memory is stored as: new, in its next version, moved. Pure: the services write what these
 * build, alone, in a batch or in a transaction.
 */

export interface NewMemory extends MemoryData {
  source?: MemorySource;
  session_id?: string | null;
}

const toTimestamp = (iso: string | null | undefined): Timestamp | null =>
  iso ? Timestamp.fromDate(new Date(iso)) : null;

/** The stored text: only structured content needs one, a string is its own. */
const textField = (content: StoredMemory["content"]) =>
  typeof content === "string" ? {} : { text: contentToText(content) };

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

/** The stored form of a memory moved to another collection: same id, content, version and history. */
export const movedMemory = (memory: StoredMemory, to: MemoryType, now: Timestamp): StoredMemory => ({
  ...memory,
  memory_type: to,
  moved_from: memory.memory_type,
  moved_at: now,
  updated_at: now,
});
