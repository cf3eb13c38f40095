import { MEMORY_TYPES, type MemoryType } from "../memory/memory-types";
import type { IndexEntry } from "./index-entry";
import { Postings } from "./postings";
import { tokenize } from "./text";

/**
 * An AI's whole search index in memory: postings per term in typed arrays, so a query touches only
 * the memories that share a term with it, and BM25 runs over every memory exactly, with corpus
 * statistics (N, document frequency, average length) kept as entries come and go. An entry's terms
 * live only in the postings: a memory costs its fields and about 5 bytes per distinct term.
 */

/** What the index keeps of an entry: all of it but its terms. */
export type IndexedMemory = Omit<IndexEntry, "terms">;

/** Which entries a search may return. */
export interface CorpusOptions {
  types: readonly MemoryType[];
  nowMs: number;
  /** Superseded memories count and rank only when asked for. */
  includeSuperseded?: boolean;
}

export interface RankOptions extends CorpusOptions {
  limit: number;
  /** Days after which the recency boost halves. */
  halfLifeDays?: number;
}

export interface RankedEntry {
  entry: IndexedMemory;
  score: number;
  /** BM25 relevance alone. */
  relevance: number;
  /** Share (by IDF weight) of the query's terms the memory contains, 0..1. */
  coverage: number;
}

const K1 = 1.2;
const B = 0.75;
const DAY_MS = 86_400_000;
/** Heap of an entry beside its postings: its object, its id, its place in the id map (measured). */
const ENTRY_BYTES = 200;
/** An encoded entry's fields beside its terms, and its map key's overhead (index-entry.ts). */
const STORED_ENTRY_BYTES = 48;
/** Heap of a term beside its postings: the string, its map entry, the Postings object. */
const TERM_BYTES = 120;

/** Count and total length of the entries of one type, current or superseded: BM25's N and average length. */
type Bucket = { count: number; length: number };
const bucketOf = (entry: IndexedMemory): number => MEMORY_TYPES.indexOf(entry.type) * 2 + (entry.invalidated ? 1 : 0);

export class MemoryIndex {
  private readonly slots: Array<IndexedMemory | null> = [];
  private readonly slotOf = new Map<string, number>();
  private readonly postings = new Map<string, Postings>();
  private readonly buckets: Bucket[] = Array.from({ length: MEMORY_TYPES.length * 2 }, () => ({ count: 0, length: 0 }));
  /** Slots of entries that expire: subtracted from the corpus once expired, without a scan of the rest. */
  private readonly expiring = new Set<number>();
  /** Per slot, what the entry takes in the persisted index (bytes, estimated). */
  private readonly stored: number[] = [];
  private dead = 0;
  private heapBytes = 0;
  private storedBytes = 0;

  /** An index of many entries at once (a cold load), each term's postings left without room to grow. */
  static of(entries: Iterable<IndexEntry>): MemoryIndex {
    const index = new MemoryIndex();
    for (const entry of entries) index.upsert(entry);
    for (const postings of index.postings.values()) index.heapBytes -= postings.trim();
    return index;
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** The heap the index holds, estimated from what it allocated (bytes). */
  get bytes(): number {
    return this.heapBytes;
  }

  /** What the entries take in the persisted index, estimated from their terms (bytes). */
  get persistedBytes(): number {
    return this.storedBytes;
  }

  get(id: string): IndexedMemory | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : (this.slots[slot] ?? undefined);
  }

  /** Adds an entry, or replaces the entry of the same id. */
  upsert(entry: IndexEntry): void {
    this.remove(entry.id);
    const { terms, ...memory } = entry;
    const slot = this.slots.length;
    this.slots.push(memory);
    this.slotOf.set(memory.id, slot);
    const bucket = this.buckets[bucketOf(memory)];
    bucket.count += 1;
    bucket.length += memory.length;
    if (memory.expiresAtMs !== null) this.expiring.add(slot);
    this.heapBytes += ENTRY_BYTES + memory.id.length * 2;
    let stored = STORED_ENTRY_BYTES + memory.id.length;
    for (const [term, tf] of terms) {
      stored += term.length + (tf === 1 ? 1 : 3);
      let postings = this.postings.get(term);
      if (!postings) {
        postings = new Postings();
        this.postings.set(term, postings);
        this.heapBytes += postings.bytes + TERM_BYTES + term.length * 2;
      }
      this.heapBytes += postings.add(slot, tf);
    }
    this.stored[slot] = stored;
    this.storedBytes += stored;
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    const memory = this.slots[slot]!;
    const bucket = this.buckets[bucketOf(memory)];
    bucket.count -= 1;
    bucket.length -= memory.length;
    this.slots[slot] = null;
    this.slotOf.delete(id);
    this.expiring.delete(slot);
    this.heapBytes -= ENTRY_BYTES + id.length * 2;
    this.storedBytes -= this.stored[slot];
    this.dead += 1;
    if (this.dead > 1000 && this.dead > this.slotOf.size) this.compact();
  }

  /** Counts per type of the entries held (expired and superseded included). */
  counts(): Record<MemoryType, number> {
    const counts = { working_memory: 0, long_term_memory: 0, personal_logs: 0, archive: 0 };
    MEMORY_TYPES.forEach((type, index) => {
      counts[type] = this.buckets[index * 2].count + this.buckets[index * 2 + 1].count;
    });
    return counts;
  }

  /** Whether a search with these options may return the entry: of the types asked, live, current. */
  isSearchable(entry: IndexedMemory, options: CorpusOptions): boolean {
    return (
      options.types.includes(entry.type) &&
      (entry.expiresAtMs === null || entry.expiresAtMs > options.nowMs) &&
      (options.includeSuperseded === true || !entry.invalidated)
    );
  }

