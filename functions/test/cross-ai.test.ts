import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { MEMORY_TYPES } from "../src/memory/memory-types";
import { app, bearer, db, type HandshakeBody, newAi } from "../../test-support/emulator";
import { createMemoryAs } from "../../test-support/memory-api";

/** AI A's token on every route of AI B: always refused, and B's data is unchanged. */
describe("one AI never reaches another", () => {
  let a: HandshakeBody;
  let b: HandshakeBody;
  let memoryId: string;
  const snapshotOf = async (ai: HandshakeBody) => {
    const parts = await Promise.all(
      MEMORY_TYPES.map(async (type) =>
        (await db.collection(`ai_registry/${ai.ai_uuid}/${type}`).get()).docs.map((doc) => [doc.id, doc.data()]),
      ),
    );
    const registry = (await db.doc(`ai_registry/${ai.ai_uuid}`).get()).data();
    return JSON.stringify({ parts, name: registry?.name, settings: registry?.settings, tv: registry?.token_version });
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([newAi("Alice"), newAi("Bob")]);
    memoryId = (await createMemoryAs(b, "long_term_memory", "Bob's secret")).id;
  });

  const seedRoutes = (): Array<[string, object]> => [
    ["/v1/handshake", { ai_uuid: b.ai_uuid }],
    ["/create_memory", { ai_uuid: b.ai_uuid, memory_type: "working_memory", memory_data: "injected" }],
    [
      "/edit_memory",
      { ai_uuid: b.ai_uuid, memory_type: "long_term_memory", memory_id: memoryId, memory_data: "overwritten" },
    ],
    ["/delete_memory", { ai_uuid: b.ai_uuid, memory_type: "long_term_memory", memory_id: memoryId }],
    [
      "/move_memory",
      { ai_uuid: b.ai_uuid, from_memory_type: "long_term_memory", to_memory_type: "archive", document_id: memoryId },
    ],
    ["/retrieve_memories", { ai_uuid: b.ai_uuid, memory_type: "long_term_memory" }],
  ];

  it("on every seed route", async () => {
    const before = await snapshotOf(b);
    for (const [path, body] of seedRoutes()) {
      const response = await request(app).post(path).set("Authorization", bearer(a)).send(body);
      expect(response.status, `${path} ${JSON.stringify(response.body)}`).toBe(403);
      expect(response.body.error.code).toBe("permission_denied");
      expect(JSON.stringify(response.body)).not.toContain("Bob's secret");
    }
    expect(await snapshotOf(b)).toBe(before);
  });

  it("on every REST route", async () => {
    const before = await snapshotOf(b);
    const base = `/v1/ais/${b.ai_uuid}`;
    const routes: Array<[method: "get" | "post" | "patch" | "delete", path: string, body?: object]> = [
      ["get", base],
      ["patch", base, { ai_name: "Hijacked" }],
      ["delete", base],
      ["post", `${base}/revoke_tokens`],
      ["get", `${base}/export`],
      ["post", `${base}/import`, { memories: [{ memory_type: "archive", content: "x" }] }],
      ["get", `${base}/memories`],
      ["get", `${base}/memories/long_term_memory`],
      ["post", `${base}/memories/working_memory`, { content: "injected" }],
      ["get", `${base}/memories/long_term_memory/${memoryId}`],
      ["patch", `${base}/memories/long_term_memory/${memoryId}`, { content: "overwritten" }],
      ["delete", `${base}/memories/long_term_memory/${memoryId}`],
      ["post", `${base}/memories/long_term_memory/${memoryId}/move`, { to_memory_type: "archive" }],
      ["get", `${base}/memories/long_term_memory/${memoryId}/history`],
      ["post", `${base}/memories/search`, { query: "secret" }],
      ["get", `${base}/sessions`],
      ["post", `${base}/sessions`, { name: "intrusion" }],
      ["get", `${base}/sessions/${b.session.session_id}/chats`],
      ["post", "/v1/relay", { action: "join", ai_uuid: b.ai_uuid }],
      ["post", "/v1/relay", { action: "emit", ai_uuid: b.ai_uuid, event: "message", data: { text: "hi" } }],
      ["post", "/v1/relay", { action: "heartbeat", ai_uuid: b.ai_uuid, client_id: "intruder" }],
      [
        "post",
        "/v1/chat/completions",
        { ai_uuid: b.ai_uuid, model: "test-model", messages: [{ role: "user", content: "What is Bob's secret?" }] },
      ],
    ];
    for (const [method, path, body] of routes) {
      const call = request(app)[method](path).set("Authorization", bearer(a));
      const response = body ? await call.send(body) : await call;
      expect(response.status, `${method.toUpperCase()} ${path}`).toBe(403);
      expect(JSON.stringify(response.body)).not.toContain("Bob's secret");
    }
    const list = await request(app).get("/v1/ais").set("Authorization", bearer(a));
    expect(list.status).toBe(403);
    // A session id of another AI is "not found": its existence does not leak.
    const chats = await request(app).get(`/v1/sessions/${b.session.session_id}/chats`).set("Authorization", bearer(a));
    expect(chats.status).toBe(404);
    expect(await snapshotOf(b)).toBe(before);
    const room = await db.collection(`ai_registry/${b.ai_uuid}/events`).where("event", "==", "message").get();
    expect(room.size).toBe(0);
    expect((await db.collection(`ai_registry/${b.ai_uuid}/presence`).get()).size).toBe(0);
    expect((await db.collection("chat_sessions").where("ai_uuid", "==", b.ai_uuid).get()).size).toBe(1);
  });

  it("and an unknown AI looks the same as another AI's (no existence leak)", async () => {
    const unknown = await request(app)
      .post("/retrieve_memories")
      .set("Authorization", bearer(a))
      .send({ ai_uuid: "0b4c2f0e-8c1b-4d47-9a43-2a3c4b5d6e7f", memory_type: "archive" });
    expect(unknown.status).toBe(403);
  });
});
