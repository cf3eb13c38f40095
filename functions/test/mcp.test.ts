import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { ADMIN, app, config, type HandshakeBody, newAi } from "../../test-support/emulator";
import { functionUrl } from "../../test-support/function-url";

/** The MCP SDK's own client against `/mcp`, as a desktop agent would connect. */

const server = app.listen(0, "127.0.0.1");
const mcpUrl = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  server.close();
});

async function connect(credential: string, url = mcpUrl()): Promise<Client> {
  const client = new Client({ name: "ai-memory-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${credential}` } },
    }),
  );
  clients.push(client);
  return client;
}

type ToolAnswer = {
  isError?: boolean;
  content: Array<{ type: string; text: string }>;
  structuredContent?: Record<string, unknown>;
};
const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as ToolAnswer;
const memoriesOf = async (ai: HandshakeBody) =>
  (await request(app).get(`/v1/ais/${ai.ai_uuid}/memories`).set("Authorization", ADMIN)).body.memories as Array<{
    id: string;
    content: unknown;
  }>;

describe("MCP at /mcp", () => {
  it("lists the memory tools, each described and with its input schema", async () => {
    const ai = await newAi("Mcp Tools");
    const { tools } = await (await connect(ai.tokens.ai_token)).listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "create_memory",
      "delete_memory",
      "edit_memory",
      "list_sessions",
      "memory_history",
      "move_memory",
      "retrieve_memories",
      "search_memories",
    ]);
    const create = tools.find((tool) => tool.name === "create_memory")!;
    expect(create.description).toMatch(/self-contained/);
    expect(create.inputSchema.required).toEqual(["memory_type"]);
    expect(Object.keys(create.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["content", "memory_data"]),
    );
  });

  it("works an AI's own memory with its token: create, search, edit, move, history, retrieve, delete, sessions", async () => {
    const ai = await newAi("Mcp Own");
    const client = await connect(ai.tokens.ai_token);
    const created = await call(client, "create_memory", {
      memory_type: "working_memory",
      content: "The user's cat is named Miso",
      tags: ["pets"],
    });
    expect(created.isError).toBeFalsy();
    const id = created.structuredContent!.id as string;
    expect((await memoriesOf(ai)).map((memory) => memory.id)).toEqual([id]);

    const found = await call(client, "search_memories", { query: "what is the cat called?" });
    expect((found.structuredContent!.results as Array<{ id: string }>)[0].id).toBe(id);
    const edited = await call(client, "edit_memory", {
      memory_type: "working_memory",
      memory_id: id,
      content: "The user's cat is named Miso, a tabby",
    });
    expect(edited.structuredContent).toMatchObject({ version: 2 });
    const moved = await call(client, "move_memory", {
      memory_id: id,
      from_memory_type: "working_memory",
      to_memory_type: "long_term_memory",
    });
    expect(moved.structuredContent).toMatchObject({ memory_type: "long_term_memory", id });
    const history = await call(client, "memory_history", { memory_id: id });
    expect((history.structuredContent!.versions as unknown[]).length).toBeGreaterThanOrEqual(1);
    const listed = await call(client, "retrieve_memories", { filter_query: { tags: ["pets"] } });
    expect((listed.structuredContent!.memories as Array<{ id: string }>).map((memory) => memory.id)).toEqual([id]);
    const sessions = await call(client, "list_sessions", {});
    expect(
      (sessions.structuredContent!.sessions as Array<{ session_id: string }>).map((session) => session.session_id),
    ).toContain(ai.session.session_id);
    const deleted = await call(client, "delete_memory", { memory_type: "long_term_memory", memory_id: id });
    expect(deleted.structuredContent).toEqual({ deleted: true, memory_id: id, memory_type: "long_term_memory" });
    expect(await memoriesOf(ai)).toEqual([]);
  });

  it("answers bad input as a tool error naming the field, as the HTTP API does, and stores nothing", async () => {
    const ai = await newAi("Mcp Invalid");
    const client = await connect(ai.tokens.ai_token);
    const badType = await call(client, "create_memory", { memory_type: "short_term", content: "x" });
    expect(badType.isError).toBe(true);
    expect(badType.content[0].text).toMatch(/^invalid_argument: memory_type: must be one of working_memory/);
    const unknown = await call(client, "create_memory", { memory_type: "archive", content: "x", colour: "red" });
    expect(unknown.content[0].text).toMatch(/unknown field colour; allowed: ai_uuid, memory_type, content/);
    const missing = await call(client, "edit_memory", { memory_type: "archive", memory_id: "nope", content: "y" });
    expect(missing.content[0].text).toMatch(/^not_found: /);
    const empty = await call(client, "create_memory", { memory_type: "archive" });
    expect(empty.content[0].text).toBe(
      "invalid_argument: content: required (or memory_data, as in POST /create_memory)",
    );
    const both = await call(client, "create_memory", { memory_type: "archive", content: "x", memory_data: "y" });
    expect(both.content[0].text).toMatch(/^invalid_argument: memory_data: give content and its fields, or memory_data/);
    const noTool = await call(client, "forget_everything", {});
    expect(noTool).toMatchObject({ isError: true });
    expect(await memoriesOf(ai)).toEqual([]);
  });

  it("takes memory_data as POST /create_memory and /edit_memory do, and says which field is required", async () => {
    const ai = await newAi("Mcp Seed Names");
    const client = await connect(ai.tokens.ai_token);
    const plain = await call(client, "create_memory", { memory_type: "archive", memory_data: "Plain text" });
    const fields = await call(client, "create_memory", {
      memory_type: "archive",
      memory_data: { content: "With tags", tags: ["seed"] },
    });
    expect(plain.structuredContent).toMatchObject({ content: "Plain text" });
    expect(fields.structuredContent).toMatchObject({ content: "With tags", tags: ["seed"] });
    const edited = await call(client, "edit_memory", {
      memory_type: "archive",
      memory_id: plain.structuredContent!.id,
      memory_data: "Edited text",
      expected_version: 1,
    });
    expect(edited.structuredContent).toMatchObject({ content: "Edited text", version: 2 });

    const seed = await request(app).post("/create_memory").set("Authorization", ADMIN).send({ memory_type: "archive" });
    expect(seed.status).toBe(400);
    expect(seed.body.error.message).toBe("ai_uuid: required; memory_data: required");
  });

  it("keeps an AI out of another AI's memory, and makes the admin name the AI", async () => {
    const [mine, theirs] = await Promise.all([newAi("Mcp Mine"), newAi("Mcp Theirs")]);
    const admin = await connect(config.adminApiKey);
    const unnamed = await call(admin, "create_memory", { memory_type: "archive", content: "whose?" });
    expect(unnamed.content[0].text).toBe("invalid_argument: ai_uuid: the administrator must name the AI");
    const kept = await call(admin, "create_memory", {
      ai_uuid: theirs.ai_uuid,
      memory_type: "archive",
      content: "Theirs only",
    });
    const theirId = kept.structuredContent!.id as string;

    const intruder = await connect(mine.tokens.ai_token);
    for (const [name, args] of [
      ["retrieve_memories", {}],
      ["search_memories", { query: "Theirs" }],
      ["delete_memory", { memory_type: "archive", memory_id: theirId }],
      ["create_memory", { memory_type: "archive", content: "planted" }],
    ] as const) {
      const answer = await call(intruder, name, { ...args, ai_uuid: theirs.ai_uuid });
      expect(answer.isError, name).toBe(true);
      expect(answer.content[0].text, name).toMatch(/^permission_denied: /);
    }
    expect((await memoriesOf(theirs)).map((memory) => memory.content)).toEqual(["Theirs only"]);
  });

  it("refuses a missing or forged bearer before any tool runs", async () => {
    await expect(connect("forged-token")).rejects.toThrow(/401|unauthenticated|Unauthorized/i);
    const plain = await request(app).post("/mcp").send({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(plain.status).toBe(401);
  });

  it("is served by the deployed function too", async () => {
    const ai = await newAi("Mcp Deployed");
    const client = await connect(ai.tokens.ai_token, `${await functionUrl()}/mcp`);
    const created = await call(client, "create_memory", {
      memory_type: "long_term_memory",
      content: "Deployed MCP works",
    });
    expect(created.isError).toBeFalsy();
    expect((await memoriesOf(ai)).map((memory) => memory.content)).toEqual(["Deployed MCP works"]);
  });
});
