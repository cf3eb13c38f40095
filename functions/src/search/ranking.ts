import { MEMORY_TYPES, type MemoryType } from "../memory/memory-types";
import { entryOf } from "./index-entry";
import { MemoryIndex, type RankedEntry } from "./memory-index";

/** What ranking needs of a memory that is not in an AI's index (a benchmark's or a test's records). */
export interface RankCandidate {
  id: string;
  text: string;
  /** 0..1; 0.5 when absent. */
  importance?: number;
  /** Creation time in ms; absent means "now". */
  createdAtMs?: number;
  type?: MemoryType;
}

/**
 * Indexes plain records with the product's own index and scoring, and returns their ranking for a
 * query, best first: the LoCoMo benchmark and tests rank records that live in no AI.
 */
export function indexRecords<T extends RankCandidate>(records: T[], nowMs = Date.now()) {
  const index = new MemoryIndex();
  const byId = new Map(records.map((record) => [record.id, record]));
  for (const record of records) {
    const createdAtMs = record.createdAtMs ?? nowMs;
    index.upsert(
      entryOf({
        id: record.id,
        memory_type: record.type ?? "long_term_memory",
        text: record.text,
        importance: record.importance ?? 0.5,
        created_at: { toMillis: () => createdAtMs },
      }),
    );
  }
  return (query: string, limit = records.length): Array<RankedEntry & { record: T }> =>
    index
      .rank(query, { types: MEMORY_TYPES, nowMs, limit })
      .map((hit) => ({ ...hit, record: byId.get(hit.entry.id)! }));
}

/** Reciprocal rank fusion of several rankings of ids (keyword and vector), best first. */
export function fuseRankings(rankings: string[][], k = 60): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, rank) => {
      scores.set(id, (scores.get(id) ?? 0) + 1 / (k + rank + 1));
    });
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
