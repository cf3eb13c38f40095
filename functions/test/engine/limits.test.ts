import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexCollection, SHARDS } from "../../src/search/index-shards";
import { chatApp, chatAs, storedFor } from "../../../test-support/chat-app";
import { ADMIN, app, db, type HandshakeBody, newAi } from "../../../test-support/emulator";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";
import { countIn, createMemoryAs } from "../../../test-support/memory-api";

/**
 * The limits an AI's memory meets answer a 429 that names them, before anything is written: chat
 * exchanges count toward `settings.max_memories`, and a write that would pass Firestore's 1 MiB in
 * an index shard is refused as a whole, never a bare 500.
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

describe("an index shard that a write would take past 1 MiB", () => {
  it("refuses the write as a whole with a 429 naming the index, and stores nothing", async () => {
    const ai = await newAi("Full Shard");
    // Shards filled (by content past the supported count's assumption) to a few bytes under 1 MiB:
    // a document's size is its name's (about 82 bytes here), its fields' and 32 bytes.
    const full = { entries: { filler: "x".repeat(1_048_440) } };
    await Promise.all(
      Array.from({ length: 8 }, (_, shard) =>
        indexCollection(db, ai.ai_uuid)
          .doc(`s${shard.toString().padStart(2, "0")}`)
          .set(full),
      ),
    );
    expect(SHARDS).toBe(64); // 200 ids spread over 64 shards miss 8 of them once in 10^11
    const memories = Array.from({ length: 200 }, (_, index) => ({ memory_type: "archive", content: `note ${index}` }));
    const response = await request(app)
      .post(`/v1/ais/${ai.ai_uuid}/import`)
      .set("Authorization", ADMIN)
      .send({ memories });
    expect(response.status).toBe(429);
    expect(response.body.error).toMatchObject({ code: "resource_exhausted", details: { field: "index" } });
    expect(response.body.error.message).toMatch(/1 MiB; nothing was written/);
    expect(await countIn(ai.ai_uuid, "archive")).toBe(0);
  });
});
