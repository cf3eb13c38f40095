import { MEMORY_TYPES, type MemoryType } from "../memory/memory-types";
import type { IndexEntry } from "./index-entry";
import { BUCKETS, bucketOf, EntryColumns, type IndexedMemory } from "./index-memory-columns";
import { type InvertedSegment, memoryAt, VarintReader } from "./index-segment";
import { bestSlots, type QueryTerm, type SlotScoring } from "./index-memory-top";
import { MAX_SLOTS, mapBytes, type PostingList, PostingLists, slotOf } from "./postings";
import { tokenize } from "./text";

/**
 * An AI's whole search index in memory: the entries' fields in typed arrays by slot, each term's
 * postings in packed 32-bit values, so a query touches only the postings of its terms, and BM25
 * runs over every memory exactly, with corpus statistics (N, document frequency, average length)
 * kept as entries come and go. At chat-exchange size a memory costs about 500 bytes, nearly all
 * of it its postings (4 bytes per distinct term).
 */

export type { IndexedMemory } from "./index-memory-columns";

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
/** Heap of a slot in the set of expiring ones, and of the index's own objects (measured). */
const EXPIRING_BYTES = 40;
const INDEX_BYTES = 2_000;

export class MemoryIndex {
  private readonly columns = new EntryColumns();
  private postings = new PostingLists();
  private readonly slotOf = new Map<string, number>();
  /** Per bucket (type, superseded or not), the count and total length of its entries: BM25's N and average length. */
  private readonly bucketCounts = new Float64Array(BUCKETS);
  private readonly bucketLengths = new Float64Array(BUCKETS);
  /** Slots of entries that expire: subtracted from the corpus once expired, without a scan of the rest. */
  private readonly expiring = new Set<number>();
  /** The highest importance held: what bounds the boost of any entry. */
  private maxImportance = 0;
  private dead = 0;

  /** An index of many entries at once (a cold load), left without room to grow. */
  static of(entries: Iterable<IndexEntry>): MemoryIndex {
    const index = new MemoryIndex();
    for (const entry of entries) index.upsert(entry);
    index.trim();
    return index;
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** The heap the index holds, estimated from what it allocated (bytes). */
  get bytes(): number {
    const own = mapBytes(this.slotOf.size) + this.expiring.size * EXPIRING_BYTES + INDEX_BYTES;
    return this.columns.bytes + this.postings.bytes + own;
  }

  get(id: string): IndexedMemory | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.columns.memoryAt(slot);
  }

  /** Adds an entry, or replaces the entry of the same id. */
  upsert(entry: IndexEntry): void {
    this.remove(entry.id);
    this.makeRoom(1);
    const { terms, ...memory } = entry;
    const slot = this.place(memory);
    for (const [term, tf] of terms) this.postings.add(term, slot, tf, memory.length);
  }

  /**
   * Appends a stored segment's memories (a cold load): each of its terms is looked up once and its
   * postings appended by slot, with no string handled per posting. Memories `skip` names (changed
   * since, in the log) are left out; one already held is replaced.
   */
  addSegment(segment: InvertedSegment, skip: (id: string) => boolean): void {
    const { ids, fields } = segment;
    this.makeRoom(ids.length);
    const slots = new Int32Array(ids.length).fill(-1);
    ids.forEach((id, ordinal) => {
      if (skip(id)) return;
      this.remove(id);
      slots[ordinal] = this.place(memoryAt(segment, ordinal));
    });
    const reader = new VarintReader(segment.postings);
    for (const term of segment.terms) {
      const count = reader.next();
      let termId = -1;
      let ordinal = -1;
      for (let i = 0; i < count; i += 1) {
        ordinal += reader.next();
        const tf = reader.next();
        const slot = slots[ordinal];
        if (slot < 0) continue;
        if (termId < 0) {
          // Looked up once, with room for the rest at once: a term whose memories are all skipped is never made.
          termId = this.postings.termId(term);
          this.postings.reserve(termId, count - i);
        }
        this.postings.addTo(termId, slot, tf, fields.lengths[ordinal]);
      }
    }
  }

