import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatApp, chatAs } from "../../../test-support/chat-app";
import { ADMIN, app, bearer, config, type HandshakeBody, newAi } from "../../../test-support/emulator";
import { type FakeOpenAi, startFakeOpenAi } from "../../../test-support/fake-openai-server";
import { type ApiProcess, startApiProcess } from "./api-process";

/**
 * The API in a real Node process of its own, whose embedder fails (the fake model's `fail-500`)
 * while the AI's index loads cold: the search answers a clear error and the process keeps serving.
 * Before the fix the embedder's rejection went unhandled while the index loaded, and Node ended the
 * process with every request on it.
 */

let fake: FakeOpenAi;
let api: ApiProcess;
let ai: HandshakeBody;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  ai = await newAi("No Crash");
  // Enough memories that the cold load outlasts the embedder's failing answer.
  const memories = Array.from({ length: 400 }, (_, index) => ({
    memory_type: "long_term_memory" as const,
    content: `Note ${index}: the garden shed holds tools, seeds and a bicycle pump`,
  }));
  for (let start = 0; start < memories.length; start += 200) {
    const response = await request(app)
      .post(`/v1/ais/${ai.ai_uuid}/import`)
      .set("Authorization", ADMIN)
      .send({ memories: memories.slice(start, start + 200) });
    expect(response.status).toBe(201);
  }
  api = await startApiProcess({
    ...config,
    openai: { apiKey: "test-openai-key", baseUrl: fake.url, model: "test-model" },
    embedding: { model: "fail-500", baseUrl: fake.url, dimensions: 8 },
  });
}, 60_000);

afterAll(async () => {
  api?.stop();
  await fake?.close();
});

describe("an embedder failing while the index loads cold", () => {
  it("answers that search with the model's error and keeps the process serving", async () => {
    const search = () =>
      fetch(`${api.url}/v1/ais/${ai.ai_uuid}/memories/search`, {
        method: "POST",
        headers: { Authorization: bearer(ai), "Content-Type": "application/json" },
        body: JSON.stringify({ query: "where is the bicycle pump?" }),
      });
    const cold = await search();
    expect(cold.status).toBe(502);
    expect((await cold.json()).error.message).toMatch(/language model failed \(HTTP 500\)/);
    // Still up: it answers again (warm now, the same clear error) and its health check.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.child.exitCode).toBeNull();
    expect((await search()).status).toBe(502);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect(api.stderr()).not.toMatch(/unhandled|UnhandledPromiseRejection/i);
  });
});

describe("a chat message longer than the embedder takes", () => {
  it("is searched with its start, cut to the embedder's input limit as memories are", async () => {
    const { app: withEmbedder, fake: model } = await chatApp({ embeddingModel: "test-embedding" });
    const query = `bicycle pump ${"and the rest of a very long message ".repeat(2_000)}`;
    const response = await chatAs(withEmbedder, ai, { messages: [{ role: "user", content: query }] });
    await model.close();
    expect(response.status).toBe(200);
    const sent = model.requests.filter((each) => each.path.endsWith("/embeddings")).map((each) => each.body.input);
    expect(sent).toEqual([[query.slice(0, 8_000)]]);
  });
});
