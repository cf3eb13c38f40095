import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import type { Request, Response } from "express";
import { z } from "zod";
import { AppError } from "../errors";
import * as logs from "../logs";
import { parseInput } from "../validation";
import { MEMORY_TOOLS, type ToolContext } from "./memory-tools";

const INSTRUCTIONS =
  "Persistent memory of one AI. Search it before answering what may depend on earlier conversations; store durable facts in long_term_memory and passing context in working_memory; keep each memory short and self-contained.";

/** What a client may show and assume of each tool (2025-06-18 and later): a title, and whether it only reads. */
const ANNOTATIONS: Record<string, ToolAnnotations> = {
  search_memories: { title: "Search memories", readOnlyHint: true },
  retrieve_memories: { title: "List memories", readOnlyHint: true },
  memory_history: { title: "A memory's history", readOnlyHint: true },
  list_sessions: { title: "List chat sessions", readOnlyHint: true },
  create_memory: { title: "Create a memory", readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  edit_memory: { title: "Edit a memory", readOnlyHint: false, destructiveHint: true, idempotentHint: false },
  move_memory: { title: "Move a memory", readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  delete_memory: { title: "Delete a memory", readOnlyHint: false, destructiveHint: true, idempotentHint: true },
};

const listed = MEMORY_TOOLS.map((tool) => {
  const annotations = ANNOTATIONS[tool.name];
  return {
    name: tool.name,
    ...(annotations ? { title: annotations.title, annotations: { ...annotations, openWorldHint: false } } : {}),
    description: tool.description,
    inputSchema: z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as { type: "object" },
  };
});

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
    if (!tool)
      throw new AppError(
        "not_found",
        `tool ${name} not found; tools: ${MEMORY_TOOLS.map((known) => known.name).join(", ")}`,
      );
    return result(await tool.run(context, parseInput(tool.input, args ?? {})));
  } catch (error) {
    if (error instanceof AppError) {
      return {
        ...result({ error: { code: error.code, message: error.message, details: error.details ?? null } }, true),
        content: [{ type: "text", text: `${error.code}: ${error.message}` }],
      };
    }
    logs.mcpToolFailed(name, error);
    return result({ error: { code: "internal", message: "internal error", details: null } }, true);
  }
}

function mcpServer(context: ToolContext): Server {
  // Protocol revisions are negotiated by the SDK: the newest it knows (2025-11-25) unless the client asks an older one.
  const server = new Server(
    {
      name: "ai-memory",
      title: "AI Memory",
      version: "1.1.0",
      description: "Persistent, typed, searchable memory of one AI, on Firebase",
    },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed }));
  server.setRequestHandler(CallToolRequestSchema, async (request) =>
    callTool(context, request.params.name, request.params.arguments),
  );
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
