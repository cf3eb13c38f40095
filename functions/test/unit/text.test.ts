import { describe, expect, it } from "vitest";
import { encodeEntry, entryOf } from "../../src/search/index-entry";
import { contentToText, MAX_TERM_CHARS, MAX_TERMS, termFrequencies, tokenize } from "../../src/search/text";

describe("search terms", () => {
  it("meet across inflections (Porter2), and leave stop words and single letters out", () => {
    expect(tokenize("living lived lives")).toEqual(["live", "live", "live"]);
    expect(tokenize("studied studies")).toEqual(["studi", "studi"]);
    expect(tokenize("The caring nurse cares")).toEqual(["care", "nurs", "care"]);
    expect(tokenize("I am a b c at home")).toEqual(["home"]);
  });

  it("keep numbers as they are, and split CJK text into words", () => {
    expect(tokenize("Flight 1998 at 12:30")).toEqual(["flight", "1998", "12", "30"]);
    const words = tokenize("東京は日本の首都です");
    expect(words).toContain("東京");
    expect(words).toContain("日本");
    expect(tokenize("私は寿司が好き, and I like ramen")).toEqual(expect.arrayContaining(["寿司", "like", "ramen"]));
  });

  it("count frequencies, keeping the most frequent terms of a long text", () => {
    const { terms, length } = termFrequencies("apple apple banana");
    expect(Object.fromEntries(terms)).toEqual({ appl: 2, banana: 1 });
    expect(length).toBe(3);
    const long = Array.from({ length: MAX_TERMS + 50 }, (_, index) => `word${index}x`).join(" ");
    const capped = termFrequencies(`${long} often often often`);
    expect(capped.terms.size).toBe(MAX_TERMS);
    expect(capped.terms.get("often")).toBe(3);
  });

  it("are bounded: a long word is cut the same way in a memory and a query, so an entry stays small", () => {
    const word = "x".repeat(32_000);
    expect(tokenize(word)[0].length).toBeLessThanOrEqual(MAX_TERM_CHARS);
    expect(tokenize(`${word}y`)).toEqual(tokenize(word));
    expect(tokenize("😀".repeat(40) + "a")).toEqual([]); // no letters: nothing to index
    expect(tokenize("𐐨".repeat(40))[0]).toBe("𐐨".repeat(MAX_TERM_CHARS)); // whole code points
    const worst = Array.from({ length: 500 }, (_, index) => `${index}${"q".repeat(100)}`).join(" ");
    const entry = entryOf({
      id: "m1",
      memory_type: "archive",
      text: worst.repeat(40),
      importance: 0.5,
      created_at: { toMillis: () => 0 },
    });
    expect(encodeEntry(entry).length).toBeLessThan(MAX_TERMS * (MAX_TERM_CHARS + 4) + 64);
  });

  it("turn structured content into key: value lines, however deep, without recursion", () => {
    expect(contentToText({ mood: "curious", notes: ["first day", "second"] })).toBe(
      "mood: curious\nnotes: first day\nnotes: second",
    );
    let deep: Record<string, unknown> = { leaf: "bottom" };
    for (let depth = 0; depth < 20_000; depth += 1) deep = { level: deep };
    expect(contentToText(deep)).toBe("leaf: bottom");
  });
});
