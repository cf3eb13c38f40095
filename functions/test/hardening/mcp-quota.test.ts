import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { ADMIN, app, db, newAi } from "../../../test-support/emulator";

const server = app.listen(0, "127.0.0.1");
afterAll(() => server.close());

describe("MCP create_memory and the memory quota (settings.max_memories)", () => {
  it("refuses a create past the quota, naming the setting, and stores nothing", async () => {
    const ai = await newAi("MCP quota");
    await request(app)
      .patch(`/v1/ais/${ai.ai_uuid}`)
      .set("Authorization", ADMIN)
      .send({ settings: { max_memories: 1 } })
      .expect(200);
    const client = new Client({ name: "quota-test", version: "1.0.0" });
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
    await client.connect(
      new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { Authorization: `Bearer ${ai.tokens.ai_token}` } },
      }),
    );
    try {
      const create = (content: string) =>
        client.callTool({ name: "create_memory", arguments: { memory_type: "archive", content } }) as Promise<{
          isError?: boolean;
          content: Array<{ text: string }>;
        }>;
      expect((await create("the one allowed")).isError).toBeFalsy();
      const refused = await create("one too many");
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toContain("settings.max_memories");
      expect((await db.collection(`ai_registry/${ai.ai_uuid}/archive`).get()).size).toBe(1);
    } finally {
      await client.close();
    }
  });
});
