import request from "supertest";
import { describe, expect, it } from "vitest";
import { ADMIN, app, bearer, newAi } from "../../../test-support/emulator";

const patch = (aiUuid: string, authorization: string, body: object) =>
  request(app).patch(`/v1/ais/${aiUuid}`).set("Authorization", authorization).send(body);

describe("an AI's own token and its settings", () => {
  it.each([
    { requests_per_minute: 100_000 },
    { max_memories: 1_000_000 },
    { extraction_daily_cap: 100_000 },
    { memory_token_budget: 100_000 },
    { model: "the-most-expensive-model" },
    { extraction_model: "the-most-expensive-model" },
    { working_memory_limit: 5 },
    { reflections: true },
    { extraction_enabled: false },
  ])("cannot change %j, which stays as it was", async (settings) => {
    const ai = await newAi("Self-raiser");
    const before = (await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN)).body.settings;
    const answer = await patch(ai.ai_uuid, bearer(ai), { settings: { system_prompt: "Me.", ...settings } });
    expect(answer.status).toBe(403);
    const field = `settings.${Object.keys(settings)[0]}`;
    expect(answer.body.error.message).toContain(field);
    expect(answer.body.error.details).toEqual({ field });
    const after = (await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN)).body.settings;
    expect(after).toEqual(before);
  });

  it("cannot change its status; may rename itself and change its persona", async () => {
    const ai = await newAi("Persona");
    expect((await patch(ai.ai_uuid, bearer(ai), { status: "active" })).status).toBe(403);
    const own = await patch(ai.ai_uuid, bearer(ai), {
      ai_name: "Persona Two",
      settings: { system_prompt: "Be kind." },
    });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ ai_name: "Persona Two", settings: { system_prompt: "Be kind." } });
  });

  it("leaves every setting to the administrator", async () => {
    const ai = await newAi("Administered");
    const answer = await patch(ai.ai_uuid, ADMIN, { settings: { max_memories: 10, model: "fake-large" } });
    expect(answer.status).toBe(200);
    expect(answer.body.settings).toMatchObject({ max_memories: 10, model: "fake-large" });
  });
});
