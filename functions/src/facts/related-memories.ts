import type { Firestore } from "firebase-admin/firestore";
import type { Embedder } from "../models/model-client";
import { memoryText } from "../memory/memory-types";
import { loadIndex } from "../search/index-cache";
import { fetchHits, type RankedHit, rankMemories } from "../search/memory-search";
import { MAX_KNOWN } from "./extraction-prompt";
import type { ShownMemory } from "./reconciliation-service";

/**
 * The long-term memories an exchange may confirm, refine or contradict, found with the chat's own
 * retrieval: the whole user message (with vector search when configured), each of its sentences
 * (a handful per statement), and the assistant's answer, which often names what the memory said;
 * then the newest ones, since a contradiction may share no word with what it contradicts ("we
 * moved to Paris" / "lives in Lyon") and vector search is not always configured. Superseded facts
 * are left out, as from the chat context.
 */

const TYPES = ["long_term_memory"] as const;
const PER_QUERY = 4;
const MAX_SENTENCES = 6;
/** The newest memories added after the related ones, within MAX_KNOWN. */
const NEWEST = 6;

const sentencesOf = (text: string): string[] =>
  text
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length >= 3)
    .slice(0, MAX_SENTENCES);

export async function relatedMemories(
  db: Firestore,
  aiUuid: string,
  exchange: { user: string; assistant: string },
  embedder: Embedder | null,
): Promise<ShownMemory[]> {
  const nowMs = Date.now();
  const first = await rankMemories(db, aiUuid, { query: exchange.user, types: TYPES, limit: PER_QUERY + 2, embedder, nowMs });
  // The index is fresh now: the other queries rank from it without reading anything.
  const index = await loadIndex(db, aiUuid);
  const sentences = sentencesOf(exchange.user);
  const queries = [...(sentences.length > 1 ? sentences : []), exchange.assistant];
  const chosen = new Map<string, RankedHit>(first.map((hit) => [hit.entry.id, hit]));
  for (const query of queries) {
    for (const hit of index.rank(query, { types: TYPES, nowMs, limit: PER_QUERY })) {
      if (chosen.size >= MAX_KNOWN) break;
      if (!chosen.has(hit.entry.id)) chosen.set(hit.entry.id, { ...hit, distance: null });
    }
  }
  const newest = index.newest({ types: TYPES, nowMs, limit: NEWEST }).filter((entry) => !chosen.has(entry.id));
  const ranked = [...chosen.values(), ...newest.map((entry) => ({ entry, score: 0, coverage: 0, distance: null }))];
  const hits = await fetchHits(db, aiUuid, ranked.slice(0, MAX_KNOWN));
  return hits.map(({ memory }, position) => ({
    ref: `m${position + 1}`,
    id: memory.id,
    version: memory.version,
    text: memoryText(memory),
    since: typeof memory.metadata?.valid_from === "string" ? memory.metadata.valid_from : memory.created_at.toDate().toISOString().slice(0, 10),
  }));
}
