import request from "supertest";
import { describe, expect, it } from "vitest";
import { ADMIN, app, bearer, db, type HandshakeBody, newAi } from "../support/emulator";
import { createMemoryAs } from "../support/memory-api";

const setSettings = async (ai: HandshakeBody, settings: object) => {
  const response = await request(app).patch(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).send({ settings });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
};

describe("the request rate of an AI's own token (settings.requests_per_minute)", () => {
  it("past the allowance: 429 with Retry-After, in our shape on REST and OpenAI's on chat; the admin is not limited", async () => {
    const ai = await newAi("Rate Limited");
    await setSettings(ai, { requests_per_minute: 3 });
    const get = () => request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", bearer(ai));
    for (let n = 0; n < 3; n += 1) expect((await get()).status).toBe(200);

    const limited = await get();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(limited.body.error).toMatchObject({ code: "resource_exhausted", details: { field: "settings.requests_per_minute", limit: 3 } });

    const chat = await request(app).post("/v1/chat/completions").set("Authorization", bearer(ai)).send({ messages: [{ role: "user", content: "hi" }] });
    expect(chat.status).toBe(429);
    expect(Number(chat.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(chat.body.error).toMatchObject({ type: "rate_limit_error", code: "resource_exhausted", param: "settings.requests_per_minute" });

    expect((await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN)).status).toBe(200);
  });

  it("has a sane default: 600 a minute", async () => {
    const ai = await newAi("Default Rate");
    const view = await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN);
    expect(view.body.settings).toMatchObject({ requests_per_minute: 600, max_memories: 100_000 });
  });
});

describe("the memory quota (settings.max_memories)", () => {
  it("refuses a create or an import that would pass it, with a 429 naming the setting, and stores nothing", async () => {
    const ai = await newAi("Quota Bound");
    await setSettings(ai, { max_memories: 2 });
    await createMemoryAs(ai, "working_memory", "one");
    await createMemoryAs(ai, "long_term_memory", "two");

    const third = await request(app)
      .post("/create_memory")
      .set("Authorization", bearer(ai))
      .send({ ai_uuid: ai.ai_uuid, memory_type: "archive", memory_data: "three" });
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ code: "resource_exhausted", details: { field: "settings.max_memories", limit: 2 } });
    const rest = await request(app).post(`/v1/ais/${ai.ai_uuid}/memories/archive`).set("Authorization", bearer(ai)).send({ content: "three" });
    expect(rest.status).toBe(429);
    const imported = await request(app)
      .post(`/v1/ais/${ai.ai_uuid}/import`)
      .set("Authorization", ADMIN)
      .send({ memories: [{ memory_type: "archive", content: "a" }] });
    expect(imported.status).toBe(429);

    const archive = await db.collection(`ai_registry/${ai.ai_uuid}/archive`).get();
    expect(archive.size).toBe(0);
  });
});
