import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, app, bearer, type HandshakeBody, newAi } from "../../../test-support/emulator";
import { appWith, newAiOf, newUser } from "../users/users-support";

let ai: HandshakeBody;
let other: HandshakeBody;
beforeAll(async () => {
  [ai, other] = await Promise.all([newAi("Scoped"), newAi("Other")]);
});

async function tokenWith(scopes: string[], as = ADMIN): Promise<string> {
  const answer = await request(app).post(`/v1/ais/${ai.ai_uuid}/tokens`).set("Authorization", as).send({ scopes });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  expect(answer.body.scopes).toEqual(scopes);
  expect(Date.parse(answer.body.expires_at)).toBeGreaterThan(Date.now());
  return `Bearer ${answer.body.ai_token}`;
}

const base = () => `/v1/ais/${ai.ai_uuid}`;
const mcpCall = (token: string, name: string, args: Record<string, unknown>) =>
  request(app)
    .post("/mcp")
    .set("Authorization", token)
    .set("Accept", "application/json, text/event-stream")
    .send({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } });

/** Every route family, one call each, as a token sees it. */
function calls(token: string) {
  const ref = { ai_uuid: ai.ai_uuid, ai_name: ai.ai_name };
  return {
    "memory:read REST": request(app).get(`${base()}/memories`).set("Authorization", token),
    "memory:read seed": request(app)
      .post("/retrieve_memories")
      .set("Authorization", token)
      .send({ ...ref, memory_type: "all" }),
    "memory:write REST": request(app)
      .post(`${base()}/memories/working_memory`)
      .set("Authorization", token)
      .send({ content: "a note" }),
    "memory:write seed": request(app)
      .post("/create_memory")
      .set("Authorization", token)
      .send({ ...ref, memory_type: "working_memory", memory_data: "a note" }),
    chat: request(app)
      .post("/v1/chat/completions")
      .set("Authorization", token)
      .send({ model: "test-model", messages: [{ role: "user", content: "hi" }] }),
    relay: request(app)
      .post("/v1/relay")
      .set("Authorization", token)
      .send({ action: "emit", ai_uuid: ai.ai_uuid, event: "message", data: { text: "hi" }, client_id: "scoped" }),
    tools: request(app).get(`${base()}/tools`).set("Authorization", token),
  };
}

/** The families a token reaches (2xx) and the scope named by each refusal. */
async function reach(token: string) {
  const answers = await Promise.all(
    Object.entries(calls(token)).map(async ([name, call]) => [name, await call] as const),
  );
  return Object.fromEntries(
    answers.map(([name, answer]) => {
      if (answer.status < 300) return [name, "ok"];
      expect(answer.status, `${name} ${JSON.stringify(answer.body)}`).toBe(403);
      const message: string = answer.body.error.message;
      return [name, message.match(/lacks the scope (\S+)/)?.[1] ?? message];
    }),
  );
}

