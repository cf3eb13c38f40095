import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Request, Response } from "express";
import { logger } from "firebase-functions";
import { z } from "zod";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { MEMORY_TOOLS, type ToolContext } from "./memory-tools";

const INSTRUCTIONS =
  "Persistent memory of one AI. Search it before answering what may depend on earlier conversations; store durable facts in long_term_memory and passing context in working_memory; keep each memory short and self-contained.";

const listed = MEMORY_TOOLS.map((tool) => ({
  name: tool.name,
  description: tool.description,
  inputSchema: z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as { type: "object" },
}));

const result = (body: object, isError = false): CallToolResult => ({
  content: [{ type: "text", text: JSON.stringify(body) }],
  structuredContent: body as Record<string, unknown>,
  ...(isError ? { isError: true } : {}),
});

/**
 * One tool call: the same validation, permission checks and services as the HTTP API. A failure is
 * a tool result with `isError` and the API's error (code, message naming the field), never a crash.
 */
export async function callTool(context: ToolContext, name: string, args: unknown): Promise<CallToolResult> {
  const tool = MEMORY_TOOLS.find((candidate) => candidate.name === name);
  try {
    if (!tool) throw new AppError("not_found", `tool ${name} not found; tools: ${MEMORY_TOOLS.map((known) => known.name).join(", ")}`);
    return result(await tool.run(context, parseInput(tool.input, args ?? {})));
  } catch (error) {
    if (error instanceof AppError) {
      return { ...result({ error: { code: error.code, message: error.message, details: error.details ?? null } }, true), content: [{ type: "text", text: `${error.code}: ${error.message}` }] };
    }
    logger.error("MCP tool failed", { tool: name, error: String((error as Error)?.stack ?? error) });
    return result({ error: { code: "internal", message: "internal error", details: null } }, true);
  }
}

function mcpServer(context: ToolContext): Server {
  const server = new Server({ name: "ai-memory", version: "1.0.0" }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => callTool(context, request.params.name, request.params.arguments));
  return server;
}

/** One MCP request over Streamable HTTP, stateless: a server and transport per request. */
export async function serveMcp(context: ToolContext, req: Request, res: Response): Promise<void> {
  const server = mcpServer(context);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
}
