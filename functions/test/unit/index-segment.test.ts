import { describe, expect, it } from "vitest";
import { decodeEntry, encodeEntry, entryOf } from "../../src/search/index-entry";
import { encodeSegment, readSegment, segmentEntries } from "../../src/search/index-segment";
import { MemoryIndex } from "../../src/search/memory-index";
import { MEMORY_TYPES } from "../../src/memory/memory-types";
import { loadLocomo, turnsOf } from "../../../test-support/locomo";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const turns = loadLocomo()
  .slice(0, 3)
  .flatMap((conversation, index) => turnsOf(conversation, index));

/** LoCoMo turns as encoded entries of every type, some superseded, some expiring. */
const encoded = new Map(
  turns.map((turn, index) => {
    const entry = entryOf({
      id: `t${index}`,
      memory_type: MEMORY_TYPES[index % 4],
      text: turn.text,
      importance: (index % 10) / 10,
      created_at: { toMillis: () => NOW - index * 3_600_000 },
    });
    const varied = { ...entry, invalidated: index % 17 === 0, expiresAtMs: index % 13 === 0 ? NOW + 1000 : null };
    return [varied.id, encodeEntry(varied)] as const;
  }),
);

describe("a stored segment (inverted, compressed)", () => {
  it("gives back every entry as it was encoded (its terms in another order)", () => {
    const segment = readSegment(encodeSegment(encoded));
    expect(segment.ids).toHaveLength(encoded.size);
    const decoded = (entries: Map<string, string>) => [...entries].map(([id, entry]) => decodeEntry(id, entry));
    expect(decoded(segmentEntries(segment))).toEqual(decoded(encoded));
  });

  it("loads in bulk into the same index as adding its entries one by one, skipped ids left out", () => {
    const skipped = new Set(["t3", "t40", "t41"]);
    const bulk = new MemoryIndex();
    bulk.addSegment(readSegment(encodeSegment(encoded)), (id) => skipped.has(id));
    bulk.trim();
    const single = MemoryIndex.of(
      [...segmentEntries(readSegment(encodeSegment(encoded)))]
        .filter(([id]) => !skipped.has(id))
        .map(([id, entry]) => decodeEntry(id, entry)!),
    );
    expect(bulk.size).toBe(encoded.size - 3);
    expect(bulk.counts()).toEqual(single.counts());
    for (const skippedId of skipped) expect(bulk.get(skippedId)).toBeUndefined();
    for (const turn of turns.slice(0, 60)) {
      const options = { types: MEMORY_TYPES, nowMs: NOW, limit: 10 };
      expect(bulk.rank(turn.text, options)).toEqual(single.rank(turn.text, options));
      const superseded = { ...options, types: ["long_term_memory", "archive"] as const, includeSuperseded: true };
      expect(bulk.rank(turn.text, superseded)).toEqual(single.rank(turn.text, superseded));
    }
  });
});
