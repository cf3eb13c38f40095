import { describe, expect, it } from "vitest";
import { extractionResponseFormat, parseExtractionAnswer } from "../../src/facts/extraction-answer";

const shown = new Set(["m1", "m2"]);
const answer = (...decisions: Array<Record<string, unknown>>) => JSON.stringify({ decisions });

describe("the extraction answer", () => {
  it("is read from plain JSON, or from prose and code fences around it, with absent optional fields as null", () => {
    const decision = { action: "add", fact: "The user likes {curly} tea." };
    expect(parseExtractionAnswer(answer(decision), shown)).toEqual({ ok: true, decisions: [{ ...decision, valid_from: null, memory_ref: null }] });
    expect(parseExtractionAnswer(`Sure:\n\`\`\`json\n${answer(decision)}\n\`\`\` {"not": "this"}`, shown)).toMatchObject({ ok: true, decisions: [decision] });
  });

  it("is refused whole when anything in it is wrong", () => {
    const cases: Array<[string, RegExp]> = [
      ["I have nothing to add.", /no JSON object/],
      [answer({ action: "forget", fact: "x" }), /decisions\.0\.action/],
      [answer({ action: "add", fact: "  " }), /decisions\.0\.fact: must not be empty/],
      [answer({ action: "add", fact: "x", valid_from: "last May" }), /decisions\.0\.valid_from: must be YYYY/],
      [answer({ action: "add", fact: "x", memory_ref: "m1" }), /an "add" names no memory_ref/],
      [answer({ action: "update", fact: "x", memory_ref: "m9" }), /memory_ref "m9" is none of the memories shown/],
      [answer({ action: "supersede", fact: "x", memory_ref: null }), /memory_ref null is none/],
      [answer({ action: "update", fact: "x", memory_ref: "m1" }, { action: "supersede", fact: "y", memory_ref: "m1" }), /m1 is changed twice/],
      [answer(...Array.from({ length: 11 }, () => ({ action: "add", fact: "x" }))), /at most 10 decisions/],
    ];
    for (const [text, reason] of cases) {
      const parsed = parseExtractionAnswer(text, shown);
      expect(parsed.ok).toBe(false);
      expect(parsed.ok ? "" : parsed.reason).toMatch(reason);
    }
  });

  it("is asked for as strict structured output, with only the keywords strict mode accepts", () => {
    const format = extractionResponseFormat();
    expect(format).toMatchObject({ type: "json_schema", json_schema: { name: "memory_extraction", strict: true } });
    const text = JSON.stringify(format.json_schema.schema);
    for (const keyword of ["$schema", "default", "pattern", "minLength", "maxLength", "maxItems"]) expect(text).not.toContain(`"${keyword}"`);
    expect(format.json_schema.schema).toMatchObject({ additionalProperties: false, required: ["decisions"] });
  });
});
