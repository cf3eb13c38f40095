import request from "supertest";
import { describe, expect, it } from "vitest";
import { ADMIN, app, bearer, db, newAi } from "../../test-support/emulator";

describe("REST routes over the same services", () => {
  it("create, read, list, patch, move, history and delete a memory", async () => {
    const ai = await newAi("Restful");
    const base = `/v1/ais/${ai.ai_uuid}/memories`;
    const created = await request(app)
      .post(`${base}/working_memory`)
      .set("Authorization", bearer(ai))
      .send({ content: "Prefers tabs", tags: ["style"] });
    expect(created.status).toBe(201);
    const id = created.body.id;

    const read = await request(app).get(`${base}/working_memory/${id}`).set("Authorization", bearer(ai));
    expect(read.body).toMatchObject({ id, content: "Prefers tabs", version: 1 });

    const patched = await request(app)
      .patch(`${base}/working_memory/${id}`)
      .set("Authorization", bearer(ai))
      .send({ tags: ["style", "editor"] });
    expect(patched.body).toMatchObject({ content: "Prefers tabs", tags: ["style", "editor"], version: 2 });

    const moved = await request(app)
      .post(`${base}/working_memory/${id}/move`)
      .set("Authorization", bearer(ai))
      .send({ to_memory_type: "long_term_memory" });
    expect(moved.body).toMatchObject({ id, memory_type: "long_term_memory", version: 2 });

    const listed = await request(app).get(`${base}?tags=editor`).set("Authorization", bearer(ai));
    expect(listed.body.memories.map((m: { id: string }) => m.id)).toEqual([id]);

    const history = await request(app).get(`${base}/long_term_memory/${id}/history`).set("Authorization", bearer(ai));
    expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([1]);

    const deleted = await request(app).delete(`${base}/long_term_memory/${id}`).set("Authorization", bearer(ai));
    expect(deleted.body).toEqual({ deleted: true, memory_id: id, memory_type: "long_term_memory" });
    expect((await request(app).get(`${base}/long_term_memory/${id}`).set("Authorization", bearer(ai))).status).toBe(
      404,
    );
  });

  it("rejects an unknown memory type in the path, naming the four", async () => {
    const ai = await newAi("Path types");
    const response = await request(app)
      .post(`/v1/ais/${ai.ai_uuid}/memories/dreams`)
      .set("Authorization", bearer(ai))
      .send({ content: "x" });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(
      "memory_type: must be one of working_memory, long_term_memory, personal_logs, archive",
    );
  });

  it("exports an AI's whole memory and imports it into another, all or nothing", async () => {
    const source = await newAi("Exporter");
    for (const [type, content] of [
      ["working_memory", "w"],
      ["long_term_memory", "l"],
      ["personal_logs", "p"],
      ["archive", "a"],
    ]) {
      await request(app)
        .post(`/v1/ais/${source.ai_uuid}/memories/${type}`)
        .set("Authorization", bearer(source))
        .send({ content });
    }
    const exported = await request(app).get(`/v1/ais/${source.ai_uuid}/export`).set("Authorization", bearer(source));
    expect(exported.status).toBe(200);
    expect(exported.body.memories).toHaveLength(4);

    const target = await newAi("Importer");
    const memories = exported.body.memories.map((m: Record<string, unknown>) => ({
      memory_type: m.memory_type,
      content: m.content,
      metadata: m.metadata,
      tags: m.tags,
      importance: m.importance,
    }));
    const imported = await request(app)
      .post(`/v1/ais/${target.ai_uuid}/import`)
      .set("Authorization", ADMIN)
      .send({ memories });
    expect(imported.status).toBe(201);
    expect(imported.body.imported).toBe(4);
    const all = await request(app)
      .get(`/v1/ais/${target.ai_uuid}/memories?limit=10`)
      .set("Authorization", bearer(target));
    expect(all.body.memories.map((m: { content: string }) => m.content).sort()).toEqual(["a", "l", "p", "w"]);

    const bad = await request(app)
      .post(`/v1/ais/${target.ai_uuid}/import`)
      .set("Authorization", ADMIN)
      .send({
        memories: [
          { memory_type: "archive", content: "fine" },
          { memory_type: "nowhere", content: "bad" },
        ],
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("memories.1.memory_type");
    expect((await db.collection(`ai_registry/${target.ai_uuid}/archive`).count().get()).data().count).toBe(1);
  });

  it("lets the admin list AIs and change an AI's settings", async () => {
    const ai = await newAi("Configurable");
    const listed = await request(app).get("/v1/ais?limit=200").set("Authorization", ADMIN);
    expect(listed.body.ais.map((x: { ai_uuid: string }) => x.ai_uuid)).toContain(ai.ai_uuid);
    const patched = await request(app)
      .patch(`/v1/ais/${ai.ai_uuid}`)
      .set("Authorization", ADMIN)
      .send({ settings: { memory_token_budget: 500, system_prompt: "Be brief." } });
    expect(patched.status).toBe(200);
    expect(patched.body.settings).toMatchObject({
      memory_token_budget: 500,
      system_prompt: "Be brief.",
      working_memory_limit: 50,
    });
    const invalid = await request(app)
      .patch(`/v1/ais/${ai.ai_uuid}`)
      .set("Authorization", ADMIN)
      .send({ settings: { memory_token_budget: 5 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toContain("settings.memory_token_budget");
  });

  it("deletes an AI with all its memory (admin only)", async () => {
    const ai = await newAi("Doomed");
    await request(app)
      .post(`/v1/ais/${ai.ai_uuid}/memories/archive`)
      .set("Authorization", bearer(ai))
      .send({ content: "x" });
    const byAi = await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", bearer(ai));
    expect(byAi.status).toBe(403);
    const byAdmin = await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN);
    expect(byAdmin.status).toBe(200);
    expect((await db.doc(`ai_registry/${ai.ai_uuid}`).get()).exists).toBe(false);
    expect((await db.collection(`ai_registry/${ai.ai_uuid}/archive`).count().get()).data().count).toBe(0);
  });

  it("serves /healthz without credentials and an OpenAPI document of every route", async () => {
    expect((await request(app).get("/healthz")).status).toBe(200);
    const doc = await request(app).get("/openapi.json");
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/handshake",
        "/create_memory",
        "/move_memory",
        "/v1/ais/{ai_uuid}/memories/{memory_type}",
      ]),
    );
    const createBody = doc.body.paths["/create_memory"].post.requestBody.content["application/json"].schema;
    expect(createBody.required).toEqual(expect.arrayContaining(["ai_uuid", "memory_type", "memory_data"]));
    expect(createBody.properties.memory_type.enum).toEqual([
      "working_memory",
      "long_term_memory",
      "personal_logs",
      "archive",
    ]);
  });

  it("answers unknown routes with a 404 in the error shape", async () => {
    const response = await request(app).get("/v1/nothing-here").set("Authorization", ADMIN);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("not_found");
  });
});
