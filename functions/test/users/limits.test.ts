import request from "supertest";
import { describe, expect, it } from "vitest";
import { ADMIN, db } from "../../../test-support/emulator";
import { appWith, newAiOf, newUser, type TestUser } from "./users-support";

/** Limits per user: set only by the administrator, held under concurrency, a 429 naming the limit. */

const app = appWith({ signupPolicy: "open" });
const setLimits = (user: TestUser, limits: object) =>
  request(app).patch(`/v1/users/${user.uid}`).set("Authorization", ADMIN).send({ limits });
const ownedCount = async (uid: string) =>
  (await db.collection("ai_registry").where("owner_uid", "==", uid).count().get()).data().count;

describe("limits per user", () => {
  it("a user creating AIs concurrently past their limit ends with exactly the limit", async () => {
    const user = await newUser("eager");
    expect((await request(app).get("/v1/me").set("Authorization", user.bearer)).status).toBe(200);
    expect((await setLimits(user, { ais: 3 })).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        request(app)
          .post(index % 2 ? "/v1/ais" : "/v1/handshake")
          .set("Authorization", user.bearer)
          .send({ ai_name: `AI ${index}` }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.body.error).toMatchObject({
      code: "resource_exhausted",
      details: { field: "limits.ais", limit: 3 },
    });
    expect(await ownedCount(user.uid)).toBe(3);
  });

  it("memories per AI: the admin's limit becomes each of the user's AIs' max_memories", async () => {
    const user = await newUser("hoarder");
    const ai = await newAiOf(app, user);
    expect((await setLimits(user, { memories_per_ai: 2 })).status).toBe(200);
    const create = () =>
      request(app)
        .post(`/v1/ais/${ai.ai_uuid}/memories/working_memory`)
        .set("Authorization", user.bearer)
        .send({ content: "note" });
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(201);
    const third = await create();
    expect(third.status).toBe(429);
    expect(third.body.error.details.field).toBe("settings.max_memories");
    const view = await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", user.bearer);
    expect(view.body.settings.max_memories).toBe(2);
  });

  it("requests per minute: past the user's allowance, a 429 naming limits.requests_per_minute", async () => {
    const user = await newUser("chatty");
    expect((await request(app).get("/v1/me").set("Authorization", user.bearer)).status).toBe(200);
    expect((await setLimits(user, { requests_per_minute: 3 })).status).toBe(200);
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let index = 0; index < 4; index++) {
      last = await request(app).get("/v1/me").set("Authorization", user.bearer);
      statuses.push(last.status);
    }
    expect(statuses.slice(-1)).toEqual([429]);
    expect(last!.body.error.details.field).toBe("limits.requests_per_minute");
    expect(Number(last!.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("a user cannot change any limit of their own", async () => {
    const user = await newUser("climber");
    const ai = await newAiOf(app, user);
    for (const [method, path, body] of [
      ["patch", `/v1/ais/${ai.ai_uuid}`, { settings: { max_memories: 1_000_000 } }],
      ["patch", `/v1/ais/${ai.ai_uuid}`, { settings: { requests_per_minute: 100_000 } }],
      ["patch", `/v1/users/${user.uid}`, { limits: { ais: 1000 } }],
      ["get", "/v1/users", undefined],
      ["get", `/v1/users/${user.uid}`, undefined],
      ["patch", "/v1/allowlist", { entries: [] }],
    ] as const) {
      const answer = await request(app)[method](path).set("Authorization", user.bearer).send(body);
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    expect((await request(app).get("/v1/me").set("Authorization", user.bearer)).body.user.limits.ais).toBe(10);
  });
});
