import type { DocumentData, Firestore } from "firebase-admin/firestore";
import { historyCollection } from "../memory/memory-service";
import { MEMORY_TYPES, type MemoryType } from "../memory/memory-types";
import { memoryCollection } from "../memory/registry-service";

export type MemoryAction = "created" | "updated" | "deleted" | "moved";

/** What one write to a memory collection tells listeners, and how it changes the registry stats. */
export interface MemoryNotice {
  action: MemoryAction;
  memory_type: MemoryType;
  version: number;
  from?: MemoryType;
  stats: Partial<Record<MemoryType, number>>;
  /** The state the previous notice of this memory left, when this one must come after it. */
  after?: { memory_type: MemoryType; version: number };
}

export type ClassifiedWrite =
  | { kind: "notify"; notice: MemoryNotice }
  | { kind: "deletion"; notice: MemoryNotice }
  | { kind: "silent" };

interface TimestampLike {
  toMillis(): number;
}

const millisOf = (value: unknown): number | null =>
  typeof (value as TimestampLike | undefined)?.toMillis === "function" ? (value as TimestampLike).toMillis() : null;

/**
 * moveMemory creates the target with moved_from and moved_at == updated_at, in the transaction
 * that deletes the source: that create is the move. A later edit changes updated_at, and an edit
 * is never a create, so a create carrying both marks is a move and nothing else.
 */
function isMoveCreate(type: MemoryType, after: DocumentData): after is DocumentData & { moved_from: MemoryType } {
  const movedAt = millisOf(after.moved_at);
  return (
    MEMORY_TYPES.includes(after.moved_from) &&
    after.moved_from !== type &&
    movedAt !== null &&
    movedAt === millisOf(after.updated_at)
  );
}

/** Pure: what a before/after pair means. A deletion may still turn out to be the source side of a move. */
export function classifyWrite(type: MemoryType, before?: DocumentData, after?: DocumentData): ClassifiedWrite {
  if (after && !before) {
    const version = Number(after.version);
    if (isMoveCreate(type, after)) {
      const from = after.moved_from;
      const notice: MemoryNotice = { action: "moved", memory_type: type, version, from, stats: { [from]: -1, [type]: 1 } };
      return { kind: "notify", notice: { ...notice, after: { memory_type: from, version } } };
    }
    return { kind: "notify", notice: { action: "created", memory_type: type, version, stats: { [type]: 1 } } };
  }
  if (after && before) {
    // Index-only writes (embeddings, terms) keep the version: they are not a change of the memory.
    if (after.version === before.version) return { kind: "silent" };
    const version = Number(after.version);
    const previous = { memory_type: type, version: Number(before.version) };
    return { kind: "notify", notice: { action: "updated", memory_type: type, version, stats: {}, after: previous } };
  }
  if (before) {
    const version = Number(before.version);
    const previous = { memory_type: type, version };
    return { kind: "deletion", notice: { action: "deleted", memory_type: type, version, stats: { [type]: -1 }, after: previous } };
  }
  return { kind: "silent" };
}

/**
 * Whether a deleted memory lives on in another collection, i.e. the deletion was the source side of
 * a move (whose create side tells listeners). It does if the id exists in any collection now, or if
 * its history holds this version under another type (moved, then edited or deleted there).
 */
export async function movedAway(
  db: Firestore,
  aiUuid: string,
  memoryId: string,
  type: MemoryType,
  version: number,
): Promise<boolean> {
  // One round trip for the four collections the id could live in now.
  const current = await db.getAll(...MEMORY_TYPES.map((each) => memoryCollection(db, aiUuid, each).doc(memoryId)));
  if (current.some((snapshot) => snapshot.exists)) return true;
  const history = await historyCollection(db, aiUuid, memoryId).doc(String(version)).get();
  return history.exists && history.get("memory_type") !== type;
}
