import { MAX_SLOTS, type PostingList, slotOf, tfOf } from "./postings";

/**
 * The best `limit` slots for a query, exactly as scoring every slot would find them, without scoring
 * every slot (MaxScore): the query's terms are sorted by the most each can add to a score, and once
 * the top is full, the terms that together cannot lift a slot into it are no longer walked, only
 * probed for the slots the others bring up. A question's common words ("did", a speaker's name)
 * stop costing a pass over most of the index.
 */

/** One query term: its postings, its IDF weight, and the most it adds to a slot's BM25. */
export interface QueryTerm {
  list: PostingList;
  weight: number;
  bound: number;
}

/** What the search asks the index about a slot. */
export interface SlotScoring {
  searchable(slot: number): boolean;
  /** One term's BM25 in the slot, at frequency tf. */
  termScore(weight: number, tf: number, slot: number): number;
  /** The slot's score from its BM25 (importance and recency). */
  score(slot: number, relevance: number): number;
  /** What `score` multiplies BM25 by at the most, for this slot and for any. */
  boost(slot: number): number;
  maxBoost: number;
  /** Order of two slots of equal score: negative when `a` goes first. */
  tie(a: number, b: number): number;
}

export interface SlotHit {
  slot: number;
  score: number;
  relevance: number;
  /** Sum of the weights of the query terms the slot holds. */
  covered: number;
}

/** Rounding slack: a bound is compared a hair high, so a slot is skipped only when it surely cannot enter. */
const SAFETY = 1 + 1e-9;
const NONE = MAX_SLOTS;

export function bestSlots(terms: QueryTerm[], limit: number, scoring: SlotScoring): SlotHit[] {
  if (limit <= 0) return [];
  const best = new TopHits(limit, scoring.tie);
  const count = terms.length;
  const byBound = terms.map((_, index) => index).sort((a, b) => terms[a].bound - terms[b].bound);
  /** below[k]: the most the terms byBound[0..k) add together. */
  const below = new Float64Array(count + 1);
  const placeOf = new Int32Array(count);
  byBound.forEach((term, k) => {
    below[k + 1] = below[k] + terms[term].bound;
    placeOf[term] = k;
  });
  // Cursors by place in byBound: the inner loops read typed arrays, not objects.
  const values = byBound.map((term) => terms[term].list.values);
  const ends = Int32Array.from(byBound, (term) => terms[term].list.end);
  const at = Int32Array.from(byBound, (term) => terms[term].list.start);
  const weights = Float64Array.from(byBound, (term) => terms[term].weight);
  const tfs = new Uint8Array(count);
  const parts = new Float64Array(count);
  // Terms byBound[essential..] are walked; those below only probed.
  let essential = 0;
  while (essential < count) {
    let slot = NONE;
    for (let k = essential; k < count; k += 1) {
      if (at[k] < ends[k] && slotOf(values[k][at[k]]) < slot) slot = slotOf(values[k][at[k]]);
    }
    if (slot === NONE) break;
    tfs.fill(0);
    for (let k = essential; k < count; k += 1) {
      if (at[k] < ends[k] && slotOf(values[k][at[k]]) === slot) tfs[k] = tfOf(values[k][at[k]++]);
    }
    if (!scoring.searchable(slot)) continue;
    let partial = 0;
    for (let k = essential; k < count; k += 1) {
      if (tfs[k] === 0) continue;
      parts[k] = scoring.termScore(weights[k], tfs[k], slot);
      partial += parts[k];
    }
    const boost = scoring.boost(slot) * SAFETY;
    let pruned = false;
    for (let k = essential - 1; k >= 0 && !pruned; k -= 1) {
      if (best.full && (partial + below[k + 1]) * boost < best.threshold) {
        pruned = true;
        continue;
      }
      at[k] = seek(values[k], at[k], ends[k], slot);
      if (at[k] === ends[k] || slotOf(values[k][at[k]]) !== slot) continue;
      tfs[k] = tfOf(values[k][at[k]]);
      parts[k] = scoring.termScore(weights[k], tfs[k], slot);
      partial += parts[k];
    }
    if (pruned || (best.full && partial * boost < best.threshold)) continue;
    // Summed in the query's order, as a slot's score always was: equal scores stay equal.
    let relevance = 0;
    let covered = 0;
    for (let term = 0; term < count; term += 1) {
      const k = placeOf[term];
      if (tfs[k] === 0) continue;
      relevance += parts[k];
      covered += weights[k];
    }
    best.offer({ slot, score: scoring.score(slot, relevance), relevance, covered });
    while (best.full && essential < count && below[essential + 1] * scoring.maxBoost * SAFETY < best.threshold) {
      essential += 1;
    }
  }
  return best.hits;
}

/** The first index from `from` whose slot is at least `slot`: galloping, then a binary search. */
function seek(values: Uint32Array, from: number, end: number, slot: number): number {
  const target = slot * 256;
  if (from >= end || values[from] >= target) return from;
  let low = from;
  let step = 1;
  while (low + step < end && values[low + step] < target) {
    low += step;
    step *= 2;
  }
  let high = Math.min(low + step, end);
  low += 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle] < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The best hits so far, kept in order: a binary search and an insert each, `limit` being small. */
class TopHits {
  readonly hits: SlotHit[] = [];

  constructor(
    private readonly limit: number,
    private readonly tie: (a: number, b: number) => number,
  ) {}

  get full(): boolean {
    return this.hits.length >= this.limit;
  }

  /** The score a slot must reach to enter (ties may still enter). */
  get threshold(): number {
    return this.hits.length === 0 ? Number.NEGATIVE_INFINITY : this.hits[this.hits.length - 1].score;
  }

  offer(hit: SlotHit): void {
    const hits = this.hits;
    if (this.full && (hits.length === 0 || this.better(hit, hits[hits.length - 1]) >= 0)) return;
    let low = 0;
    let high = hits.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.better(hits[middle], hit) < 0) low = middle + 1;
      else high = middle;
    }
    hits.splice(low, 0, hit);
    if (hits.length > this.limit) hits.pop();
  }

  private better(a: SlotHit, b: SlotHit): number {
    return b.score - a.score || this.tie(a.slot, b.slot);
  }
}
