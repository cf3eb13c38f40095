import { tokenize } from "./memory-text";

/**
 * Ranking of candidate memories for a query, as pure functions: the retrieval service feeds them
 * Firestore documents, the LoCoMo benchmark feeds them plain records.
 */

/** What ranking needs of a memory. */
export interface RankCandidate {
  id: string;
  text: string;
  /** 0..1; 0.5 when absent. */
  importance?: number;
  /** Creation time in ms; absent means "no recency preference". */
  createdAtMs?: number;
}

export interface RankOptions {
  /** Documents in the whole collection (for IDF); defaults to the number of candidates. */
  corpusSize?: number;
  nowMs?: number;
  /** Days after which the recency boost halves. */
  halfLifeDays?: number;
}

export interface Ranked<T> {
  memory: T;
  score: number;
  /** BM25 relevance alone. */
  relevance: number;
  /** Share (by IDF weight) of the query's terms the memory contains, 0..1. */
  coverage: number;
}

const K1 = 1.2;
const B = 0.75;
const DAY_MS = 86_400_000;

/** BM25 statistics over a set of tokenized documents. */
function corpusStats(docs: string[][], corpusSize: number, queryTerms: string[]) {
  const df = new Map<string, number>();
  for (const tokens of docs) {
    for (const term of new Set(tokens)) if (queryTerms.includes(term)) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const n = Math.max(corpusSize, docs.length);
  const idf = new Map(queryTerms.map((term) => {
    const freq = df.get(term) ?? 0;
    return [term, Math.log(1 + (n - freq + 0.5) / (freq + 0.5))];
  }));
  const avgLength = docs.reduce((sum, tokens) => sum + tokens.length, 0) / Math.max(docs.length, 1) || 1;
  return { idf, avgLength };
}

/** Okapi BM25 of each document for the query terms, with each term's IDF-weighted coverage. */
export function bm25(queryTerms: string[], docs: string[][], corpusSize = docs.length) {
  const terms = [...new Set(queryTerms)];
  const { idf, avgLength } = corpusStats(docs, corpusSize, terms);
  const totalIdf = terms.reduce((sum, term) => sum + (idf.get(term) ?? 0), 0) || 1;
  return docs.map((tokens) => {
    const tf = new Map<string, number>();
    for (const token of tokens) if (idf.has(token)) tf.set(token, (tf.get(token) ?? 0) + 1);
    let score = 0;
    let covered = 0;
    for (const [term, freq] of tf) {
      const weight = idf.get(term) ?? 0;
      score += (weight * freq * (K1 + 1)) / (freq + K1 * (1 - B + (B * tokens.length) / avgLength));
      covered += weight;
    }
    return { score, coverage: covered / totalIdf };
  });
}

/**
 * Memories by relevance (BM25 over our tokenizer: stop words out, light stemming), nudged by
 * importance (up to ±15 %) and recency (up to 10 %). Memories that share no term are left out.
 */
export function rankMemories<T extends RankCandidate>(query: string, candidates: T[], options: RankOptions = {}): Ranked<T>[] {
  const queryTerms = tokenize(query);
  if (queryTerms.length === 0 || candidates.length === 0) return [];
  const scores = bm25(queryTerms, candidates.map((memory) => tokenize(memory.text)), options.corpusSize);
  const now = options.nowMs ?? Date.now();
  const halfLife = (options.halfLifeDays ?? 30) * DAY_MS;
  const ranked: Ranked<T>[] = [];
  candidates.forEach((memory, index) => {
    const { score: relevance, coverage } = scores[index];
    if (relevance <= 0) return;
    const importance = memory.importance ?? 0.5;
    const recency = memory.createdAtMs === undefined ? 1 : 0.5 ** (Math.max(now - memory.createdAtMs, 0) / halfLife);
    const score = relevance * (0.85 + 0.3 * importance) * (0.9 + 0.1 * recency);
    ranked.push({ memory, score, relevance, coverage });
  });
  return ranked.sort((a, b) => b.score - a.score || (b.memory.createdAtMs ?? 0) - (a.memory.createdAtMs ?? 0));
}

/** Reciprocal rank fusion of several rankings of ids (keyword and vector), best first. */
export function fuseRankings(rankings: string[][], k = 60): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + rank + 1)));
  }
  return [...scores.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
