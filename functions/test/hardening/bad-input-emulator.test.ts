import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { decodes } from "../../src/http/body-limit";
import { LIMITS } from "../../src/memory/memory-types";
import { ADMIN, app, HOSTING_URL, newAi, PROJECT_ID } from "../support/emulator";
import { createMemoryAs } from "../support/memory-api";
import { type BadCase, badCases, type Fixture, type OpenApi } from "./bad-input-cases";
import { settledSnapshotOfAi, snapshotOfAi } from "./firestore-snapshot";
import { inPool, probe, verdict } from "./http-probe";

// A sample of the generated bad input through the real Functions emulator, where Cloud Functions
// parses the body (and the query) before Express runs. Sent to the function's own URL: the Hosting
// emulator answers a malformed percent-encoding with its own 500 before any rewrite.

let fixture: Fixture;
let sample: BadCase[];
let before: string;
let functionUrl: string;

/** The `api` function's URL, from the emulator hub's list of running emulators. */
async function apiFunctionUrl(): Promise<string> {
  const emulators = (await (await fetch(`http://${process.env.FIREBASE_EMULATOR_HUB}/emulators`)).json()) as Record<string, { host: string; port: number }>;
  return `http://${emulators.functions.host}:${emulators.functions.port}/${PROJECT_ID}/us-central1/api`;
}

/**
 * Refused by the platform with a plain 400 before the function runs: a body that is JSON but not an
 * object or array (Cloud Functions parses strict JSON), and a path that is not valid percent-encoded UTF-8.
 */
const refusedByPlatform = (c: BadCase): boolean =>
  !decodes(c.path) || (c.body !== undefined && (typeof c.body !== "object" || c.body === null) && !String(c.body).includes("nested:"));

beforeAll(async () => {
  const ai = await newAi("Emulated Fuzz Target");
  const memory = await createMemoryAs(ai, "working_memory", "a fact to keep");
  fixture = { aiUuid: ai.ai_uuid, aiName: ai.ai_name, memoryId: memory.id, sessionId: ai.session.session_id };
  const all = badCases((await request(app).get("/openapi.json")).body as OpenApi, fixture);
  // Every 12th case, and every case the platform treats differently: bodies that are not JSON. Not
  // `.` and `..` path segments: the platform resolves them, so the function sees another (valid) path.
  sample = all.filter((c, index) => (index % 12 === 0 || c.raw !== undefined) && !/\/%2E(%2E)?(\/|$)/i.test(c.path));
  functionUrl = await apiFunctionUrl();
  before = await settledSnapshotOfAi(ai.ai_uuid, memory.id);
}, 60_000);

describe("bad input through Hosting and the Functions emulator", () => {
  it("a sample of the generated cases: each a 4xx, each 400 naming its field, nothing changed", async () => {
    expect(sample.length).toBeGreaterThan(100);
    const answers = await inPool(sample, 4, (c) => probe(functionUrl, c, ADMIN, 30_000));
    const failures = sample
      .map((c, index) => {
        if (refusedByPlatform(c)) return answers[index].status === 400 ? null : `${c.name}: ${answers[index].status}, not the platform's 400`;
        const problem = verdict(c, answers[index]);
        return problem && `${c.name}: ${problem}`;
      })
      .filter(Boolean);
    expect(failures).toEqual([]);
    expect(await snapshotOfAi(fixture.aiUuid)).toBe(before);
  }, 300_000);

  it("an oversized chat body is a 413 in OpenAI's error shape; elsewhere in ours", async () => {
    const huge = { ai_uuid: fixture.aiUuid, messages: [{ role: "user", content: "x".repeat(LIMITS.bodyBytes) }] };
    const post = (path: string) =>
      fetch(`${HOSTING_URL}${path}`, { method: "POST", headers: { Authorization: ADMIN, "Content-Type": "application/json" }, body: JSON.stringify(huge) });
    const chat = await post("/v1/chat/completions");
    expect(chat.status).toBe(413);
    expect(await chat.json()).toMatchObject({ error: { type: "invalid_request_error", code: "payload_too_large", param: "body" } });
    const rest = await post("/create_memory");
    expect(rest.status).toBe(413);
    expect(await rest.json()).toMatchObject({ error: { code: "payload_too_large", details: { field: "body" } } });
  }, 60_000);
});

describe("on the in-process app", () => {
  it("an oversized chat body is a 413 in OpenAI's shape, a form-encoded one a 400 naming Content-Type", async () => {
    const huge = await request(app)
      .post("/v1/chat/completions")
      .set("Authorization", ADMIN)
      .send({ ai_uuid: fixture.aiUuid, messages: [{ role: "user", content: "x".repeat(LIMITS.bodyBytes) }] });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ type: "invalid_request_error", code: "payload_too_large", param: "body" });
    const form = await request(app).post("/v1/chat/completions").set("Authorization", ADMIN).type("form").send("messages=hi");
    expect(form.status).toBe(400);
    expect(form.body.error).toMatchObject({ type: "invalid_request_error", param: "Content-Type" });
  });
});
