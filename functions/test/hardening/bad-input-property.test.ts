import fc from "fast-check";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, app, newAi } from "../support/emulator";
import { createMemoryAs } from "../support/memory-api";
import { type BadCase, type Fixture, fillPath, type OpenApi, validBodies } from "./bad-input-cases";
import { listen, namedField, type ProbeAnswer, probe } from "./http-probe";
import { fieldsOf, withValue } from "./schema-mutations";

// Property-based: fast-check draws values no hand-written list would, in bounded runs (a failure
// prints the seed that reproduces it). These requests may be valid, so they go to an AI of their own,
// and the property is the floor every answer keeps: never a 5xx, never a hang, a 400 names its field.

let fixture: Fixture;
let doc: OpenApi;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  const ai = await newAi("Property Target");
  const memory = await createMemoryAs(ai, "working_memory", "a fact");
  fixture = { aiUuid: ai.ai_uuid, aiName: ai.ai_name, memoryId: memory.id, sessionId: ai.session.session_id };
  doc = (await request(app).get("/openapi.json")).body as OpenApi;
  server = await listen(app);
}, 60_000);

afterAll(() => server?.close());

const RUNS = { numRuns: 150, endOnFailure: true };

/** The floor: an answer within the bound, below 500; a 400 names a field that its message mentions. */
function assertFloor(answer: ProbeAnswer): void {
  expect(answer.timedOut ?? false, "no answer within 15 s").toBe(false);
  expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
  if (answer.status === 400) {
    const field = namedField(answer);
    expect(field, JSON.stringify(answer.body)).toBeTruthy();
    expect(answer.body?.error?.message).toContain(field);
  }
}

/** Strings with what breaks stores and parsers: lone surrogates, NUL, dots, slashes, long runs. */
const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\ud800", "a\udc00b", "\u0000", ".", "..", "__x__", "a/b", "x".repeat(1501), "0000-01-01T00:00:00Z"),
);
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nastyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(nastyString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("properties over every body field of /openapi.json", () => {
  it("any JSON value in any one field", async () => {
    const targets = Object.entries(doc.paths).flatMap(([template, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) => {
        const schema = operation.requestBody?.content["application/json"].schema;
        return schema ? fieldsOf(schema).map(({ path }) => ({ template, method, path })) : [];
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), anyJson, async (target, value) => {
        const body = withValue(validBodies(fixture)[`${target.method} ${target.template}`], target.path, value);
        const c: BadCase = { name: "", method: target.method as BadCase["method"], path: fillPath(target.template, fixture), body, field: "" };
        assertFloor(await probe(server.baseUrl, c, ADMIN));
      }),
      RUNS,
    );
  }, 120_000);

  it("any bytes as a path segment", async () => {
    const templates = Object.keys(doc.paths).filter((path) => path.includes("{"));
    const percentEncoded = fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) =>
      [...bytes].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join(""),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...templates), fc.constantFrom("ai_uuid", "memory_type", "memory_id", "session_id"), percentEncoded, async (template, name, segment) => {
        const c: BadCase = { name: "", method: "get", path: fillPath(template, fixture, { [name]: segment }), field: "" };
        assertFloor(await probe(server.baseUrl, c, ADMIN));
      }),
      RUNS,
    );
  }, 120_000);

  it("any decoded cursor is refused with a 400 naming it, unless it is a well-formed one", async () => {
    const cursorJson = fc.oneof(
      anyJson,
      fc.record({ t: fc.oneof(fc.double(), fc.integer(), fc.bigInt().map(String)), id: nastyString }),
    );
    await fc.assert(
      fc.asyncProperty(cursorJson, async (value) => {
        const cursor = Buffer.from(JSON.stringify(value) ?? "").toString("base64url") || "x";
        const c: BadCase = { name: "", method: "get", path: `/v1/ais/${fixture.aiUuid}/memories`, query: { cursor }, field: "" };
        const answer = await probe(server.baseUrl, c, ADMIN);
        assertFloor(answer);
        if (answer.status === 400) expect(namedField(answer)).toBe("query.cursor");
      }),
      RUNS,
    );
  }, 120_000);

  it("any date: inside Firestore's range a 200, outside it a 400 naming the field", async () => {
    const isoDate = fc
      .record({ year: fc.integer({ min: -20_000, max: 20_000 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
      .map(({ year, month, day }) => {
        const y = year >= 0 && year <= 9999 ? String(year).padStart(4, "0") : `${year < 0 ? "-" : "+"}${String(Math.abs(year)).padStart(6, "0")}`;
        return { year, iso: `${y}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T00:00:00Z` };
      });
    await fc.assert(
      fc.asyncProperty(isoDate, async ({ year, iso }) => {
        const c: BadCase = { name: "", method: "get", path: `/v1/ais/${fixture.aiUuid}/memories`, query: { created_after: iso }, field: "" };
        const answer = await probe(server.baseUrl, c, ADMIN);
        assertFloor(answer);
        const valid = year >= 1 && year <= 9999 && !Number.isNaN(Date.parse(iso)) && new Date(iso).toISOString().startsWith(iso.slice(0, 10));
        expect(answer.status, `${iso}: ${JSON.stringify(answer.body)}`).toBe(valid ? 200 : 400);
      }),
      RUNS,
    );
  }, 120_000);

  it("any query string on a listing", async () => {
    const query = fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.string(), { maxLength: 3 })), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(query, async (params) => {
        const c: BadCase = { name: "", method: "get", path: `/v1/ais/${fixture.aiUuid}/memories/working_memory`, query: params, field: "" };
        assertFloor(await probe(server.baseUrl, c, ADMIN));
      }),
      RUNS,
    );
  }, 120_000);
});
