import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAiModels } from "../../src/models/model-client";
import { MEMORY_TYPES } from "../../src/memory/memory-types";
import { ADMIN, config, db, type HandshakeBody } from "../../../test-support/emulator";
import { type FakeOpenAi, startFakeOpenAi } from "../../../test-support/fake-openai-server";
import { appWith, newAiOf, newUser, type TestUser } from "./users-support";

/**
 * Two real Auth-emulator users, each with an AI. On every route family, user B on A's AI is refused
 * exactly as on an AI that does not exist (nothing about A's AI is revealed) and changes nothing;
 * A reaches their own AI on the same routes.
 */

let fake: FakeOpenAi;
let app: ReturnType<typeof appWith>;
let alice: TestUser;
let bob: TestUser;
let aliceAi: HandshakeBody;
let memoryId: string;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  const models = openAiModels({
    ...config,
    openai: { apiKey: "test-openai-key", baseUrl: fake.url, model: "test-model" },
    embedding: { model: "", baseUrl: fake.url, dimensions: 8 },
  });
  app = appWith({}, models);
  [alice, bob] = await Promise.all([newUser("alice"), newUser("bob")]);
  aliceAi = await newAiOf(app, alice, "Alice's AI");
  const created = await request(app)
    .post(`/v1/ais/${aliceAi.ai_uuid}/memories/long_term_memory`)
    .set("Authorization", alice.bearer)
    .send({ content: "Alice's secret" });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  memoryId = created.body.id;
});
afterAll(() => fake.close());

type Method = "get" | "post" | "patch" | "delete";
type Route = [Method, (ai: string) => string, (ai: string) => object | undefined];

/** Every route that names an AI, by family; the destructive ones last. */
const ROUTES: Route[] = [
  ["get", (ai) => `/v1/ais/${ai}`, () => undefined],
  ["patch", (ai) => `/v1/ais/${ai}`, () => ({ ai_name: "Renamed" })],
  ["get", (ai) => `/v1/ais/${ai}/export`, () => undefined],
  ["post", (ai) => `/v1/ais/${ai}/import`, () => ({ memories: [{ memory_type: "archive", content: "imported" }] })],
  ["get", (ai) => `/v1/ais/${ai}/memories`, () => undefined],
  ["get", (ai) => `/v1/ais/${ai}/memories/long_term_memory`, () => undefined],
  ["post", (ai) => `/v1/ais/${ai}/memories/working_memory`, () => ({ content: "injected" })],
  ["get", (ai) => `/v1/ais/${ai}/memories/long_term_memory/${memoryId}`, () => undefined],
  ["patch", (ai) => `/v1/ais/${ai}/memories/long_term_memory/${memoryId}`, () => ({ content: "Alice's secret, v2" })],
  ["get", (ai) => `/v1/ais/${ai}/memories/long_term_memory/${memoryId}/history`, () => undefined],
  ["post", (ai) => `/v1/ais/${ai}/memories/search`, () => ({ query: "secret" })],
  ["get", (ai) => `/v1/ais/${ai}/sessions`, () => undefined],
  ["post", (ai) => `/v1/ais/${ai}/sessions`, () => ({ name: "planning" })],
  ["get", (ai) => `/v1/ais/${ai}/sessions/${aliceAi.session.session_id}/chats`, () => undefined],
  ["get", (ai) => `/v1/ais/${ai}/extractions`, () => undefined],
  ["post", () => "/v1/handshake", (ai) => ({ ai_uuid: ai })],
  ["post", () => "/create_memory", (ai) => ({ ai_uuid: ai, memory_type: "working_memory", memory_data: "seeded" })],
  ["post", () => "/retrieve_memories", (ai) => ({ ai_uuid: ai, memory_type: "all" })],
  [
    "post",
    () => "/edit_memory",
    (ai) => ({ ai_uuid: ai, memory_type: "long_term_memory", memory_id: memoryId, memory_data: "Alice's secret, v3" }),
  ],
  ["post", () => "/v1/relay", (ai) => ({ ai_uuid: ai, action: "join", client_id: "tab-1" })],
  ["post", () => "/v1/relay", (ai) => ({ ai_uuid: ai, event: "message", data: { text: "hello" } })],
  [
    "post",
    () => "/v1/chat/completions",
    (ai) => ({ ai_uuid: ai, model: "test-model", messages: [{ role: "user", content: "Hello" }] }),
  ],
  ["post", (ai) => `/v1/ais/${ai}/memories/long_term_memory/${memoryId}/move`, () => ({ to_memory_type: "archive" })],
  [
    "post",
    () => "/move_memory",
    (ai) => ({ ai_uuid: ai, from_memory_type: "archive", to_memory_type: "long_term_memory", document_id: memoryId }),
  ],
  ["post", () => "/delete_memory", (ai) => ({ ai_uuid: ai, memory_type: "long_term_memory", memory_id: memoryId })],
  ["post", (ai) => `/v1/ais/${ai}/revoke_tokens`, () => undefined],
  ["delete", (ai) => `/v1/ais/${ai}`, () => undefined],
];

const call = (method: Method, path: string, credential: string | undefined, body: object | undefined) => {
  let pending = request(app)[method](path);
  if (credential !== undefined) pending = pending.set("Authorization", credential);
  return body === undefined ? pending : pending.send(body);
};

