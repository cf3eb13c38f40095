import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { z } from "zod";
import { AppError } from "../errors";
import type { ServerTool } from "./server-tool";
import { assertArguments, type mcpSourceSchema } from "./tool-schemas";
import { withSecrets } from "./tool-store";

/**
 * A remote MCP server as a source of tools, through the official SDK's client over Streamable
 * HTTP. Each tool is offered to the model as `<source>__<tool>`; arguments are checked against the
 * tool's own input schema before the call goes out. The connection lives for one chat turn.
 */
export interface McpSourceConfig {
  name: string;
  mcp: z.infer<typeof mcpSourceSchema>;
}

export interface McpSource {
  tools: ServerTool[];
  close(): Promise<void>;
}

/** Tools taken from one server: a bound on what it can put in the model's request. */
const MAX_SOURCE_TOOLS = 32;

const functionName = (source: string, tool: string) =>
  `${source}__${tool.replace(/[^A-Za-z0-9_-]/g, "_")}`.slice(0, 64);

/** What an MCP tool result says, as the model reads it: its text, or its structured content. */
function resultOf(answer: object): unknown {
  const result = answer as { content?: unknown; structuredContent?: unknown; isError?: unknown };
  const texts = Array.isArray(result.content)
    ? result.content
        .map((part: { type?: string; text?: string }) => (part.type === "text" ? part.text : `[${part.type} content]`))
        .join("\n")
    : "";
  if (result.isError) throw new AppError("upstream_error", `the MCP tool failed: ${texts.slice(0, 500)}`);
  return result.structuredContent ?? texts;
}

export async function connectMcpSource(
  config: McpSourceConfig,
  secrets: Map<string, string>,
  fetcher: typeof fetch,
): Promise<McpSource> {
  const transport = new StreamableHTTPClientTransport(new URL(config.mcp.url), {
    fetch: fetcher,
    requestInit: { headers: withSecrets(config.mcp.headers, secrets) },
  });
  const client = new Client({ name: "ai-memory", version: "1.0.0" });
  const timeout = config.mcp.timeout_ms;
  try {
    await client.connect(transport, { timeout });
    const { tools } = await client.listTools(undefined, { timeout });
    return {
      tools: tools.slice(0, MAX_SOURCE_TOOLS).map((tool) => {
        const parameters = tool.inputSchema as Record<string, unknown>;
        return {
          name: functionName(config.name, tool.name),
          description: (tool.description ?? tool.name).slice(0, 1000),
          parameters,
          kind: `mcp:${config.name}`,
          timeoutMs: timeout,
          validate(args) {
            assertArguments(parameters, args);
            return args as Record<string, unknown>;
          },
          async run(args, signal) {
            return resultOf(
              await client.callTool({ name: tool.name, arguments: args }, undefined, { signal, timeout }),
            );
          },
        };
      }),
      close: () => client.close(),
    };
  } catch (error) {
    await client.close().catch(() => undefined);
    if (error instanceof AppError) throw error;
    throw new AppError("upstream_error", `MCP server ${config.name} could not be used: ${(error as Error).message}`);
  }
}