  /** N and total length of the searchable entries, from the buckets, less the expired ones. */
  private corpus(options: CorpusOptions): Bucket {
    const total = { count: 0, length: 0 };
    MEMORY_TYPES.forEach((type, index) => {
      if (!options.types.includes(type)) return;
      for (const bucket of options.includeSuperseded ? [index * 2, index * 2 + 1] : [index * 2]) {
        total.count += this.buckets[bucket].count;
        total.length += this.buckets[bucket].length;
      }
    });
    for (const slot of this.expiring) {
      const entry = this.slots[slot]!;
      const asked = options.types.includes(entry.type) && (options.includeSuperseded === true || !entry.invalidated);
      if (!asked || entry.expiresAtMs! > options.nowMs) continue;
      total.count -= 1;
      total.length -= entry.length;
    }
    return total;
  }

  /**
   * Every memory of the given types that shares a term with the query, by relevance (BM25)
   * nudged by importance (±15 %) and recency (up to 10 %); ties go to the newer, then the id.
   */
  rank(query: string, options: RankOptions): RankedEntry[] {
    const queryTerms = [...new Set(tokenize(query))];
    if (queryTerms.length === 0) return [];
    const { count: documents, length: totalLength } = this.corpus(options);
    if (documents <= 0) return [];
    const averageLength = totalLength / documents || 1;
    const inCorpus = (slot: number): boolean => {
      const entry = this.slots[slot];
      return entry !== null && this.isSearchable(entry, options);
    };

    const idf = new Map<string, number>();
    for (const term of queryTerms) {
      const list = this.postings.get(term);
      let df = 0;
      for (let i = 0; i < (list?.count ?? 0); i += 1) if (inCorpus(list!.slots[i])) df += 1;
      if (df > 0) idf.set(term, Math.log(1 + (documents - df + 0.5) / (df + 0.5)));
    }
    const totalIdf = queryTerms.reduce((sum, term) => sum + (idf.get(term) ?? 0), 0) || 1;

    // Per slot accumulators, typed: a common term's postings touch many slots.
    const scores = new Float64Array(this.slots.length);
    const covered = new Float64Array(this.slots.length);
    const touched: number[] = [];
    for (const [term, weight] of idf) {
      const list = this.postings.get(term)!;
      for (let i = 0; i < list.count; i += 1) {
        const slot = list.slots[i];
        if (!inCorpus(slot)) continue;
        const tf = list.tfs[i];
        const norm = tf + K1 * (1 - B + (B * this.slots[slot]!.length) / averageLength);
        if (covered[slot] === 0) touched.push(slot);
        scores[slot] += (weight * tf * (K1 + 1)) / norm;
        covered[slot] += weight;
      }
    }

    const halfLife = (options.halfLifeDays ?? 30) * DAY_MS;
    const better = (a: RankedEntry, b: RankedEntry) =>
      b.score - a.score || b.entry.createdAtMs - a.entry.createdAtMs || (a.entry.id < b.entry.id ? -1 : 1);
    // The best `limit` kept in order as they come: no sort of every memory that shares a term.
    const best: RankedEntry[] = [];
    for (const slot of touched) {
      const entry = this.slots[slot]!;
      const recency = 0.5 ** (Math.max(options.nowMs - entry.createdAtMs, 0) / halfLife);
      const score = scores[slot] * (0.85 + 0.3 * entry.importance) * (0.9 + 0.1 * recency);
      const hit = { entry, score, relevance: scores[slot], coverage: covered[slot] / totalIdf };
      if (best.length >= options.limit && better(hit, best[best.length - 1]) >= 0) continue;
      let low = 0;
      let high = best.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (better(best[middle], hit) < 0) low = middle + 1;
        else high = middle;
      }
      best.splice(low, 0, hit);
      if (best.length > options.limit) best.pop();
    }
    return best;
  }

  /** The newest entries a search with these options may return, newest first: one pass, no sort of all. */
  newest(options: RankOptions): IndexedMemory[] {
    const newer = (a: IndexedMemory, b: IndexedMemory) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? -1 : 1);
    const best: IndexedMemory[] = [];
    for (const entry of this.slots) {
      if (entry === null || !this.isSearchable(entry, options)) continue;
      if (best.length === options.limit && newer(entry, best[best.length - 1]) >= 0) continue;
      best.push(entry);
      best.sort(newer);
      if (best.length > options.limit) best.pop();
    }
    return best;
  }

  /** Drops the slots of removed entries and renumbers the rest, postings included. */
  private compact(): void {
    const renumber = new Int32Array(this.slots.length).fill(-1);
    let next = 0;
    this.slots.forEach((entry, slot) => {
      if (entry !== null) renumber[slot] = next++;
    });
    for (const [term, postings] of this.postings) {
      this.heapBytes -= postings.compact(renumber);
      if (postings.count === 0) {
        this.postings.delete(term);
        this.heapBytes -= TERM_BYTES + term.length * 2;
      }
    }
    const live = this.slots.filter((entry): entry is IndexedMemory => entry !== null);
    const stored = this.stored.filter((_, slot) => renumber[slot] >= 0);
    this.slots.length = 0;
    this.slots.push(...live);
    this.stored.length = 0;
    this.stored.push(...stored);
    this.expiring.clear();
    live.forEach((entry, slot) => {
      this.slotOf.set(entry.id, slot);
      if (entry.expiresAtMs !== null) this.expiring.add(slot);
    });
    this.dead = 0;
  }
}
