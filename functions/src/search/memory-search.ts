import type { Firestore } from "firebase-admin/firestore";
import type { Embedder } from "../models/model-client";
import { memoryRef } from "../memory/memory-service";
import type { MemoryType, StoredMemory } from "../memory/memory-types";
import { embeddingInput, nearestMemories } from "./embedding-service";
import { loadIndex } from "./index-cache";
import type { IndexedMemory } from "./memory-index";
import { fuseRankings } from "./ranking";

/**
 * Relevance search over an AI's memories: every live memory of the asked types ranked exactly from
 * the AI's index (BM25 + importance + recency), fused by reciprocal rank with Firestore's vector
 * search when an embedder is configured. Ranking reads no memory; only the winners are fetched.
 */

/** Vector neighbours asked of Firestore per search; only their ids and distances are read. */
const VECTOR_CANDIDATES = 10;

export interface SearchOptions {
  query: string;
  types: readonly MemoryType[];
  limit: number;
  embedder?: Embedder | null;
  nowMs?: number;
  /** Superseded facts are left out unless asked for. */
  includeSuperseded?: boolean;
}

export interface RankedHit {
  entry: IndexedMemory;
  score: number;
  /** Share of the query's weight the memory contains (0 for vector-only hits). */
  coverage: number;
  /** Cosine distance to the query, when vector search ran and found it. */
  distance: number | null;
}

export interface SearchHit extends Omit<RankedHit, "entry"> {
  memory: StoredMemory;
}

/** The best `limit` memories for a query, as index entries: nothing but the index (and vectors) read. */
export async function rankMemories(db: Firestore, aiUuid: string, options: SearchOptions): Promise<RankedHit[]> {
  const nowMs = options.nowMs ?? Date.now();
  const embedder = options.query.trim() ? options.embedder : null;
  // Both at once, and both awaited together: an embedder failing while a cold index loads is this
  // request's error, never an unhandled rejection (which would end the process and every request on it).
  const [index, embedding] = await Promise.all([
    loadIndex(db, aiUuid),
    embedder ? embedder.embed([embeddingInput(options.query)]) : null,
  ]);
  const rankOptions = { types: options.types, nowMs, includeSuperseded: options.includeSuperseded };
  const keyword = index.rank(options.query, { ...rankOptions, limit: options.limit });
  const hits = new Map<string, RankedHit>(
    keyword.map((hit) => [
      hit.entry.id,
      { entry: hit.entry, score: hit.score, coverage: hit.coverage, distance: null },
    ]),
  );
  if (!embedding) return [...hits.values()];

  const nearest = await nearestMemories(db, aiUuid, embedding[0], VECTOR_CANDIDATES);
  // The index says which neighbours are live, of the asked types, and current: no memory is read for that.
  const vectorIds: string[] = [];
  for (const { id, distance } of nearest) {
    const entry = index.get(id);
    if (!entry || !index.isSearchable(entry, rankOptions)) continue;
    vectorIds.push(id);
    const hit = hits.get(id);
    if (hit) hit.distance = distance;
    else hits.set(id, { entry, score: 0, coverage: 0, distance });
  }
  return fuseRankings([keyword.map((hit) => hit.entry.id), vectorIds])
    .slice(0, options.limit)
    .map(({ id, score }) => ({ ...hits.get(id)!, score }));
}

/** Reads the memories of ranked hits, in rank order; one that vanished since is left out. */
export async function fetchHits(
  db: Firestore,
  aiUuid: string,
  hits: RankedHit[],
  fieldMask?: string[],
): Promise<SearchHit[]> {
  if (hits.length === 0) return [];
  const refs = hits.map((hit) => memoryRef(db, aiUuid, hit.entry.type, hit.entry.id));
  const docs = await db.getAll(...refs, ...(fieldMask ? [{ fieldMask }] : []));
  const found: SearchHit[] = [];
  docs.forEach((doc, index) => {
    if (!doc.exists) return;
    const { entry, ...hit } = hits[index];
    found.push({ ...hit, memory: { ...doc.data(), id: doc.id, memory_type: entry.type } as StoredMemory });
  });
  return found;
}

/** The most relevant memories of the given types, best first, read whole. */
export async function searchMemories(db: Firestore, aiUuid: string, options: SearchOptions): Promise<SearchHit[]> {
  return fetchHits(db, aiUuid, await rankMemories(db, aiUuid, options));
}