describe("scoped tokens", () => {
  it("a read-only token reads memory on REST, the seed's routes and MCP, and is refused everything else by scope", async () => {
    const token = await tokenWith(["memory:read"]);
    expect(await reach(token)).toEqual({
      "memory:read REST": "ok",
      "memory:read seed": "ok",
      "memory:write REST": "memory:write",
      "memory:write seed": "memory:write",
      chat: "chat",
      relay: "relay",
      tools: "tools",
    });
    const read = await mcpCall(token, "retrieve_memories", { memory_type: "all" });
    expect(read.body.result.isError).toBeUndefined();
    const write = await mcpCall(token, "create_memory", { memory_type: "working_memory", content: "x" });
    expect(write.body.result.isError).toBe(true);
    expect(write.body.result.content[0].text).toContain("lacks the scope memory:write");
  });

  it("a chat-only token chats and reaches nothing else", async () => {
    const token = await tokenWith(["chat"]);
    const reached = await reach(token);
    expect(reached.chat).toBe("ok");
    expect(Object.entries(reached).filter(([, value]) => value === "ok")).toEqual([["chat", "ok"]]);
    expect((await mcpCall(token, "retrieve_memories", {})).status).toBe(403);
  });

  it("a scoped token cannot mint a broader one: no handshake, no new tokens, no settings", async () => {
    const token = await tokenWith(["memory:read", "memory:write", "chat", "relay", "tools"]);
    const refused = [
      request(app).post("/v1/handshake").set("Authorization", token).send({ ai_uuid: ai.ai_uuid }),
      request(app)
        .post(`${base()}/tokens`)
        .set("Authorization", token)
        .send({ scopes: ["chat"] }),
      request(app)
        .patch(base())
        .set("Authorization", token)
        .send({ settings: { system_prompt: "x" } }),
      request(app).post(`${base()}/revoke_tokens`).set("Authorization", token),
    ];
    for (const answer of await Promise.all(refused)) {
      expect(answer.status).toBe(403);
      expect(answer.body.error.message).toContain("without scopes");
    }
  });

  it("the AI's own full token may issue scoped ones; bad input is a 400; another AI or no token may not", async () => {
    await tokenWith(["memory:read"], bearer(ai));
    const bad = await request(app)
      .post(`${base()}/tokens`)
      .set("Authorization", ADMIN)
      .send({ scopes: ["root"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe("scopes.0");
    const none = await request(app).post(`${base()}/tokens`).set("Authorization", ADMIN).send({ scopes: [] });
    expect(none.body.error.details.field).toBe("scopes");
    expect(
      (
        await request(app)
          .post(`${base()}/tokens`)
          .send({ scopes: ["chat"] })
      ).status,
    ).toBe(401);
    const foreign = await request(app)
      .post(`${base()}/tokens`)
      .set("Authorization", bearer(other))
      .send({ scopes: ["chat"] });
    expect(foreign.status).toBe(403);
  });

  it("revoking the AI's tokens ends its scoped tokens too", async () => {
    const victim = await newAi("Revoked");
    const issued = await request(app)
      .post(`/v1/ais/${victim.ai_uuid}/tokens`)
      .set("Authorization", ADMIN)
      .send({ scopes: ["memory:read"] });
    const token = `Bearer ${issued.body.ai_token}`;
    expect((await request(app).get(`/v1/ais/${victim.ai_uuid}/memories`).set("Authorization", token)).status).toBe(200);
    await request(app).post(`/v1/ais/${victim.ai_uuid}/revoke_tokens`).set("Authorization", ADMIN);
    expect((await request(app).get(`/v1/ais/${victim.ai_uuid}/memories`).set("Authorization", token)).status).toBe(401);
  });
});

describe("the capability policy: writable_types and admin-only settings", () => {
  let keeper: HandshakeBody;
  beforeAll(async () => {
    keeper = await newAi("Policy Bound");
    const set = await request(app)
      .patch(`/v1/ais/${keeper.ai_uuid}`)
      .set("Authorization", ADMIN)
      .send({ settings: { writable_types: ["personal_logs", "working_memory"] } });
    expect(set.status).toBe(200);
  });

  it("the AI's own token writes only its writable types, on REST, the seed's routes, import and MCP", async () => {
    const as = bearer(keeper);
    const ref = { ai_uuid: keeper.ai_uuid, ai_name: keeper.ai_name };
    const kept = await request(app)
      .post(`/v1/ais/${keeper.ai_uuid}/memories/working_memory`)
      .set("Authorization", as)
      .send({ content: "passing note" });
    expect(kept.status).toBe(201);
    const refused = [
      request(app)
        .post(`/v1/ais/${keeper.ai_uuid}/memories/long_term_memory`)
        .set("Authorization", as)
        .send({ content: "durable" }),
      request(app)
        .post("/create_memory")
        .set("Authorization", as)
        .send({ ...ref, memory_type: "long_term_memory", memory_data: "durable" }),
      request(app)
        .post("/move_memory")
        .set("Authorization", as)
        .send({
          ...ref,
          from_memory_type: "working_memory",
          to_memory_type: "long_term_memory",
          document_id: kept.body.id,
        }),
      request(app)
        .post(`/v1/ais/${keeper.ai_uuid}/memories/working_memory/${kept.body.id}/move`)
        .set("Authorization", as)
        .send({ to_memory_type: "archive" }),
      request(app)
        .post(`/v1/ais/${keeper.ai_uuid}/import`)
        .set("Authorization", as)
        .send({ memories: [{ memory_type: "long_term_memory", content: "imported" }] }),
    ];
    for (const answer of await Promise.all(refused)) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(403);
      expect(answer.body.error.message).toContain("writable_types");
    }
    const mcp = await mcpCall(as, "create_memory", { memory_type: "long_term_memory", content: "durable" });
    expect(mcp.body.result.isError).toBe(true);
    const admin = await request(app)
      .post(`/v1/ais/${keeper.ai_uuid}/memories/long_term_memory`)
      .set("Authorization", ADMIN)
      .send({ content: "the admin is not bound" });
    expect(admin.status).toBe(201);
  });

  it("the AI's owner sets its capability policy, not its limits", async () => {
    const owner = await newUser("owner");
    const userApp = appWith();
    const owned = await newAiOf(userApp, owner);
    const policy = await request(userApp)
      .patch(`/v1/ais/${owned.ai_uuid}`)
      .set("Authorization", owner.bearer)
      .send({ settings: { memory_tools: true, writable_types: ["personal_logs"] } });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    expect(policy.body.settings).toMatchObject({ memory_tools: true, writable_types: ["personal_logs"] });
    const limit = await request(userApp)
      .patch(`/v1/ais/${owned.ai_uuid}`)
      .set("Authorization", owner.bearer)
      .send({ settings: { tool_steps: 10 } });
    expect(limit.status).toBe(403);
  });

  it("an AI's own token may not change its capability policy, tool steps or limits", async () => {
    for (const settings of [
      { memory_tools: true },
      { writable_types: ["long_term_memory"] },
      { tool_steps: 10 },
      { requests_per_minute: 100_000 },
      { max_memories: 1_000_000 },
    ]) {
      const answer = await request(app)
        .patch(`/v1/ais/${keeper.ai_uuid}`)
        .set("Authorization", bearer(keeper))
        .send({ settings });
      expect(answer.status, JSON.stringify(settings)).toBe(403);
      expect(answer.body.error.details.field).toBe(`settings.${Object.keys(settings)[0]}`);
    }
  });
});
