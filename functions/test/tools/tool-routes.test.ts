import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, app, bearer, type HandshakeBody, newAi } from "../../../test-support/emulator";

let ai: HandshakeBody;
let other: HandshakeBody;
beforeAll(async () => {
  [ai, other] = await Promise.all([newAi("Tool Owner"), newAi("Someone Else")]);
});

const tool = {
  description: "Echoes",
  parameters: { type: "object", properties: { text: { type: "string" } } },
  http: { url: "https://api.example.com/echo", headers: { Authorization: "Bearer {{secret:ECHO}}" } },
};
const path = (rest: string, uuid = ai.ai_uuid) => `/v1/ais/${uuid}${rest}`;

describe("the tool routes", () => {
  it("create, read, list and remove a tool; defaults filled in; secrets only as references", async () => {
    const created = await request(app).put(path("/tools/echo")).set("Authorization", ADMIN).send(tool);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: "echo", http: { method: "POST", timeout_ms: 10_000 } });
    const replaced = await request(app)
      .put(path("/tools/echo"))
      .set("Authorization", ADMIN)
      .send({ ...tool, description: "Echoes back" });
    expect(replaced.status).toBe(200);
    expect(replaced.body.created_at).toBe(created.body.created_at);
    const secret = await request(app)
      .put(path("/secrets/ECHO"))
      .set("Authorization", ADMIN)
      .send({ value: "s3cr3t-v4lue" });
    expect(secret.status).toBe(200);
    expect(JSON.stringify(secret.body)).not.toContain("s3cr3t-v4lue");
    const read = await request(app).get(path("/tools/echo")).set("Authorization", bearer(ai));
    expect(read.body.description).toBe("Echoes back");
    expect(read.body.http.headers.Authorization).toBe("Bearer {{secret:ECHO}}");
    const list = await request(app).get(path("/tools")).set("Authorization", bearer(ai));
    expect(list.body.tools.map((each: { name: string }) => each.name)).toEqual(["echo"]);
    const removed = await request(app).delete(path("/tools/echo")).set("Authorization", ADMIN);
    expect(removed.body).toEqual({ deleted: true, name: "echo" });
    expect((await request(app).get(path("/tools/echo")).set("Authorization", ADMIN)).status).toBe(404);
  });

  it("no token is a 401; the AI's own token may read but not change its tools or secrets; another AI's is a 403", async () => {
    const attempts = [
      request(app).get(path("/tools")),
      request(app).put(path("/tools/x")).send(tool),
      request(app).put(path("/secrets/X")).send({ value: "v" }),
    ];
    for (const attempt of attempts) expect((await attempt).status).toBe(401);
    const own = [
      request(app).put(path("/tools/x")).set("Authorization", bearer(ai)).send(tool),
      request(app).delete(path("/tools/x")).set("Authorization", bearer(ai)),
      request(app).put(path("/secrets/X")).set("Authorization", bearer(ai)).send({ value: "v" }),
      request(app).post(path("/tools/x/test")).set("Authorization", bearer(ai)).send({}),
    ];
    for (const attempt of own) {
      const answer = await attempt;
      expect(answer.status).toBe(403);
      expect(answer.body.error.message).toContain("administrator");
    }
    const foreign = [
      request(app).get(path("/tools")).set("Authorization", bearer(other)),
      request(app).get(path("/tools/x")).set("Authorization", bearer(other)),
      request(app).put(path("/tools/x")).set("Authorization", bearer(other)).send(tool),
    ];
    for (const attempt of foreign) expect((await attempt).status).toBe(403);
  });

  it("bad input is a 400 naming the field, and nothing is stored", async () => {
    const cases: Array<[string, object, string]> = [
      ["/tools/memory_x", tool, "name"],
      ["/tools/9lives", tool, "name"],
      ["/tools/bad", { ...tool, parameters: { type: "string" } }, "parameters"],
      [
        "/tools/bad",
        { ...tool, parameters: { type: "object", properties: { a: { type: "nonsense" } } } },
        "parameters",
      ],
      ["/tools/bad", { ...tool, http: { url: "ftp://example.com" } }, "http.url"],
      ["/tools/bad", { ...tool, http: { ...tool.http, timeout_ms: 60_000 } }, "http.timeout_ms"],
      ["/tools/bad", { ...tool, http: { ...tool.http, headers: { "X-A": "a\r\nInjected: 1" } } }, "http.headers.X-A"],
      ["/tools/bad", { description: "no kind" }, "http"],
      ["/secrets/bad-name", { value: "v" }, "name"],
      ["/secrets/EMPTY", { value: "" }, "value"],
    ];
    for (const [route, body, field] of cases) {
      const answer = await request(app).put(path(route)).set("Authorization", ADMIN).send(body);
      expect(answer.status, `${route} ${JSON.stringify(answer.body)}`).toBe(400);
      expect(answer.body.error.details.field, route).toBe(field);
    }
    expect((await request(app).get(path("/tools/bad")).set("Authorization", ADMIN)).status).toBe(404);
  });
});
