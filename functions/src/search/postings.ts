/**
 * Every term's postings: the slots of the entries that hold it, ascending, each packed with the
 * term's frequency in one 32-bit value (slot << 8 | tf, so packed values sort as their slots do).
 * Most terms of a large index are rare (a day number, a name said once), and a typed array costs
 * about 100 bytes before it holds anything: a list of up to POOLED_MAX postings lives in a chunk of
 * one shared pool, a longer one in an array of its own.
 */

/** Postings a pooled list holds at the most; chunks come in powers of two up to it. */
const POOLED_MAX = 64;
const CHUNK_CLASSES = Math.log2(POOLED_MAX) + 1;
/** A frequency past 255 counts as 255: BM25 saturates long before. */
const MAX_TF = 255;
/** Slots fit in the 24 bits above the tf. */
export const MAX_SLOTS = 2 ** 24;
/** Heap of a typed array beside its contents: its object, its ArrayBuffer, the buffer's bookkeeping (measured). */
export const TYPED_ARRAY_BYTES = 140;
/** Heap of a term's string beside its characters (measured). */
const TERM_BYTES = 32;

/** Heap of a Map of this many entries: V8 sizes its table in powers of two, 28 bytes a place. */
export const mapBytes = (entries: number): number => 28 * 2 ** Math.ceil(Math.log2(Math.max(entries, 4)));

/** One term's postings as the range [start, end) of `values`. */
export interface PostingList {
  values: Uint32Array;
  start: number;
  end: number;
  /** The highest tf of the list and the lowest length / tf: what bounds the term's BM25 score. */
  maxTf: number;
  minLengthPerTf: number;
}

export const slotOf = (packed: number): number => packed >>> 8;
export const tfOf = (packed: number): number => packed & MAX_TF;

/** A typed array of `capacity`, holding the first `count` values of `array`. */
function resized<T extends Uint32Array | Int32Array | Uint8Array | Float32Array>(
  array: T,
  capacity: number,
  count: number,
): T {
  const copy = new (array.constructor as new (length: number) => T)(capacity);
  copy.set(array.subarray(0, count));
  return copy;
}

export class PostingLists {
  private readonly ids = new Map<string, number>();
  private termChars = 0;
  // Per term id.
  private counts = new Int32Array(64);
  private capacities = new Int32Array(64);
  /** Where a pooled list starts in the pool; -1 for a list in an array of its own. */
  private offsets = new Int32Array(64);
  private maxTfs = new Uint8Array(64);
  private minLengthsPerTf = new Float32Array(64);
  /** A long list's own array, by term id (null for a pooled list). */
  private readonly own: Array<Uint32Array | null> = [];
  private pool = new Uint32Array(256);
  private poolEnd = 0;
  /** Freed chunks by size class (capacity 2^class), reused before the pool grows. */
  private readonly free: number[][] = Array.from({ length: CHUNK_CLASSES }, () => []);

  get terms(): number {
    return this.ids.size;
  }

  /** The heap the lists hold (bytes). */
  get bytes(): number {
    let bytes = this.pool.byteLength + 6 * TYPED_ARRAY_BYTES + this.ids.size * TERM_BYTES + this.termChars;
    bytes += mapBytes(this.ids.size);
    bytes += this.counts.byteLength * 4 + this.maxTfs.byteLength + this.own.length * 8;
    for (const array of this.own) if (array) bytes += array.byteLength + TYPED_ARRAY_BYTES;
    return bytes;
  }

  idOf(term: string): number | undefined {
    return this.ids.get(term);
  }

  list(id: number): PostingList {
    const offset = this.offsets[id];
    const own = offset < 0;
    return {
      values: own ? this.own[id]! : this.pool,
      start: own ? 0 : offset,
      end: (own ? 0 : offset) + this.counts[id],
      maxTf: this.maxTfs[id],
      minLengthPerTf: this.minLengthsPerTf[id],
    };
  }

  /** Appends a posting: `slot` must be above every slot the term holds. */
  add(term: string, slot: number, tf: number, length: number): void {
    this.addTo(this.termId(term), slot, tf, length);
  }

  /** The term's id, a new one for a term not held yet. */
  termId(term: string): number {
    return this.ids.get(term) ?? this.newTerm(term);
  }

  /**
   * Room for `extra` more postings of a term id: the next chunk size in the pool, or an array of its
   * own past POOLED_MAX, a quarter larger than needed (a bulk load asks for all that come at once).
   */
  reserve(id: number, extra: number): void {
    const needed = this.counts[id] + extra;
    if (needed <= this.capacities[id]) return;
    const count = this.counts[id];
    const offset = this.offsets[id];
    if (offset >= 0 && needed <= POOLED_MAX) {
      const capacity = 2 ** Math.ceil(Math.log2(needed));
      const moved = this.allocate(capacity);
      this.pool.copyWithin(moved, offset, offset + count);
      this.release(offset, this.capacities[id]);
      this.offsets[id] = moved;
      this.capacities[id] = capacity;
      return;
    }
    const capacity = needed + (needed >> 2);
    if (offset < 0) {
      this.own[id] = resized(this.own[id]!, capacity, count);
    } else {
      this.own[id] = resized(this.pool.subarray(offset, offset + count), capacity, count);
      this.release(offset, this.capacities[id]);
      this.offsets[id] = -1;
    }
    this.capacities[id] = capacity;
  }

