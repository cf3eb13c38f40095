import { describe, expect, it } from "vitest";
import { firestoreDateSchema, requestValueIssue, storedValueIssue } from "../../src/firestore-values";
import { cursorSchema } from "../../src/memory/memory-query";
import { metadataSchema } from "../../src/memory/memory-data";
import { parseInput } from "../../src/validation";

const nested = (depth: number): unknown => {
  let value: unknown = "leaf";
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
};
const stored = (value: unknown) => storedValueIssue(value, { fieldName: "content" });

describe("what one stored Firestore field may hold", () => {
  it("20 levels of maps and arrays, not 21 (the Admin SDK refuses 21)", () => {
    expect(stored(nested(20))).toBeNull();
    expect(stored(nested(21))).toMatchObject({ message: "nested deeper than 20 levels" });
    expect(stored(nested(21))?.path).toHaveLength(20);
  });

  it("no nested arrays, no lone surrogates (in values or keys), finite numbers", () => {
    expect(stored({ a: [[1]] })).toMatchObject({ path: ["a", 0] });
    expect(stored({ a: ["ok", "\ud800"] })).toMatchObject({ path: ["a", 1], message: expect.stringContaining("lone UTF-16 surrogate") });
    expect(stored({ "\udc00": 1 })?.message).toContain("lone UTF-16 surrogate");
    expect(stored({ a: "\ud83d\ude00" })).toBeNull();
    expect(stored({ a: Number.NaN })?.message).toBe("numbers must be finite");
  });

  it("keys neither empty nor starting with __, and field paths within 1,500 bytes", () => {
    expect(stored({ "": 1 })).not.toBeNull();
    expect(stored({ __x__: 1 })).not.toBeNull();
    expect(stored({ ["k".repeat(1400)]: 1 })).toBeNull();
    expect(stored({ ["k".repeat(1500)]: 1 })?.message).toContain("over 1500 bytes");
    expect(stored({ a: { ["é".repeat(745)]: 1 } })?.message).toContain("1500 bytes");
  });
});

describe("a request body", () => {
  it("10,000 levels deep is one issue, found without recursion", () => {
    const deep = JSON.parse(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`);
    expect(requestValueIssue(deep)?.message).toBe("nested deeper than 64 levels");
  });

  it("refuses a __proto__ key anywhere, as JSON.parse makes it (an own key)", () => {
    expect(requestValueIssue(JSON.parse('{"a":[{"__proto__":{"admin":true}}]}'))).toMatchObject({ path: ["a", 0, "__proto__"] });
  });
});

describe("edge schemas", () => {
  it("dates within Firestore's range only, offsets included", () => {
    expect(firestoreDateSchema.safeParse("0001-01-01T00:00:00Z").success).toBe(true);
    expect(firestoreDateSchema.safeParse("9999-12-31T23:59:59Z").success).toBe(true);
    expect(firestoreDateSchema.safeParse("0000-12-31T23:59:59Z").success).toBe(false);
    expect(firestoreDateSchema.safeParse("0001-01-01T00:00:00+01:00").success).toBe(false);
    expect(firestoreDateSchema.safeParse("9999-12-31T23:59:59-01:00").success).toBe(false);
  });

  it("a cursor decoded and checked field by field", () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    expect(cursorSchema.parse(cursor({ t: 1_700_000_000_000, id: "abc" }))).toEqual({ t: 1_700_000_000_000, id: "abc" });
    for (const forged of [{ t: 1e300, id: "abc" }, { t: 0, id: "a/b" }, { t: 0, id: "__x__" }, { t: "0", id: "a" }, [0, "a"]]) {
      expect(() => parseInput(cursorSchema, cursor(forged), "cursor")).toThrow(/^cursor: not a cursor returned by this API$/);
    }
  });

  it("metadata keys that are JavaScript's own are refused, naming the key", () => {
    expect(() => parseInput(metadataSchema, { constructor: 1 }, "metadata")).toThrow(/^metadata\.constructor: "constructor" is not allowed/);
  });
});
