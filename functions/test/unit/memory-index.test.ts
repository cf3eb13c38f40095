import { describe, expect, it } from "vitest";
import { decodeEntry, encodeEntry, entryOf, type IndexEntry } from "../../src/search/index-entry";
import { MemoryIndex } from "../../src/search/memory-index";
import { MEMORY_TYPES, type MemoryType } from "../../src/memory/memory-types";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const DAY = 86_400_000;

function entry(id: string, text: string, extra: { type?: MemoryType; importance?: number; ageDays?: number; expiresAtMs?: number; invalidated?: boolean } = {}): IndexEntry {
  const made = entryOf({
    id,
    memory_type: extra.type ?? "long_term_memory",
    text,
    importance: extra.importance ?? 0.5,
    created_at: { toMillis: () => NOW - (extra.ageDays ?? 0) * DAY },
  });
  return { ...made, expiresAtMs: extra.expiresAtMs ?? null, invalidated: extra.invalidated ?? false };
}

const rank = (index: MemoryIndex, query: string, options: { types?: readonly MemoryType[]; includeSuperseded?: boolean } = {}) =>
  index.rank(query, { types: options.types ?? MEMORY_TYPES, nowMs: NOW, limit: 10, includeSuperseded: options.includeSuperseded }).map((hit) => hit.entry.id);

describe("an index entry", () => {
  it("survives its compact encoding, and a damaged one reads as nothing", () => {
    const original = { ...entry("m1", "Ada moved to Paris in 2024; Paris is lovely", { importance: 0.8 }), expiresAtMs: NOW + DAY, invalidated: true };
    expect(decodeEntry("m1", encodeEntry(original))).toEqual(original);
    expect(decodeEntry("m1", "2|0|x")).toBeNull();
    expect(decodeEntry("m1", "1|9|1f4|0||||0|")).toBeNull();
  });
});

describe("the in-memory index", () => {
  it("ranks by BM25: the rarer and more frequent term wins, documents without a query term are left out", () => {
    const index = new MemoryIndex();
    index.upsert(entry("common", "the cat sat on the mat"));
    index.upsert(entry("rare", "the axolotl swam"));
    index.upsert(entry("both", "the cat chased the axolotl"));
    index.upsert(entry("none", "nothing relevant here"));
    expect(rank(index, "axolotl cat")).toEqual(["both", "rare", "common"]);
  });

  it("nudges by importance and recency, and breaks ties by the newer, then the id", () => {
    const index = new MemoryIndex();
    index.upsert(entry("old", "tea with lemon", { ageDays: 300 }));
    index.upsert(entry("new", "tea with lemon", { ageDays: 0 }));
    index.upsert(entry("vital", "tea with lemon", { ageDays: 300, importance: 1 }));
    expect(rank(index, "lemon tea")).toEqual(["vital", "new", "old"]);
    const twins = new MemoryIndex();
    twins.upsert(entry("b", "same words"));
    twins.upsert(entry("a", "same words"));
    expect(rank(twins, "words")).toEqual(["a", "b"]);
  });

  it("replaces an entry on upsert and forgets it on remove, also across a compaction", () => {
    const index = new MemoryIndex();
    index.upsert(entry("m", "about kites"));
    index.upsert(entry("m", "about boats"));
    expect(rank(index, "kites")).toEqual([]);
    expect(rank(index, "boats")).toEqual(["m"]);
    for (let i = 0; i < 2500; i += 1) index.upsert(entry(`x${i}`, `filler ${i}`));
    for (let i = 0; i < 2500; i += 1) index.remove(`x${i}`);
    expect(index.size).toBe(1);
    expect(rank(index, "boats filler")).toEqual(["m"]);
    index.remove("m");
    expect(rank(index, "boats")).toEqual([]);
  });

  it("searches only the types asked, and leaves out expired and superseded entries unless asked for superseded", () => {
    const index = new MemoryIndex();
    index.upsert(entry("work", "lives in Lyon", { type: "working_memory" }));
    index.upsert(entry("past", "lives in Lyon", { invalidated: true }));
    index.upsert(entry("gone", "lives in Lyon", { expiresAtMs: NOW - 1 }));
    expect(rank(index, "Lyon")).toEqual(["work"]);
    expect(rank(index, "Lyon", { types: ["long_term_memory"] })).toEqual([]);
    expect(rank(index, "Lyon", { types: ["long_term_memory"], includeSuperseded: true })).toEqual(["past"]);
  });

  it("takes corpus statistics from the index itself: the same entries give the same scores", () => {
    const build = (order: number[]) => {
      const index = new MemoryIndex();
      for (const i of order) index.upsert(entry(`m${i}`, `note ${i} about ${i % 3 === 0 ? "gardens" : "rivers"}`));
      return index.rank("gardens rivers", { types: MEMORY_TYPES, nowMs: NOW, limit: 50 });
    };
    const forward = build(Array.from({ length: 30 }, (_, i) => i));
    const backward = build(Array.from({ length: 30 }, (_, i) => 29 - i));
    expect(backward.map((hit) => [hit.entry.id, hit.score])).toEqual(forward.map((hit) => [hit.entry.id, hit.score]));
  });
});

describe("the newest entries", () => {
  it("are the searchable ones of the asked types, newest first, superseded and expired left out", () => {
    const index = new MemoryIndex();
    index.upsert(entry("old", "lives in Lyon", { ageDays: 30 }));
    index.upsert(entry("mid", "works at Acme", { ageDays: 10 }));
    index.upsert(entry("new", "has a dog", { ageDays: 1 }));
    index.upsert(entry("gone", "was in Porto", { invalidated: true }));
    index.upsert(entry("expired", "a passing note", { expiresAtMs: NOW - DAY }));
    index.upsert(entry("chat", "an exchange", { type: "working_memory" }));
    const newest = (limit: number) => index.newest({ types: ["long_term_memory"], nowMs: NOW, limit }).map((each) => each.id);
    expect(newest(2)).toEqual(["new", "mid"]);
    expect(newest(10)).toEqual(["new", "mid", "old"]);
  });
});
