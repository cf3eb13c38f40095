import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { decodeEntry, encodeEntry, entryOf, type IndexEntry } from "../../src/search/index-entry";
import { MemoryIndex, type RankOptions } from "../../src/search/memory-index";
import { tokenize } from "../../src/search/text";
import { MEMORY_TYPES, type MemoryType } from "../../src/memory/memory-types";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const DAY = 86_400_000;

function entry(
  id: string,
  text: string,
  extra: { type?: MemoryType; importance?: number; ageDays?: number; expiresAtMs?: number; invalidated?: boolean } = {},
): IndexEntry {
  const made = entryOf({
    id,
    memory_type: extra.type ?? "long_term_memory",
    text,
    importance: extra.importance ?? 0.5,
    created_at: { toMillis: () => NOW - (extra.ageDays ?? 0) * DAY },
  });
  return { ...made, expiresAtMs: extra.expiresAtMs ?? null, invalidated: extra.invalidated ?? false };
}

const rank = (
  index: MemoryIndex,
  query: string,
  options: { types?: readonly MemoryType[]; includeSuperseded?: boolean } = {},
) =>
  index
    .rank(query, {
      types: options.types ?? MEMORY_TYPES,
      nowMs: NOW,
      limit: 10,
      includeSuperseded: options.includeSuperseded,
    })
    .map((hit) => hit.entry.id);

describe("an index entry", () => {
  it("survives its compact encoding, and a damaged one reads as nothing", () => {
    const original = {
      ...entry("m1", "Ada moved to Paris in 2024; Paris is lovely", { importance: 0.8 }),
      expiresAtMs: NOW + DAY,
      invalidated: true,
    };
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
    const newest = (limit: number) =>
      index.newest({ types: ["long_term_memory"], nowMs: NOW, limit }).map((each) => each.id);
    expect(newest(2)).toEqual(["new", "mid"]);
    expect(newest(10)).toEqual(["new", "mid", "old"]);
  });
});