  /** Drops the room left for growth (after a cold load). */
  trim(): void {
    this.columns.trim();
    this.postings.trim();
  }

  /** Slots for `adding` more entries, compacting the removed ones' first if need be. */
  private makeRoom(adding: number): void {
    if (this.columns.count + adding > MAX_SLOTS) this.compact();
    if (this.columns.count + adding > MAX_SLOTS) throw new Error(`an index holds at most ${MAX_SLOTS} entries`);
  }

  /** Gives a memory (its terms aside) a slot, and counts it in the corpus. */
  private place(memory: IndexedMemory): number {
    const slot = this.columns.add(memory);
    this.slotOf.set(memory.id, slot);
    const bucket = bucketOf(memory.type, memory.invalidated);
    this.bucketCounts[bucket] += 1;
    this.bucketLengths[bucket] += memory.length;
    if (memory.expiresAtMs !== null) this.expiring.add(slot);
    this.maxImportance = Math.max(this.maxImportance, memory.importance);
    return slot;
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    const bucket = this.columns.buckets[slot];
    this.bucketCounts[bucket] -= 1;
    this.bucketLengths[bucket] -= this.columns.lengths[slot];
    this.columns.remove(slot);
    this.slotOf.delete(id);
    this.expiring.delete(slot);
    this.dead += 1;
    if (this.dead > 1000 && this.dead > this.slotOf.size) this.compact();
  }

