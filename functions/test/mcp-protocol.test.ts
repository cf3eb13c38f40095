import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { app, bearer, newAi } from "../../test-support/emulator";

/** The MCP server on the newest protocol revision the official SDK knows, and older clients still served. */

const server = app.listen(0, "127.0.0.1");
afterAll(() => server.close());
const initialize = (protocolVersion: string) => ({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

describe("MCP protocol revision", () => {
  it("negotiates the SDK's newest revision with its client, and lists tools with titles and annotations", async () => {
    expect(LATEST_PROTOCOL_VERSION).toBe("2025-11-25");
    const ai = await newAi("Mcp Revision");
    const transport = new StreamableHTTPClientTransport(
      new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`),
      { requestInit: { headers: { Authorization: bearer(ai) } } },
    );
    const client = new Client({ name: "revision-test", version: "1.0.0" });
    await client.connect(transport);
    expect(transport.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    expect(client.getServerVersion()).toMatchObject({ name: "ai-memory", title: "AI Memory" });
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === "search_memories")).toMatchObject({
      title: "Search memories",
      annotations: { readOnlyHint: true, openWorldHint: false },
    });
    expect(tools.find((tool) => tool.name === "delete_memory")?.annotations).toMatchObject({ destructiveHint: true });
    await client.close();
  });

  it("answers an older client in its own revision, and refuses an unknown MCP-Protocol-Version header", async () => {
    const ai = await newAi("Mcp Older");
    const older = await request(app)
      .post("/mcp")
      .set("Authorization", bearer(ai))
      .set("Accept", "application/json, text/event-stream")
      .send(initialize("2025-03-26"));
    expect(older.body.result.protocolVersion).toBe("2025-03-26");
    const unknown = await request(app)
      .post("/mcp")
      .set("Authorization", bearer(ai))
      .set("Accept", "application/json, text/event-stream")
      .set("MCP-Protocol-Version", "1999-01-01")
      .send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("Unsupported protocol version");
    expect((await request(app).post("/mcp").send(initialize(LATEST_PROTOCOL_VERSION))).status).toBe(401);
  });
});
