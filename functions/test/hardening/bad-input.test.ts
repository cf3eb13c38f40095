import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, app, bearer, type HandshakeBody, newAi } from "../support/emulator";
import { createMemoryAs } from "../support/memory-api";
import { type BadCase, badCases, type Fixture, type OpenApi } from "./bad-input-cases";
import { settledSnapshotOfAi, snapshotOfAi } from "./firestore-snapshot";
import { inPool, listen, probe, verdict } from "./http-probe";

// Bad input generated from /openapi.json, sent to the in-process app over real HTTP. Every case is
// invalid by construction: each must be refused with a 4xx (no 5xx, no hang, no success), every 400
// names its field, and the AI's documents are exactly as they were.

let ai: HandshakeBody;
let fixture: Fixture;
let cases: BadCase[];
let server: Awaited<ReturnType<typeof listen>>;
let before: string;

beforeAll(async () => {
  ai = await newAi("Fuzz Target");
  const memory = await createMemoryAs(ai, "working_memory", "a fact to keep");
  // Thousands of requests on the AI's own token: past the default rate, which is not under test here.
  await request(app).patch(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).send({ settings: { requests_per_minute: 100_000 } });
  fixture = { aiUuid: ai.ai_uuid, aiName: ai.ai_name, memoryId: memory.id, sessionId: ai.session.session_id };
  const doc = (await request(app).get("/openapi.json")).body as OpenApi;
  cases = badCases(doc, fixture);
  server = await listen(app);
  before = await settledSnapshotOfAi(ai.ai_uuid, memory.id);
}, 60_000);

afterAll(() => server?.close());

const failuresOf = async (selected: BadCase[], authorization: string, alsoAllowed: number[] = []) => {
  const answers = await inPool(selected, 6, (c) => probe(server.baseUrl, c, authorization));
  return selected
    .map((c, index) => ({ c, problem: verdict(c, answers[index], alsoAllowed) }))
    .filter((each) => each.problem !== null)
    .map(({ c, problem }) => `${c.name}: ${problem}`);
};

describe("bad input generated from /openapi.json", () => {
  it("covers every route, with hundreds of cases", () => {
    const routes = new Set(cases.map((c) => c.name.split(" ").slice(0, 2).join(" ")));
    expect(routes.size).toBeGreaterThanOrEqual(25);
    expect(cases.length).toBeGreaterThan(800);
  });

  it("as the administrator: every case is a 4xx, and every 400 names its field", async () => {
    expect(await failuresOf(cases, ADMIN)).toEqual([]);
  }, 240_000);

  it("as the AI itself (its own token): the same, or a 403 where only the administrator may call", async () => {
    expect(await failuresOf(cases, bearer(ai), [403])).toEqual([]);
  }, 240_000);

  it("changed nothing in Firestore", async () => {
    expect(await snapshotOfAi(ai.ai_uuid)).toBe(before);
  });
});
