import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/http/app";
import { chatApp, chatAs, NOTHING_STORED as nothingStored, storedFor } from "../../test-support/chat-app";
import { deps, newAi } from "../../test-support/emulator";
import type { FakeOpenAi } from "../../test-support/fake-openai-server";
import type { Express } from "express";

let app: Express;
let fake: FakeOpenAi;
beforeAll(async () => ({ app, fake } = await chatApp({ timeoutMs: 1000, maxRetries: 1 })));
afterAll(() => fake.close());

describe("chat faults: a clear error in OpenAI's shape, bounded in time, nothing written", () => {
  const ask = (ai: Awaited<ReturnType<typeof newAi>>, model: string, extra: Record<string, unknown> = {}) =>
    chatAs(app, ai, { model, messages: [{ role: "user", content: `hello ${model}` }], ...extra });

  it.each([
    ["fail-500", 502, "upstream_error", /HTTP 500.*fake upstream failure 500/],
    ["fail-503", 502, "upstream_error", /HTTP 503/],
    ["fail-401", 502, "upstream_error", /HTTP 401.*check OPENAI_API_KEY/],
    ["slow-4000", 504, "timeout_error", /did not answer within 1 s/],
    ["never", 504, "timeout_error", /did not answer within 1 s/],
    ["stall-body", 504, "timeout_error", /did not answer within 1 s/],
    ["text-plain", 502, "upstream_error", /is not a chat completion/],
    ["empty-object", 502, "upstream_error", /is not a chat completion/],
    ["no-choices", 502, "upstream_error", /has no choices/],
    ["huge-2000000", 502, "upstream_error", /larger than 200000 bytes/],
  ])("model %s gives %i", async (model, status, type, message) => {
    const ai = await newAi("Faulty");
    const answer = await ask(ai, model);
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toMatch(message);
    expect(answer.body.error.type).toBe(type);
    expect(await storedFor(ai.ai_uuid)).toEqual(nothingStored);
  });

  it.each([
    ["fail-400", 400, "fake_error"],
    ["fail-404", 404, "fake_error"],
    ["fail-422", 422, "fake_error"],
  ])("passes the model's refusal %s through as %i with its own error", async (model, status, type) => {
    const ai = await newAi("Refused");
    const calls = fake.requests.length;
    const answer = await ask(ai, model);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toEqual({
      message: `fake upstream failure ${status}`,
      type,
      code: `fake_${status}`,
      param: null,
    });
    expect(fake.requests.length - calls).toBe(1); // a refusal is not retried
    expect(await storedFor(ai.ai_uuid)).toEqual(nothingStored);
  });

  it("answers a rate limit at once as a 429 with the model's Retry-After, however long it asks to wait", async () => {
    const ai = await newAi("Limited");
    const calls = fake.requests.length;
    const answer = await ask(ai, "ratelimit-3600");
    expect(answer.status).toBe(429);
    expect(answer.headers["retry-after"]).toBe("3600");
    expect(answer.body.error).toMatchObject({ type: "rate_limit_error", message: "Rate limit reached, slow down" });
    expect(fake.requests.length - calls).toBe(1);
    expect(await storedFor(ai.ai_uuid)).toEqual(nothingStored);
  });

  it("retries a transient failure once, within the same deadline", async () => {
    const ai = await newAi("Flaky");
    const calls = fake.requests.length;
    const answer = await ask(ai, "flaky-503");
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe("Echo: hello flaky-503");
    expect(fake.requests.length - calls).toBe(2);
  });

  it.each([["cut-stream"], ["stall-stream"], ["huge-2000000"]])(
    "a streamed %s ends in an error event and a closed stream, nothing stored",
    async (model) => {
      const ai = await newAi("Cut");
      const answer = await ask(ai, model, { stream: true });
      expect(answer.status).toBe(200);
      const events = answer.text.trim().split("\n\n");
      expect(events.at(-1)).toMatch(/^data: \{"error":\{"message":"the language model/);
      expect(answer.text).not.toContain("[DONE]");
      expect(await storedFor(ai.ai_uuid)).toEqual(nothingStored);
    },
  );

  it.each([
    ["fail-500", 502],
    ["fail-400", 400],
    ["ratelimit-3600", 429],
  ])("a streamed %s fails before the stream starts, with status %i", async (model, status) => {
    const ai = await newAi("StreamRefused");
    const answer = await ask(ai, model, { stream: true });
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toBeTruthy();
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

    const reused = await chatAs(
      app,
      ai,
      { messages: [{ role: "user", content: "something else" }] },
      { "Idempotency-Key": "key-1" },
    );
    expect(reused.status).toBe(409);
    expect(reused.body.error.param).toBe("Idempotency-Key");
  });

  it("stores one exchange when the same key arrives twice at once", async () => {
    const ai = await newAi("Race");
    const body = { messages: [{ role: "user", content: "at once" }] };
    const [a, b] = await Promise.all([
      chatAs(app, ai, body, { "Idempotency-Key": "race" }),
      chatAs(app, ai, body, { "Idempotency-Key": "race" }),
    ]);
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