  /** Counts per type of the entries held (expired and superseded included). */
  counts(): Record<MemoryType, number> {
    const counts = { working_memory: 0, long_term_memory: 0, personal_logs: 0, archive: 0 };
    MEMORY_TYPES.forEach((type, index) => {
      counts[type] = this.bucketCounts[index * 2] + this.bucketCounts[index * 2 + 1];
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

  /**
   * Every memory of the given types that shares a term with the query, by relevance (BM25)
   * nudged by importance (±15 %) and recency (up to 10 %); ties go to the newer, then the id.
   */
  rank(query: string, options: RankOptions): RankedEntry[] {
    const queryTerms = [...new Set(tokenize(query))];
    if (queryTerms.length === 0) return [];
    const searchable = this.searchable(options);
    const { count: documents, length: totalLength } = this.corpus(options);
    if (documents <= 0) return [];
    const averageLength = totalLength / documents || 1;

    const terms: QueryTerm[] = [];
    for (const term of queryTerms) {
      const id = this.postings.idOf(term);
      if (id === undefined) continue;
      const list = this.postings.list(id);
      // Every slot in use searched: the list's length is the term's document frequency.
      const df = documents === this.columns.count ? list.end - list.start : countSearchable(list, searchable);
      if (df === 0) continue;
      const weight = Math.log(1 + (documents - df + 0.5) / (df + 0.5));
      terms.push({ list, weight, bound: scoreBound(weight, list, averageLength) });
    }
    const totalIdf = terms.reduce((sum, term) => sum + term.weight, 0) || 1;
    const hits = bestSlots(terms, options.limit, this.scoring(options, averageLength, searchable));
    return hits.map((hit) => ({
      entry: this.columns.memoryAt(hit.slot),
      score: hit.score,
      relevance: hit.relevance,
      coverage: hit.covered / totalIdf,
    }));
  }

  /** The newest entries a search with these options may return, newest first: one pass, no sort of all. */
  newest(options: RankOptions): IndexedMemory[] {
    const searchable = this.searchable(options);
    const newer = this.newerFirst;
    const best: number[] = [];
    if (options.limit <= 0) return [];
    for (let slot = 0; slot < this.columns.count; slot += 1) {
      if (!searchable(slot)) continue;
      if (best.length === options.limit && newer(slot, best[best.length - 1]) >= 0) continue;
      let low = 0;
      let high = best.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (newer(best[middle], slot) < 0) low = middle + 1;
        else high = middle;
      }
      best.splice(low, 0, slot);
      if (best.length > options.limit) best.pop();
    }
    return best.map((slot) => this.columns.memoryAt(slot));
  }

  /** Orders two slots newer first, then by id: how ties rank, and what `newest` returns. */
  private readonly newerFirst = (a: number, b: number): number => {
    const { created, ids } = this.columns;
    return created[b] - created[a] || (ids[a]! < ids[b]! ? -1 : 1);
  };

  /** Whether a slot is in what a search with these options ranks (a removed one never is). */
  private searchable(options: CorpusOptions): (slot: number) => boolean {
    const asked = this.askedBuckets(options);
    const { buckets, expires } = this.columns;
    return (slot) => asked[buckets[slot]] === 1 && expires[slot] > options.nowMs;
  }

  private askedBuckets(options: CorpusOptions): Uint8Array {
    const asked = new Uint8Array(256);
    for (const type of options.types) {
      asked[bucketOf(type, false)] = 1;
      if (options.includeSuperseded) asked[bucketOf(type, true)] = 1;
    }
    return asked;
  }

  /** N and total length of the searchable entries, from the buckets, less the expired ones. */
  private corpus(options: CorpusOptions): { count: number; length: number } {
    const asked = this.askedBuckets(options);
    const total = { count: 0, length: 0 };
    asked.forEach((yes, bucket) => {
      if (yes === 0) return;
      total.count += this.bucketCounts[bucket];
      total.length += this.bucketLengths[bucket];
    });
    const { buckets, expires, lengths } = this.columns;
    for (const slot of this.expiring) {
      if (asked[buckets[slot]] === 0 || expires[slot] > options.nowMs) continue;
      total.count -= 1;
      total.length -= lengths[slot];
    }
    return total;
  }

  /** How `bestSlots` scores a slot: BM25 as Okapi has it, times the importance and recency boosts. */
  private scoring(options: RankOptions, averageLength: number, searchable: (slot: number) => boolean): SlotScoring {
    const { lengths, importance, created } = this.columns;
    const halfLife = (options.halfLifeDays ?? 30) * DAY_MS;
    const importanceBoost = (slot: number) => 0.85 + 0.3 * importance[slot];
    const recencyBoost = (slot: number) => 0.9 + 0.1 * 0.5 ** (Math.max(options.nowMs - created[slot], 0) / halfLife);
    return {
      searchable,
      termScore: (weight, tf, slot) => {
        const norm = tf + K1 * (1 - B + (B * lengths[slot]) / averageLength);
        return (weight * tf * (K1 + 1)) / norm;
      },
      score: (slot, relevance) => relevance * importanceBoost(slot) * recencyBoost(slot),
      boost: (slot) => Math.max(0, importanceBoost(slot) * recencyBoost(slot)),
      maxBoost: Math.max(0, 0.85 + 0.3 * this.maxImportance),
      tie: this.newerFirst,
    };
  }

  /** Drops the slots of removed entries and renumbers the rest, postings included. */
  private compact(): void {
    const renumber = new Int32Array(this.columns.count).fill(-1);
    let next = 0;
    this.columns.ids.forEach((id, slot) => {
      if (id !== null) renumber[slot] = next++;
    });
    this.postings = this.postings.compacted(renumber);
    this.columns.compact(renumber);
    this.expiring.clear();
    this.columns.ids.forEach((id, slot) => {
      this.slotOf.set(id!, slot);
      if (this.columns.expires[slot] !== Number.POSITIVE_INFINITY) this.expiring.add(slot);
    });
    this.dead = 0;
  }
}

function countSearchable(list: PostingList, searchable: (slot: number) => boolean): number {
  let count = 0;
  for (let i = list.start; i < list.end; i += 1) if (searchable(slotOf(list.values[i]))) count += 1;
  return count;
}

/**
 * The most a term adds to a slot's BM25. Its score is weight (k1 + 1) / (1 + k1 (1 - b) / tf +
 * k1 b (length / tf) / average length): highest at the list's highest tf and lowest length / tf.
 */
function scoreBound(weight: number, list: PostingList, averageLength: number): number {
  const denominator = 1 + (K1 * (1 - B)) / list.maxTf + (K1 * B * list.minLengthPerTf) / averageLength;
  return (weight * (K1 + 1)) / denominator;
}
