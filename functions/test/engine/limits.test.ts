import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearIndexCache } from "../../src/search/index-cache";
import { INDEX_MAX_MEMORIES } from "../../src/search/index-limits";
import { emptyManifest, manifestRef, noMemories } from "../../src/search/index-store";
import { chatApp, chatAs, storedFor } from "../../../test-support/chat-app";
import { ADMIN, app, db, type HandshakeBody, newAi } from "../../../test-support/emulator";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";
import { countIn, createMemoryAs } from "../../../test-support/memory-api";

/**
 * The limits an AI's memory meets answer a 429 that names them, before anything is written: chat
 * exchanges count toward `settings.max_memories`, and an AI at the most its index supports
 * (INDEX_MAX_MEMORIES) is refused more, whatever its own setting says.
 */

const setSettings = async (ai: HandshakeBody, settings: object) => {
  const response = await request(app).patch(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).send({ settings });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
};

describe("a chat exchange at the AI's memory limit", () => {
  let chat: Awaited<ReturnType<typeof chatApp>>;
  let fake: FakeOpenAi;
  beforeAll(async () => {
    chat = await chatApp();
    fake = chat.fake;
  });
  afterAll(() => fake.close());

  it("is refused with a 429 naming settings.max_memories before the model is asked, and nothing is stored", async () => {
    const ai = await newAi("Chat At Limit");
    await setSettings(ai, { max_memories: 1 });
    await createMemoryAs(ai, "long_term_memory", "The only memory this AI may hold");
    const before = await storedFor(ai.ai_uuid);
    const asked = fake.requests.length;
    const response = await chatAs(chat.app, ai, { messages: [{ role: "user", content: "Hello there" }] });
    expect(response.status).toBe(429);
    expect(JSON.stringify(response.body)).toMatch(/settings\.max_memories.*at most 1 \(chat exchanges count\)/);
    expect(fake.requests.length).toBe(asked);
    expect(await storedFor(ai.ai_uuid)).toEqual(before);
  });
});

describe("an AI at the most memories one index supports", () => {
  it("refuses an import that would pass it with a 429 naming the index, and stores nothing", async () => {
    const ai = await newAi("Full Index");
    await setSettings(ai, { max_memories: 1_000_000 });
    // A fixture in place of 250,000 real memories: the manifest's count is what the quota reads cold.
    await manifestRef(db, ai.ai_uuid).set({
      ...emptyManifest(),
      counts: { ...noMemories(), archive: INDEX_MAX_MEMORIES - 1 },
    });
    clearIndexCache(ai.ai_uuid);
    const memories = Array.from({ length: 2 }, (_, index) => ({ memory_type: "archive", content: `note ${index}` }));
    const response = await request(app)
      .post(`/v1/ais/${ai.ai_uuid}/import`)
      .set("Authorization", ADMIN)
      .send({ memories });
    expect(response.status).toBe(429);
    expect(response.body.error).toMatchObject({
      code: "resource_exhausted",
      details: { field: "index", limit: INDEX_MAX_MEMORIES, count: INDEX_MAX_MEMORIES - 1 },
    });
    expect(response.body.error.message).toMatch(/supports at most 250000/);
    expect(await countIn(ai.ai_uuid, "archive")).toBe(0);
  });
});
