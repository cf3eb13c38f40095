import { MEMORY_TYPES, type MemoryType } from "../memory/memory-types";
import type { IndexEntry } from "./index-entry";
import { TYPED_ARRAY_BYTES } from "./postings";

/**
 * The fields of the index's entries by slot, one typed array per field: about 40 bytes a memory
 * where an object per memory took about 200, and ranking's inner loops read plain numbers.
 */

/** What the index keeps of an entry: all of it but its terms. */
export type IndexedMemory = Omit<IndexEntry, "terms">;

/** A slot's bucket: its type and whether it is superseded (the corpus is counted by bucket). */
export const bucketOf = (type: MemoryType, invalidated: boolean): number =>
  MEMORY_TYPES.indexOf(type) * 2 + (invalidated ? 1 : 0);
export const BUCKETS = MEMORY_TYPES.length * 2;
/** The bucket of a removed entry's slot, until a compaction drops it. */
export const DEAD = 255;
/** Heap of an id beside its characters: its string's header, its place in `ids` (measured). */
const ID_BYTES = 40;

type Column = Uint8Array | Int32Array | Float64Array;

export class EntryColumns {
  readonly ids: Array<string | null> = [];
  buckets = new Uint8Array(16);
  lengths = new Int32Array(16);
  chars = new Int32Array(16);
  importance = new Float64Array(16);
  created = new Float64Array(16);
  /** Infinity for an entry that never expires. */
  expires = new Float64Array(16);
  private idChars = 0;

  /** Slots in use, removed ones included. */
  get count(): number {
    return this.ids.length;
  }

  get bytes(): number {
    const columns = this.columns();
    const perSlot = columns.reduce((sum, column) => sum + column.BYTES_PER_ELEMENT, 0);
    return (
      this.buckets.length * perSlot + columns.length * TYPED_ARRAY_BYTES + this.ids.length * ID_BYTES + this.idChars
    );
  }

  /** Puts an entry in the next slot; the slot. */
  add(memory: IndexedMemory): number {
    const slot = this.ids.length;
    if (slot === this.buckets.length) this.resize(Math.ceil(slot * 1.5));
    this.ids.push(memory.id);
    this.idChars += memory.id.length;
    this.buckets[slot] = bucketOf(memory.type, memory.invalidated);
    this.lengths[slot] = memory.length;
    this.chars[slot] = memory.chars;
    this.importance[slot] = memory.importance;
    this.created[slot] = memory.createdAtMs;
    this.expires[slot] = memory.expiresAtMs ?? Number.POSITIVE_INFINITY;
    return slot;
  }

  remove(slot: number): void {
    this.idChars -= this.ids[slot]!.length;
    this.ids[slot] = null;
    this.buckets[slot] = DEAD;
  }

  /** The entry in a slot, made afresh (the index holds no object per entry). */
  memoryAt(slot: number): IndexedMemory {
    const expires = this.expires[slot];
    return {
      id: this.ids[slot]!,
      type: MEMORY_TYPES[this.buckets[slot] >> 1],
      length: this.lengths[slot],
      chars: this.chars[slot],
      importance: this.importance[slot],
      createdAtMs: this.created[slot],
      expiresAtMs: expires === Number.POSITIVE_INFINITY ? null : expires,
      invalidated: (this.buckets[slot] & 1) === 1,
    };
  }

  /** Keeps the live slots, renumbered by `renumber` (-1: dead), and drops the room left for growth. */
  compact(renumber: Int32Array): void {
    let live = 0;
    for (let slot = 0; slot < this.ids.length; slot += 1) {
      const next = renumber[slot];
      if (next < 0) continue;
      for (const column of this.columns()) column[next] = column[slot];
      this.ids[next] = this.ids[slot];
      live += 1;
    }
    this.ids.length = live;
    this.resize(live);
  }

  /** Drops the room left for growth. */
  trim(): void {
    this.resize(this.ids.length);
  }

  private columns(): Column[] {
    return [this.buckets, this.lengths, this.chars, this.importance, this.created, this.expires];
  }

  private resize(capacity: number): void {
    const count = this.ids.length;
    const copy = <T extends Column>(column: T): T => {
      const next = new (column.constructor as new (length: number) => T)(Math.max(capacity, 16));
      next.set(column.subarray(0, count));
      return next;
    };
    this.buckets = copy(this.buckets);
    this.lengths = copy(this.lengths);
    this.chars = copy(this.chars);
    this.importance = copy(this.importance);
    this.created = copy(this.created);
    this.expires = copy(this.expires);
  }
}