  /** Appends a posting to the list of a term id (a bulk load looks each term up once). */
  addTo(id: number, slot: number, tf: number, length: number): void {
    const count = this.counts[id];
    if (count === this.capacities[id]) this.reserve(id, 1);
    const packed = (slot * 256 + Math.min(tf, MAX_TF)) >>> 0;
    if (this.offsets[id] < 0) this.own[id]![count] = packed;
    else this.pool[this.offsets[id] + count] = packed;
    this.counts[id] = count + 1;
    if (tf > this.maxTfs[id]) this.maxTfs[id] = Math.min(tf, MAX_TF);
    // Float32 may round up: shaved so it stays a lower bound.
    const perTf = (length / Math.min(tf, MAX_TF)) * (1 - 1e-6);
    if (perTf < this.minLengthsPerTf[id]) this.minLengthsPerTf[id] = perTf;
  }

  /** The lists again with only the postings of live slots, renumbered by `renumber` (-1: dead), sized exactly. */
  compacted(renumber: Int32Array): PostingLists {
    const next = new PostingLists();
    for (const [term, id] of this.ids) {
      const { values, start, end } = this.list(id);
      const kept: number[] = [];
      for (let i = start; i < end; i += 1) {
        const slot = renumber[slotOf(values[i])];
        if (slot >= 0) kept.push((slot * 256 + tfOf(values[i])) >>> 0);
      }
      if (kept.length > 0) next.put(term, kept, this.maxTfs[id], this.minLengthsPerTf[id]);
    }
    next.trim();
    return next;
  }

  /** Drops the room left for growth: each list sized exactly, the pool packed (a cold load's last step). */
  trim(): void {
    const pooled = [...this.ids.values()].filter((id) => this.offsets[id] >= 0);
    const pool = new Uint32Array(pooled.reduce((sum, id) => sum + this.counts[id], 0));
    let end = 0;
    for (const id of pooled) {
      pool.set(this.pool.subarray(this.offsets[id], this.offsets[id] + this.counts[id]), end);
      this.offsets[id] = end;
      this.capacities[id] = this.counts[id];
      end += this.counts[id];
    }
    this.pool = pool;
    this.poolEnd = end;
    for (const chunks of this.free) chunks.length = 0;
    this.own.forEach((array, id) => {
      if (array && array.length > this.counts[id]) this.own[id] = array.slice(0, this.counts[id]);
      if (array) this.capacities[id] = this.counts[id];
    });
    this.resizeTerms(this.ids.size);
  }

  private put(term: string, values: number[], maxTf: number, minLengthPerTf: number): void {
    const id = this.newTerm(term);
    if (values.length > POOLED_MAX) {
      this.own[id] = Uint32Array.from(values);
      this.offsets[id] = -1;
    } else {
      this.offsets[id] = this.allocate(values.length);
      this.pool.set(values, this.offsets[id]);
    }
    this.counts[id] = values.length;
    this.capacities[id] = values.length;
    this.maxTfs[id] = maxTf;
    this.minLengthsPerTf[id] = minLengthPerTf;
  }

  private newTerm(term: string): number {
    const id = this.ids.size;
    if (id === this.counts.length) this.resizeTerms(Math.max(64, Math.ceil(id * 1.5)));
    this.ids.set(term, id);
    this.own.push(null);
    this.termChars += term.length;
    this.counts[id] = 0;
    this.capacities[id] = 0;
    this.offsets[id] = 0;
    this.maxTfs[id] = 0;
    this.minLengthsPerTf[id] = Number.POSITIVE_INFINITY;
    return id;
  }

  private resizeTerms(capacity: number): void {
    const count = this.ids.size;
    this.counts = resized(this.counts, capacity, count);
    this.capacities = resized(this.capacities, capacity, count);
    this.offsets = resized(this.offsets, capacity, count);
    this.maxTfs = resized(this.maxTfs, capacity, count);
    this.minLengthsPerTf = resized(this.minLengthsPerTf, capacity, count);
  }

  private allocate(capacity: number): number {
    const chunkClass = Math.log2(capacity);
    const reused = Number.isInteger(chunkClass) ? this.free[chunkClass]?.pop() : undefined;
    if (reused !== undefined) return reused;
    if (this.poolEnd + capacity > this.pool.length) {
      this.pool = resized(this.pool, Math.ceil((this.poolEnd + capacity) * 1.5), this.poolEnd);
    }
    this.poolEnd += capacity;
    return this.poolEnd - capacity;
  }

  /** Frees a chunk; one of an odd size (left by a trim) is lost until the next compaction. */
  private release(offset: number, capacity: number): void {
    const chunkClass = Math.log2(capacity);
    if (capacity > 0 && Number.isInteger(chunkClass)) this.free[chunkClass].push(offset);
  }
}
