import type { Firestore, Query } from "firebase-admin/firestore";
import type { Embedder } from "../chat/model-client";
import { tokenize } from "./memory-text";
import { fuseRankings, rankMemories } from "./memory-ranking";
import type { MemoryType, StoredMemory } from "./memory-types";
import { memoryCollection } from "./registry-service";

/**
 * Relevance search over an AI's memories. Keyword mode: Firestore finds candidates by their
 * `terms` (written with the memory, so a memory is findable at once) and BM25 ranks them here.
 * With an embedder, `findNearest` candidates are fused in by reciprocal rank.
 */

/** Firestore's cap on the values of one `array-contains-any`. */
const MAX_QUERY_TERMS = 30;
/** Candidates per memory type from the any-term query. */
const KEYWORD_CANDIDATES = 200;
/** When that query is full, the rarest terms are looked up on their own, so rare words are never missed. */
const RARE_TERMS = 3;
const RARE_TERM_CANDIDATES = 100;
const VECTOR_CANDIDATES = 20;

export interface SearchOptions {
  query: string;
  types: readonly MemoryType[];
  limit: number;
  embedder?: Embedder | null;
  nowMs?: number;
  /**
   * Memories per type, for BM25's document count: the registry's `stats`, which the caller has
   * read already. Without it each type is counted, which costs a read per 1,000 memories.
   */
  stats?: Partial<Record<MemoryType, number>>;
}

export interface SearchHit {
  memory: StoredMemory;
  score: number;
  /** Share of the query's weight the memory contains (0 for vector-only hits). */
  coverage: number;
  /** Cosine distance to the query, when vector search ran and found it. */
  distance: number | null;
}

const queryTermsOf = (query: string): string[] => [...new Set(tokenize(query))].slice(0, MAX_QUERY_TERMS);

async function keywordCandidates(db: Firestore, aiUuid: string, type: MemoryType, terms: string[]): Promise<StoredMemory[]> {
  const collection = memoryCollection(db, aiUuid, type);
  const read = async (query: Query) => (await query.get()).docs.map((doc) => doc.data() as StoredMemory);
  const sample = await read(collection.where("terms", "array-contains-any", terms).limit(KEYWORD_CANDIDATES));
  if (sample.length < KEYWORD_CANDIDATES) return sample;
  const sampleFrequency = (term: string) => sample.filter((memory) => memory.terms.includes(term)).length;
  const rare = [...terms].sort((a, b) => sampleFrequency(a) - sampleFrequency(b)).slice(0, RARE_TERMS);
  const more = await Promise.all(rare.map((term) => read(collection.where("terms", "array-contains", term).limit(RARE_TERM_CANDIDATES))));
  const byId = new Map(sample.map((memory) => [memory.id, memory]));
  for (const memory of more.flat()) byId.set(memory.id, memory);
  return [...byId.values()];
}

async function vectorCandidates(
  db: Firestore,
  aiUuid: string,
  types: readonly MemoryType[],
  queryVector: number[],
): Promise<Array<{ memory: StoredMemory; distance: number }>> {
  const perType = await Promise.all(
    types.map(async (type) => {
      const snapshot = await memoryCollection(db, aiUuid, type)
        .findNearest({
          vectorField: "embedding",
          queryVector,
          limit: VECTOR_CANDIDATES,
          distanceMeasure: "COSINE",
          distanceResultField: "vector_distance",
        })
        .get();
      return snapshot.docs.map((doc) => {
        const { vector_distance: distance, ...memory } = doc.data() as StoredMemory & { vector_distance: number };
        return { memory: memory as StoredMemory, distance };
      });
    }),
  );
  return perType.flat().sort((a, b) => a.distance - b.distance);
}

const corpusSize = async (db: Firestore, aiUuid: string, type: MemoryType, stats: SearchOptions["stats"]): Promise<number> =>
  stats?.[type] || (await memoryCollection(db, aiUuid, type).count().get()).data().count;

const isLive = (memory: StoredMemory, now: number) => !memory.expires_at || memory.expires_at.toMillis() > now;

/** The most relevant memories of the given types, best first. */
export async function searchMemories(db: Firestore, aiUuid: string, options: SearchOptions): Promise<SearchHit[]> {
  const now = options.nowMs ?? Date.now();
  const terms = queryTermsOf(options.query);
  const embedding = options.embedder && options.query.trim() ? options.embedder.embed([options.query]) : null;
  const [candidates, sizes] = await Promise.all([
    terms.length ? Promise.all(options.types.map((type) => keywordCandidates(db, aiUuid, type, terms))) : Promise.resolve([]),
    terms.length ? Promise.all(options.types.map((type) => corpusSize(db, aiUuid, type, options.stats))) : Promise.resolve([0]),
  ]);
  const live = candidates.flat().filter((memory) => isLive(memory, now));
  const ranked = rankMemories(
    options.query,
    live.map((memory) => ({ id: memory.id, text: memory.text, importance: memory.importance, createdAtMs: memory.created_at.toMillis(), memory })),
    // Stats are kept by a trigger and may trail the newest writes by a moment.
    { corpusSize: Math.max(sizes.reduce((sum, size) => sum + size, 0), live.length), nowMs: now },
  );
  const hits = new Map<string, SearchHit>(
    ranked.map((hit) => [hit.memory.id, { memory: hit.memory.memory, score: hit.score, coverage: hit.coverage, distance: null }]),
  );
  if (!embedding) return [...hits.values()].slice(0, options.limit);

  const nearest = (await vectorCandidates(db, aiUuid, options.types, (await embedding)[0])).filter((hit) => isLive(hit.memory, now));
  for (const { memory, distance } of nearest) {
    const hit = hits.get(memory.id);
    if (hit) hit.distance = distance;
    else hits.set(memory.id, { memory, score: 0, coverage: 0, distance });
  }
  const fused = fuseRankings([ranked.map((hit) => hit.memory.id), nearest.map((hit) => hit.memory.id)]);
  return fused.slice(0, options.limit).map(({ id, score }) => ({ ...hits.get(id)!, score }));
}
