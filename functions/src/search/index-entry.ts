import { MEMORY_TYPES, type MemoryType } from "../memory/memory-types";
import { termFrequencies } from "./text";

/** What the search index holds of one memory: all that ranking needs, nothing it does not. */
export interface IndexEntry {
  id: string;
  type: MemoryType;
  /** Length in terms (BM25's document length). */
  length: number;
  /** Length of the plain text in characters: the context budget is estimated from it before any read. */
  chars: number;
  importance: number;
  createdAtMs: number;
  expiresAtMs: number | null;
  /** Superseded by a newer fact: searchable on request, never in the chat context. */
  invalidated: boolean;
  terms: Map<string, number>;
}

/** The fields of a memory document an entry is made from. */
export interface IndexedFields {
  id: string;
  memory_type: MemoryType;
  text: string;
  importance: number;
  created_at: { toMillis(): number };
  expires_at?: { toMillis(): number } | null;
  invalidated_at?: { toMillis(): number } | null;
}

export function entryOf(memory: IndexedFields): IndexEntry {
  const { terms, length } = termFrequencies(memory.text);
  return {
    id: memory.id,
    type: memory.memory_type,
    length,
    chars: memory.text.length,
    importance: memory.importance ?? 0.5,
    createdAtMs: memory.created_at.toMillis(),
    expiresAtMs: memory.expires_at ? memory.expires_at.toMillis() : null,
    invalidated: Boolean(memory.invalidated_at),
    terms,
  };
}

/**
 * One entry as one compact string (a map value in an index shard, which Firestore does not index):
 * `1|type|importance‰|created|expires|invalidated|length|chars|term:tf term ...`, numbers in base 36,
 * a tf of 1 left out. A few hundred bytes for an ordinary memory.
 */
export function encodeEntry(entry: IndexEntry): string {
  const terms = [...entry.terms].map(([term, tf]) => (tf === 1 ? term : `${term}:${tf.toString(36)}`)).join(" ");
  return [
    "1",
    MEMORY_TYPES.indexOf(entry.type),
    Math.round(entry.importance * 1000).toString(36),
    entry.createdAtMs.toString(36),
    entry.expiresAtMs === null ? "" : entry.expiresAtMs.toString(36),
    entry.invalidated ? "1" : "",
    entry.length.toString(36),
    entry.chars.toString(36),
    terms,
  ].join("|");
}

export function decodeEntry(id: string, encoded: string): IndexEntry | null {
  const parts = encoded.split("|");
  if (parts.length !== 9 || parts[0] !== "1") return null;
  const type = MEMORY_TYPES[Number(parts[1])];
  if (!type) return null;
  const terms = new Map<string, number>();
  if (parts[8]) {
    for (const item of parts[8].split(" ")) {
      const colon = item.indexOf(":");
      if (colon < 0) terms.set(item, 1);
      else terms.set(item.slice(0, colon), parseInt(item.slice(colon + 1), 36));
    }
  }
  return {
    id,
    type,
    importance: parseInt(parts[2], 36) / 1000,
    createdAtMs: parseInt(parts[3], 36),
    expiresAtMs: parts[4] ? parseInt(parts[4], 36) : null,
    invalidated: parts[5] === "1",
    length: parseInt(parts[6], 36),
    chars: parseInt(parts[7], 36),
    terms,
  };
}