describe("the index at scale", () => {
  /** A seeded generator: the same corpus every run. */
  const random = (seed: number) => () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const WORDS = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`);
  /** Words by a skewed distribution: a few in most entries (past a pooled list's size), most in a handful. */
  const text = (next: () => number, i: number) =>
    [
      `day${i}`,
      ...Array.from({ length: 3 + Math.floor(next() * 30) }, () => WORDS[Math.floor(next() ** 3 * 400)]),
    ].join(" ");

  /** Every entry scored one by one, the way BM25 reads on paper: what the index must agree with. */
  function reference(entries: Map<string, IndexEntry>, query: string, options: RankOptions) {
    const terms = [...new Set(tokenize(query))];
    const index = new MemoryIndex();
    const corpus = [...entries.values()].filter((each) => index.isSearchable(each, options));
    const average = corpus.reduce((sum, each) => sum + each.length, 0) / corpus.length || 1;
    const weights = terms.map((term) => {
      const df = corpus.filter((each) => each.terms.has(term)).length;
      return df === 0 ? 0 : Math.log(1 + (corpus.length - df + 0.5) / (df + 0.5));
    });
    return corpus
      .map((each) => {
        let relevance = 0;
        terms.forEach((term, t) => {
          const tf = Math.min(each.terms.get(term) ?? 0, 255);
          if (tf > 0) relevance += (weights[t] * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * each.length) / average));
        });
        const recency = 0.5 ** (Math.max(options.nowMs - each.createdAtMs, 0) / (30 * DAY));
        return {
          id: each.id,
          created: each.createdAtMs,
          score: relevance * (0.85 + 0.3 * each.importance) * (0.9 + 0.1 * recency),
        };
      })
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score || b.created - a.created || (a.id < b.id ? -1 : 1))
      .slice(0, options.limit);
  }

  it("ranks exactly as scoring every entry would, across filters, removals and a compaction", () => {
    const next = random(7);
    const index = new MemoryIndex();
    const held = new Map<string, IndexEntry>();
    for (let i = 0; i < 6000; i += 1) {
      const each = entry(`m${i % 4000}`, text(next, i), {
        type: MEMORY_TYPES[Math.floor(next() * 4)],
        importance: next(),
        ageDays: next() * 200,
        invalidated: next() < 0.1,
        expiresAtMs: next() < 0.05 ? NOW + (next() - 0.5) * DAY : undefined,
      });
      index.upsert(each);
      held.set(each.id, each);
      if (next() < 0.3) {
        const gone = `m${Math.floor(next() * 4000)}`;
        index.remove(gone);
        held.delete(gone);
      }
    }
    const cases: RankOptions[] = [
      { types: MEMORY_TYPES, nowMs: NOW, limit: 10 },
      { types: ["working_memory", "archive"], nowMs: NOW, limit: 32 },
      { types: ["long_term_memory"], nowMs: NOW, limit: 5, includeSuperseded: true },
      { types: MEMORY_TYPES, nowMs: NOW + 2 * DAY, limit: 200 },
    ];
    const check = () => {
      expect(index.size).toBe(held.size);
      for (const options of cases) {
        for (const query of ["w0 w1", "w3 w17 w2a day5", "w1 w2 w3 w4 w5 w6 w7 w8", "day3999 w9", "nothing"]) {
          const expected = reference(held, query, options);
          const hits = index.rank(query, options);
          expect(hits.map((hit) => hit.entry.id)).toEqual(expected.map((hit) => hit.id));
          expect(hits.map((hit) => hit.score)).toEqual(expected.map((hit) => expect.closeTo(hit.score, 9)));
        }
      }
    };
    check();
    // Most removed: more dead slots than live ones, so the index compacts.
    for (const id of [...held.keys()].filter((_, i) => i % 4 !== 0)) {
      index.remove(id);
      held.delete(id);
    }
    check();
  });

  it("gives the same from a cold load as from entries added one by one, in less room", () => {
    const next = random(11);
    const entries = Array.from({ length: 3000 }, (_, i) => entry(`m${i}`, text(next, i), { ageDays: i / 100 }));
    const warm = new MemoryIndex();
    for (const each of entries) warm.upsert(each);
    const cold = MemoryIndex.of(entries);
    const options = { types: MEMORY_TYPES, nowMs: NOW, limit: 20 };
    for (const query of ["w0 w5", "w1 w2 w3 day17"])
      expect(cold.rank(query, options)).toEqual(warm.rank(query, options));
    expect(cold.newest(options)).toEqual(warm.newest(options));
    expect(cold.bytes).toBeLessThan(warm.bytes);
    expect(cold.get("m17")).toEqual(warm.get("m17"));
    const { terms: _, ...fields } = entries[17];
    expect(cold.get("m17")).toEqual(fields);
    expect(cold.counts()).toEqual({ working_memory: 0, long_term_memory: 3000, personal_logs: 0, archive: 0 });
    // Lists left exactly sized grow again, as the pooled and the long ones do.
    for (let i = 3000; i < 3300; i += 1) {
      const each = entry(`m${i}`, text(next, i));
      cold.upsert(each);
      warm.upsert(each);
    }
    for (const query of ["w0 w5", "w1 w2 w3 day3017", "w3a w3b"])
      expect(cold.rank(query, options)).toEqual(warm.rank(query, options));
  });

  it("says about the heap it holds (the cache's byte budget relies on it)", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = () => {
      gc();
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const next = random(3);
    const before = heap();
    // Entries made as they are read, as a cold load does: their strings are the index's to hold.
    const index = MemoryIndex.of(
      (function* () {
        for (let i = 0; i < 20_000; i += 1) yield entry(`memory-${i}`, text(next, i));
      })(),
    );
    const held = heap() - before;
    expect(index.bytes / held).toBeGreaterThan(0.8);
    expect(index.bytes / held).toBeLessThan(1.25);
  });
});
