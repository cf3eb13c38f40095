import { Tiktoken } from "js-tiktoken/lite";
import o200k from "js-tiktoken/ranks/o200k_base";
import { describe, expect, it } from "vitest";
import { tokenEstimator } from "../../src/chat/token-estimate";
import { loadLocomo, turnsOf } from "../support/locomo";

const encoder = new Tiktoken(o200k);
const exact = (text: string) => encoder.encode(text).length;

describe("the token estimate", () => {
  it("never counts a memory block below what the model's tokenizer counts", () => {
    const records = loadLocomo()
      .flatMap((conversation, index) => turnsOf(conversation, index))
      .map((turn) => JSON.stringify({ kind: "long_term_memory", id: turn.id, created_at: "2026-11-25T12:00:00.000Z", text: turn.text }));
    for (let start = 0; start < records.length; start += 40) {
      const block = records.slice(start, start + 40).join("\n");
      expect(tokenEstimator.count(block)).toBeGreaterThanOrEqual(exact(block));
    }
    const all = records.join("\n");
    // About a fifth over: the price of knowing the budget holds without loading a 2 MB table.
    expect(tokenEstimator.count(all) / exact(all)).toBeLessThan(1.35);
  });

  it("holds for other scripts too", () => {
    for (const text of ["東京は日本の首都です。私は寿司が好きです。", "Привет, как дела? Я живу в Москве.", "Ünïcödé façade naïve café", "1234567890 3.14159 2026-11-25"]) {
      expect(tokenEstimator.count(text), text).toBeGreaterThanOrEqual(exact(text));
    }
  });

  it("truncates to a budget, marking the cut", () => {
    const text = "word ".repeat(500);
    const cut = tokenEstimator.truncate(text, 50);
    expect(tokenEstimator.count(cut)).toBeLessThanOrEqual(50);
    expect(cut.endsWith("…")).toBe(true);
    expect(tokenEstimator.truncate("short", 50)).toBe("short");
  });
});
