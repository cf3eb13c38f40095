import type { Firestore } from "firebase-admin/firestore";
import type { AppConfig } from "../config";
import { invalid } from "../errors";
import * as logs from "../logs";
import { settingOf } from "../memory/registry-service";
import type { AddressPolicy, Resolver } from "./address-guard";
import { guardedFetch } from "./guarded-fetch";
import { httpTool } from "./http-tool";
import { connectMcpSource } from "./mcp-tool-source";
import { type MemoryToolContext, memoryTools } from "./memory-tool-set";
import type { ServerTool } from "./server-tool";
import { listTools, type StoredTool, secretNamesIn, secretsFor } from "./tool-store";

/** What the tools of a turn are built from: the key that opens their secrets and where they may connect. */
export interface ToolDeps {
  secretsKey: string;
  policy: AddressPolicy;
  /** DNS, replaceable in tests (a name that changes its answer). */
  resolve?: Resolver;
}

/** The tools the server runs during one chat turn, and what the turn must close after. */
export interface Toolbox {
  tools: ServerTool[];
  /** Every secret value the tools were given: scrubbed from whatever a tool answers. */
  redact(text: string): string;
  close(): Promise<void>;
}

export const toolDepsOf = (config: AppConfig): ToolDeps => ({
  secretsKey: config.tools.secretsKey,
  policy: { allowLoopback: config.tools.allowLoopback },
});

export const fetcherFor = (deps: ToolDeps): typeof fetch => guardedFetch({ ...deps.policy, resolve: deps.resolve });

/** Scrubs secret values (of four characters or more) from a text. */
export const redactor = (values: string[]) => (text: string) =>
  values.filter((value) => value.length >= 4).reduce((out, value) => out.replaceAll(value, "[secret]"), text);

/** One custom tool, ready to run: an HTTP tool, or the tools of an MCP server (connected now). */
export async function customTools(db: Firestore, deps: ToolDeps, aiUuid: string, tool: StoredTool) {
  const headers = "http" in tool ? tool.http.headers : tool.mcp.headers;
  const secrets = await secretsFor(db, deps.secretsKey, aiUuid, secretNamesIn(headers));
  const fetcher = fetcherFor(deps);
  if ("http" in tool) return { tools: [httpTool(tool, secrets, fetcher)], secrets, close: async () => undefined };
  const source = await connectMcpSource(tool, secrets, fetcher);
  return { ...source, secrets };
}

/**
 * The AI's tools for a turn: its memory tools when `settings.memory_tools` is on, and its custom
 * tools. A custom tool that cannot be loaded (a missing secret, an MCP server down) is left out
 * and logged: a tool never fails the chat. A name the caller also declares is a 400.
 */
export async function loadToolbox(
  db: Firestore,
  deps: ToolDeps | undefined,
  memory: MemoryToolContext,
  callerToolNames: string[],
): Promise<Toolbox> {
  const tools = settingOf(memory.ai, "memory_tools") ? memoryTools(memory) : [];
  const stored = deps ? await listTools(db, memory.ai.ai_uuid) : [];
  const loaded = await Promise.all(
    stored.map((tool) =>
      customTools(db, deps as ToolDeps, memory.ai.ai_uuid, tool).catch((error: unknown) => {
        logs.toolUnavailable(memory.ai.ai_uuid, tool.name, error);
        return null;
      }),
    ),
  );
  const sources = loaded.filter((source) => source !== null);
  tools.push(...sources.flatMap((source) => source.tools));
  const clash = tools.find((tool) => callerToolNames.includes(tool.name));
  const toolbox: Toolbox = {
    tools,
    redact: redactor(sources.flatMap((source) => [...source.secrets.values()])),
    close: async () => {
      await Promise.all(sources.map((source) => source.close().catch(() => undefined)));
    },
  };
  if (clash || tools.length === 0) await toolbox.close();
  if (clash) {
    throw invalid(`tools: ${clash.name} is already a tool of this AI; rename the caller's tool`, { field: "tools" });
  }
  return toolbox;
}
