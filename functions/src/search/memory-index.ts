import type { MemoryType } from "../memory/memory-types";
import type { IndexEntry } from "./index-entry";
import { tokenize } from "./text";

/**
 * An AI's whole search index in memory: postings per term, so a query touches only the memories
 * that share a term with it, and BM25 runs over every memory exactly, with corpus statistics (N,
 * document frequency, average length) taken from the index itself. Pure: no Firestore here.
 */

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
  entry: IndexEntry;
  score: number;
  /** BM25 relevance alone. */
  relevance: number;
  /** Share (by IDF weight) of the query's terms the memory contains, 0..1. */
  coverage: number;
}

const K1 = 1.2;
const B = 0.75;
const DAY_MS = 86_400_000;

/** Postings hold [slot, tf] pairs; a slot whose entry was removed or replaced is skipped, then compacted away. */
export class MemoryIndex {
  private readonly slots: Array<IndexEntry | null> = [];
  private readonly slotOf = new Map<string, number>();
  private readonly postings = new Map<string, number[]>();
  private dead = 0;

  get size(): number {
    return this.slotOf.size;
  }

  get(id: string): IndexEntry | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : (this.slots[slot] ?? undefined);
  }

  /** Adds an entry, or replaces the entry of the same id. */
  upsert(entry: IndexEntry): void {
    this.remove(entry.id);
    const slot = this.slots.length;
    this.slots.push(entry);
    this.slotOf.set(entry.id, slot);
    for (const [term, tf] of entry.terms) {
      const list = this.postings.get(term);
      if (list) list.push(slot, tf);
      else this.postings.set(term, [slot, tf]);
    }
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slots[slot] = null;
    this.slotOf.delete(id);
    this.dead += 1;
    if (this.dead > 1000 && this.dead > this.slotOf.size) this.compact();
  }

  /** Counts per type of the entries held (expired and superseded included). */
  counts(): Record<MemoryType, number> {
    const counts = { working_memory: 0, long_term_memory: 0, personal_logs: 0, archive: 0 };
    for (const entry of this.slots) if (entry) counts[entry.type] += 1;
    return counts;
  }

  /** Whether a search with these options may return the entry: of the types asked, live, current. */
  isSearchable(entry: IndexEntry, options: CorpusOptions): boolean {
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
    const inCorpus = (entry: IndexEntry | null): entry is IndexEntry => entry !== null && this.isSearchable(entry, options);

    let documents = 0;
    let totalLength = 0;
    for (const entry of this.slots) {
      if (!inCorpus(entry)) continue;
      documents += 1;
      totalLength += entry.length;
    }
    if (documents === 0) return [];
    const averageLength = totalLength / documents || 1;

    const idf = new Map<string, number>();
    for (const term of queryTerms) {
      const list = this.postings.get(term) ?? [];
      let df = 0;
      for (let i = 0; i < list.length; i += 2) if (inCorpus(this.slots[list[i]])) df += 1;
      if (df > 0) idf.set(term, Math.log(1 + (documents - df + 0.5) / (df + 0.5)));
    }
    const totalIdf = queryTerms.reduce((sum, term) => sum + (idf.get(term) ?? 0), 0) || 1;

    const relevance = new Map<number, { score: number; covered: number }>();
    for (const [term, weight] of idf) {
      const list = this.postings.get(term)!;
      for (let i = 0; i < list.length; i += 2) {
        const entry = this.slots[list[i]];
        if (!inCorpus(entry)) continue;
        const tf = list[i + 1];
        const norm = tf + K1 * (1 - B + (B * entry.length) / averageLength);
        const hit = relevance.get(list[i]) ?? { score: 0, covered: 0 };
        hit.score += (weight * tf * (K1 + 1)) / norm;
        hit.covered += weight;
        relevance.set(list[i], hit);
      }
    }

    const halfLife = (options.halfLifeDays ?? 30) * DAY_MS;
    const ranked: RankedEntry[] = [];
    for (const [slot, hit] of relevance) {
      const entry = this.slots[slot]!;
      const recency = 0.5 ** (Math.max(options.nowMs - entry.createdAtMs, 0) / halfLife);
      const score = hit.score * (0.85 + 0.3 * entry.importance) * (0.9 + 0.1 * recency);
      ranked.push({ entry, score, relevance: hit.score, coverage: hit.covered / totalIdf });
    }
    ranked.sort(
      (a, b) => b.score - a.score || b.entry.createdAtMs - a.entry.createdAtMs || (a.entry.id < b.entry.id ? -1 : 1),
    );
    return ranked.slice(0, options.limit);
  }

  /** The newest entries a search with these options may return, newest first (a scan of the index). */
  newest(options: RankOptions): IndexEntry[] {
    const live = this.slots.filter((entry): entry is IndexEntry => entry !== null && this.isSearchable(entry, options));
    return live.sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? -1 : 1)).slice(0, options.limit);
  }

  /** Rebuilds the postings without the slots of removed entries. */
  private compact(): void {
    const live = this.slots.filter((entry): entry is IndexEntry => entry !== null);
    this.slots.length = 0;
    this.slotOf.clear();
    this.postings.clear();
    this.dead = 0;
    for (const entry of live) this.upsert(entry);
  }
}
