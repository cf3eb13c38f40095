import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { MEMORY_TYPES } from "../memory/memory-types";
import { decodeEntry, encodeEntry } from "./index-entry";
import type { IndexedMemory } from "./index-memory-columns";

/**
 * A segment as stored: inverted, the way an instance's index holds it, so a cold load appends each
 * term's postings in bulk instead of parsing every memory's terms one string at a time.
 * - `data`: brotli of JSON `{ v: 2, ids, fields, terms }`: the memories' ids, their fields as
 *   parallel arrays (type, importance in ‰, created, expires or null, invalidated, length, chars),
 *   and the distinct terms of the segment;
 * - `postings`: brotli of varints, for each term in order: how many memories hold it, then for each,
 *   the gap to the previous memory's ordinal and the term's frequency in it.
 */

/** What the index needs of one memory of a segment, but its terms. */
export interface SegmentFields {
  types: number[];
  importance: number[];
  created: number[];
  expires: Array<number | null>;
  invalidated: number[];
  lengths: number[];
  chars: number[];
}

export interface InvertedSegment {
  ids: string[];
  fields: SegmentFields;
  terms: string[];
  /** Varints: per term, its count, then (ordinal gap, tf) pairs. */
  postings: Uint8Array;
}

const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_LGWIN]: 22 } };

function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

/** Reads varints from a buffer, in order. */
export class VarintReader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  next(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  }
}

/** Entries (memory id -> encoded entry, the log's form) as a stored segment. */
export function encodeSegment(entries: Map<string, string>): { data: Buffer; postings: Buffer } {
  const ids: string[] = [];
  const fields: SegmentFields = {
    types: [],
    importance: [],
    created: [],
    expires: [],
    invalidated: [],
    lengths: [],
    chars: [],
  };
  const byTerm = new Map<string, number[]>();
  for (const [id, encoded] of entries) {
    const entry = decodeEntry(id, encoded);
    if (!entry) continue;
    const ordinal = ids.length;
    ids.push(id);
    fields.types.push(MEMORY_TYPES.indexOf(entry.type));
    fields.importance.push(Math.round(entry.importance * 1000));
    fields.created.push(entry.createdAtMs);
    fields.expires.push(entry.expiresAtMs);
    fields.invalidated.push(entry.invalidated ? 1 : 0);
    fields.lengths.push(entry.length);
    fields.chars.push(entry.chars);
    for (const [term, tf] of entry.terms) {
      const list = byTerm.get(term) ?? [];
      list.push(ordinal, tf);
      byTerm.set(term, list);
    }
  }
  const bytes: number[] = [];
  for (const list of byTerm.values()) {
    writeVarint(bytes, list.length / 2);
    let previous = -1;
    for (let i = 0; i < list.length; i += 2) {
      writeVarint(bytes, list[i] - previous);
      writeVarint(bytes, list[i + 1]);
      previous = list[i];
    }
  }
  const header = JSON.stringify({ v: 2, ids, fields, terms: [...byTerm.keys()] });
  return {
    data: brotliCompressSync(Buffer.from(header), BROTLI),
    postings: brotliCompressSync(Buffer.from(bytes), BROTLI),
  };
}

export function readSegment(stored: { data: Uint8Array; postings: Uint8Array }): InvertedSegment {
  const header = JSON.parse(brotliDecompressSync(stored.data).toString("utf8")) as Omit<InvertedSegment, "postings">;
  return { ...header, postings: brotliDecompressSync(stored.postings) };
}

/** The fields of a segment's memory at an ordinal, as the index keeps them. */
export function memoryAt(segment: InvertedSegment, ordinal: number): IndexedMemory {
  const { fields } = segment;
  return {
    id: segment.ids[ordinal],
    type: MEMORY_TYPES[fields.types[ordinal]],
    importance: fields.importance[ordinal] / 1000,
    createdAtMs: fields.created[ordinal],
    expiresAtMs: fields.expires[ordinal],
    invalidated: fields.invalidated[ordinal] === 1,
    length: fields.lengths[ordinal],
    chars: fields.chars[ordinal],
  };
}

/** A segment's memories with their terms (for compaction, which rewrites segments entry by entry). */
export function segmentEntries(segment: InvertedSegment): Map<string, string> {
  const terms = segment.ids.map(() => new Map<string, number>());
  const reader = new VarintReader(segment.postings);
  for (const term of segment.terms) {
    const count = reader.next();
    let ordinal = -1;
    for (let i = 0; i < count; i += 1) {
      ordinal += reader.next();
      terms[ordinal].set(term, reader.next());
    }
  }
  const entries = new Map<string, string>();
  segment.ids.forEach((id, ordinal) => {
    entries.set(id, encodeEntry({ ...memoryAt(segment, ordinal), terms: terms[ordinal] }));
  });
  return entries;
}
