/**
 * The postings of one term: the slots of the entries that hold it and its frequency in each, in
 * typed arrays (5 bytes a posting), grown by half when full, or sized exactly when built in bulk.
 */
export class Postings {
  slots: Int32Array;
  tfs: Uint8Array;
  count = 0;

  constructor(capacity = 4) {
    this.slots = new Int32Array(capacity);
    this.tfs = new Uint8Array(capacity);
  }

  get bytes(): number {
    return this.slots.byteLength + this.tfs.byteLength;
  }

  /** Adds a posting; the bytes the arrays grew by. */
  add(slot: number, tf: number): number {
    let grown = 0;
    if (this.count === this.slots.length) {
      const before = this.bytes;
      const capacity = Math.ceil(this.count * 1.5) + 2;
      const slots = new Int32Array(capacity);
      slots.set(this.slots);
      const tfs = new Uint8Array(capacity);
      tfs.set(this.tfs);
      this.slots = slots;
      this.tfs = tfs;
      grown = this.bytes - before;
    }
    this.slots[this.count] = slot;
    // A frequency past 255 counts as 255: BM25 saturates long before.
    this.tfs[this.count] = Math.min(tf, 255);
    this.count += 1;
    return grown;
  }

  /** Drops the room left for growth; the bytes freed. */
  trim(): number {
    if (this.count === this.slots.length) return 0;
    const before = this.bytes;
    this.slots = this.slots.slice(0, this.count);
    this.tfs = this.tfs.slice(0, this.count);
    return before - this.bytes;
  }

  /** Keeps the postings of live slots, renumbered by `renumber` (-1: dead); the bytes freed. */
  compact(renumber: Int32Array): number {
    let kept = 0;
    for (let i = 0; i < this.count; i += 1) {
      const slot = renumber[this.slots[i]];
      if (slot < 0) continue;
      this.slots[kept] = slot;
      this.tfs[kept] = this.tfs[i];
      kept += 1;
    }
    const before = this.bytes;
    this.slots = this.slots.slice(0, kept);
    this.tfs = this.tfs.slice(0, kept);
    this.count = kept;
    return before - this.bytes;
  }
}
