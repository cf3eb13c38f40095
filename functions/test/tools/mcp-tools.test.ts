import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type App, chatApp, chatAs } from "../../../test-support/chat-app";
import { ADMIN, newAi } from "../../../test-support/emulator";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";
import { putSecret, putTool, toolCallEvents, toolMessagesOf } from "./tool-fixtures";

const TOKEN = "mcp-bearer-5a4b3c2d1e";

let app: App;
let fake: FakeOpenAi;
let server: Server;
let mcpUrl: string;
const seen: { authorization?: string; orders: string[] } = { orders: [] };

/** A remote MCP server made with the official SDK: stateless Streamable HTTP, one tool, a bearer. */
function orderServer(): McpServer {
  const mcp = new McpServer({ name: "orders", version: "1.0.0" });
  mcp.registerTool(
    "lookup_order",
    { description: "The status of an order", inputSchema: { order_id: z.string().regex(/^A\d+$/) } },
    async ({ order_id }) => {
      seen.orders.push(order_id);
      return { content: [{ type: "text", text: `Order ${order_id} shipped on Monday` }] };
    },
  );
  return mcp;
}

beforeAll(async () => {
  ({ app, fake } = await chatApp());
  server = createServer(async (req, res) => {
    seen.authorization = req.headers.authorization;
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const mcp = orderServer();
    res.on("close", () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  mcpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fake.close();
});

const modelRequests = (model: string) =>
  fake.requests.filter((recorded) => recorded.path.endsWith("/chat/completions") && recorded.body.model === model);

async function aiWithOrders() {
  const ai = await newAi("Support Agent");
  await putSecret(app, ai.ai_uuid, "ORDERS_TOKEN", TOKEN);
  await putTool(app, ai.ai_uuid, "orders", {
    description: "The shop's order system",
    mcp: { url: mcpUrl, headers: { Authorization: "Bearer {{secret:ORDERS_TOKEN}}" } },
  });
  return ai;
}

describe("a remote MCP server as a tool source", () => {
  it("gives the model its tools; a call goes through the SDK with the bearer secret and its answer reaches the model", async () => {
    const ai = await aiWithOrders();
    fake.script("mcp-ok", [
      { tool_calls: [{ id: "o1", name: "orders__lookup_order", arguments: '{"order_id":"A123"}' }] },
      { content: "Your order shipped on Monday." },
    ]);
    const answer = await chatAs(app, ai, { model: "mcp-ok", messages: [{ role: "user", content: "Where is A123?" }] });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.choices[0].message.content).toBe("Your order shipped on Monday.");
    expect(answer.body.memory.tool_calls).toEqual([
      expect.objectContaining({ name: "orders__lookup_order", status: "ok" }),
    ]);
    const [first, second] = modelRequests("mcp-ok");
    const offered = (first.body.tools as Array<{ function: { name: string; parameters: { required: string[] } } }>)[0];
    expect(offered.function.name).toBe("orders__lookup_order");
    expect(offered.function.parameters.required).toEqual(["order_id"]);
    expect(toolMessagesOf(second.body)[0].content).toContain("Order A123 shipped on Monday");
    expect(seen.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen.orders).toContain("A123");
    const events = await toolCallEvents(ai.ai_uuid);
    expect(JSON.stringify([answer.body, events])).not.toContain(TOKEN);
  });

  it("checks the arguments against the server's own schema before calling it", async () => {
    const ai = await aiWithOrders();
    const before = seen.orders.length;
    fake.script("mcp-invalid", [
      { tool_calls: [{ name: "orders__lookup_order", arguments: '{"order_id":"not-an-order"}' }] },
      { content: "Which order?" },
    ]);
    const answer = await chatAs(app, ai, { model: "mcp-invalid", messages: [{ role: "user", content: "Order?" }] });
    expect(answer.status).toBe(200);
    expect(answer.body.memory.tool_calls[0]).toMatchObject({ status: "invalid_arguments" });
    expect(seen.orders.length).toBe(before);
  });

  it("can be tried from the console's Test button, and a wrong bearer leaves the chat working without it", async () => {
    const ai = await aiWithOrders();
    const tried = await request(app)
      .post(`/v1/ais/${ai.ai_uuid}/tools/orders/test`)
      .set("Authorization", ADMIN)
      .send({ tool: "lookup_order", arguments: { order_id: "A7" } });
    expect(tried.status, JSON.stringify(tried.body)).toBe(200);
    expect(tried.body).toMatchObject({ status: "ok", tools: ["orders__lookup_order"] });
    expect(tried.body.result).toContain("Order A7 shipped");

    await putSecret(app, ai.ai_uuid, "ORDERS_TOKEN", "wrong-token");
    const answer = await chatAs(app, ai, { model: "mcp-down", messages: [{ role: "user", content: "hi" }] });
    expect(answer.status).toBe(200);
    expect(modelRequests("mcp-down")[0].body.tools).toBeUndefined();
  });
});
