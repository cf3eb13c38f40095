import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/http/app";
import { chatApp, chatAs, NOTHING_STORED as nothingStored, storedFor } from "./support/chat-app";
import { deps, newAi } from "./support/emulator";
import type { FakeOpenAi } from "./support/fake-openai-server";
import type { Express } from "express";

let app: Express;
let fake: FakeOpenAi;
beforeAll(async () => ({ app, fake } = await chatApp({ timeoutMs: 1000, maxRetries: 1 })));
afterAll(() => fake.close());

describe("chat faults: a clear error, bounded in time, nothing written", () => {
  it.each([
    ["fail-500", 502, /HTTP 500.*fake upstream failure 500/],
    ["fail-429", 502, /HTTP 429.*fake upstream failure 429/],
    ["fail-400", 502, /HTTP 400/],
    ["slow-4000", 504, /did not answer within 1 s/],
  ])("model %s gives %i", async (model, status, message) => {
    const ai = await newAi("Faulty");
    const answer = await chatAs(app, ai, { model, messages: [{ role: "user", content: "hello" }] });
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toMatch(message);
    expect(answer.body.error.type).toBe(status === 504 ? "timeout_error" : "upstream_error");
    expect(await storedFor(ai.ai_uuid)).toEqual(nothingStored);
  });

  it.each([["cut-stream"], ["stall-stream"], ["fail-500"]])("a streamed %s ends in an error event or status, nothing stored", async (model) => {
    const ai = await newAi("Cut");
    const answer = await chatAs(app, ai, { model, stream: true, messages: [{ role: "user", content: "tell me a story" }] });
    if (model === "fail-500") {
      expect(answer.status).toBe(502);
    } else {
      expect(answer.status).toBe(200);
      expect(answer.text).toMatch(/"error":\{"message":"the language model/);
      expect(answer.text).not.toContain("[DONE]");
    }
    expect(await storedFor(ai.ai_uuid)).toEqual(nothingStored);
  });

  it("answers 503 naming the variables to set when no model is configured", async () => {
    const ai = await newAi("NoModel");
    const bare = createApp({ ...deps, models: { chat: null, embedder: null } });
    const answer = await chatAs(bare, ai, { messages: [{ role: "user", content: "hello" }] });
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toMatch(/OPENAI_API_KEY.*OPENAI_BASE_URL/);
    expect(answer.body.error.type).toBe("service_unavailable");
    expect(await storedFor(ai.ai_uuid)).toEqual(nothingStored);
  });
});

describe("Idempotency-Key", () => {
  it("returns the first answer to a retry and stores nothing twice", async () => {
    const ai = await newAi("Retry");
    const body = { messages: [{ role: "user", content: "remember: the code is 4711" }] };
    const first = await chatAs(app, ai, body, { "Idempotency-Key": "key-1" });
    const calls = fake.requests.length;
    const retry = await chatAs(app, ai, body, { "Idempotency-Key": "key-1" });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(fake.requests.length).toBe(calls);
    expect(await storedFor(ai.ai_uuid)).toEqual({ sessions: 2, chats: 1, working: 1 });

    // A retry that asks for a stream gets the same answer as SSE chunks.
    const streamed = await chatAs(app, ai, { ...body, stream: true }, { "Idempotency-Key": "key-1" });
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain(first.body.choices[0].message.content);
    expect(streamed.text).toContain(first.body.memory.session_id);
    expect(streamed.text.trim().endsWith("data: [DONE]")).toBe(true);
    expect(fake.requests.length).toBe(calls);

    const reused = await chatAs(app, ai, { messages: [{ role: "user", content: "something else" }] }, { "Idempotency-Key": "key-1" });
    expect(reused.status).toBe(409);
    expect(reused.body.error.param).toBeNull();
  });

  it("stores one exchange when the same key arrives twice at once", async () => {
    const ai = await newAi("Race");
    const body = { messages: [{ role: "user", content: "at once" }] };
    const [a, b] = await Promise.all([chatAs(app, ai, body, { "Idempotency-Key": "race" }), chatAs(app, ai, body, { "Idempotency-Key": "race" })]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.memory).toEqual(a.body.memory);
    expect(b.body.id).toBe(a.body.id);
    expect(await storedFor(ai.ai_uuid)).toEqual({ sessions: 2, chats: 1, working: 1 });
  });

  it("keeps keys apart per AI", async () => {
    const [one, two] = await Promise.all([newAi("KeyOne"), newAi("KeyTwo")]);
    const body = { messages: [{ role: "user", content: "same key" }] };
    const a = await chatAs(app, one, body, { "Idempotency-Key": "shared" });
    const b = await chatAs(app, two, body, { "Idempotency-Key": "shared" });
    expect(b.status).toBe(200);
    expect(b.body.memory.session_id).not.toBe(a.body.memory.session_id);
    expect(await request(app).get("/healthz")).toHaveProperty("status", 200);
  });
});