/** Everything of one AI, read as the admin sees it in Firestore. */
async function snapshotOf(aiUuid: string): Promise<string> {
  const parts = await Promise.all(
    [...MEMORY_TYPES, "events", "presence"].map(async (name) =>
      (await db.collection(`ai_registry/${aiUuid}/${name}`).get()).docs.map((doc) => [doc.id, doc.data()]),
    ),
  );
  const [registry, sessions, chats] = await Promise.all([
    db.doc(`ai_registry/${aiUuid}`).get(),
    db.collection("chat_sessions").where("ai_uuid", "==", aiUuid).get(),
    db.collection("chats").where("ai_uuid", "==", aiUuid).get(),
  ]);
  return JSON.stringify({ parts, registry: registry.data(), sessions: sessions.size, chats: chats.size });
}

describe("a user reaches only their own AIs", () => {
  it("refuses user B on A's AI on every route exactly as on an AI that does not exist, and changes nothing", async () => {
    const before = await snapshotOf(aliceAi.ai_uuid);
    const missing = randomUUID();
    for (const [method, path, body] of ROUTES) {
      const foreign = await call(method, path(aliceAi.ai_uuid), bob.bearer, body(aliceAi.ai_uuid));
      const name = `${method} ${path(aliceAi.ai_uuid)}`;
      expect(foreign.status, `${name} ${JSON.stringify(foreign.body)}`).toBe(403);
      expect(JSON.stringify(foreign.body)).not.toContain("Alice");
      const absent = await call(method, path(missing), bob.bearer, body(missing));
      expect(absent.status, name).toBe(403);
      expect(JSON.stringify(absent.body).replaceAll(missing, "<ai>"), name).toBe(
        JSON.stringify(foreign.body).replaceAll(aliceAi.ai_uuid, "<ai>"),
      );
      const anonymous = await call(method, path(aliceAi.ai_uuid), undefined, body(aliceAi.ai_uuid));
      expect(anonymous.status, name).toBe(401);
    }
    expect(await snapshotOf(aliceAi.ai_uuid)).toBe(before);
  });

  it("finds another user's session by id no more than a session that does not exist", async () => {
    const foreign = await call("get", `/v1/sessions/${aliceAi.session.session_id}/chats`, bob.bearer, undefined);
    const absent = await call("get", `/v1/sessions/no-such-session/chats`, bob.bearer, undefined);
    expect([foreign.status, absent.status]).toEqual([404, 404]);
    expect(foreign.body.error.code).toBe(absent.body.error.code);
  });

  it("lists only the caller's AIs; the admin lists everyone's, by owner_uid too", async () => {
    const bobAi = await newAiOf(app, bob, "Bob's AI");
    const listed = async (credential: string, query = "") =>
      ((await call("get", `/v1/ais${query}`, credential, undefined)).body.ais as Array<{ ai_uuid: string }>).map(
        (ai) => ai.ai_uuid,
      );
    expect(await listed(alice.bearer)).toEqual([aliceAi.ai_uuid]);
    expect(await listed(bob.bearer)).toEqual([bobAi.ai_uuid]);
    expect(await listed(ADMIN, `?owner_uid=${bob.uid}`)).toEqual([bobAi.ai_uuid]);
    expect(await listed(ADMIN, "?limit=200")).toEqual(expect.arrayContaining([aliceAi.ai_uuid, bobAi.ai_uuid]));
    const peek = await call("get", `/v1/ais?owner_uid=${alice.uid}`, bob.bearer, undefined);
    expect(peek.status).toBe(403);
    const view = await call("get", `/v1/ais/${aliceAi.ai_uuid}`, ADMIN, undefined);
    expect(view.body.owner_uid).toBe(alice.uid);
  });

  it("refuses B through MCP with the ID token as bearer, exactly as for an AI that does not exist", async () => {
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
    const connect = async (user: TestUser) => {
      const client = new Client({ name: "users-test", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: user.bearer } } }),
      );
      return client;
    };
    const [asBob, asAlice] = await Promise.all([connect(bob), connect(alice)]);
    try {
      type Answer = { isError?: boolean; content: Array<{ text: string }> };
      const search = async (client: Client, aiUuid: string) =>
        (await client.callTool({ name: "search_memories", arguments: { ai_uuid: aiUuid, query: "secret" } })) as Answer;
      const foreign = await search(asBob, aiUuid());
      const absent = await search(asBob, randomUUID());
      expect(foreign.isError).toBe(true);
      expect(foreign.content[0].text).toBe(absent.content[0].text);
      expect(foreign.content[0].text).toMatch(/^permission_denied/);
      const own = await search(asAlice, aiUuid());
      expect(own.isError ?? false).toBe(false);
    } finally {
      await Promise.all([asBob.close(), asAlice.close()]);
      server.closeAllConnections();
      server.close();
    }
  });

  it("lets A do all of it on their own AI", async () => {
    for (const [method, path, body] of ROUTES) {
      const answer = await call(method, path(aliceAi.ai_uuid), alice.bearer, body(aliceAi.ai_uuid));
      expect(answer.status, `${method} ${path(aliceAi.ai_uuid)} ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    }
    expect((await db.doc(`ai_registry/${aiUuid()}`).get()).exists).toBe(false);
  });
});

const aiUuid = () => aliceAi.ai_uuid;
