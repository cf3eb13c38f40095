import type { NextFunction, Request, Response } from "express";
import type { Principal } from "../auth/principal";
import { assertScope, type Scope } from "../auth/scopes";
import { MEMORY_TYPES, type MemoryType } from "../memory/memory-types";
import { assertWritableType } from "../tools/capability-policy";
import { principalOf } from "./auth-middleware";

/**
 * What an AI's own token may do on the REST and seed routes, decided here before any handler runs:
 * the scope a route needs (a route no rule names needs a token without scopes: handshake, settings,
 * new tokens, revocation), and the memory types a write names, which must be among the AI's
 * `settings.writable_types`. MCP checks the same per tool (mcp-capabilities.ts).
 */
interface Rule {
  methods: readonly string[] | "any";
  path: RegExp;
  scope: Scope;
  /** The memory types a write names, from its path and body. */
  types?: (match: RegExpExecArray, body: Record<string, unknown>) => unknown[];
}

const READ = ["GET", "HEAD"];
const WRITE = ["POST", "PUT", "PATCH", "DELETE"];
const AI = "/v1/ais/[^/]+";

const RULES: Rule[] = [
  { methods: "any", path: /^\/v1\/(chat\/completions|models)(\/|$)/, scope: "chat" },
  { methods: "any", path: new RegExp(`^(/v1/sessions/|${AI}/sessions(/|$))`), scope: "chat" },
  { methods: "any", path: /^\/v1\/relay$/, scope: "relay" },
  { methods: "any", path: new RegExp(`^${AI}/(tools|secrets)(/|$)`), scope: "tools" },
  { methods: "any", path: /^\/mcp(\/|$)/, scope: "memory:read" },
  { methods: ["POST"], path: /^\/retrieve_memories$/, scope: "memory:read" },
  {
    methods: ["POST"],
    path: /^\/(create|edit|delete|move)_memory$/,
    scope: "memory:write",
    types: (_, body) => [body.memory_type, body.from_memory_type, body.to_memory_type],
  },
  { methods: ["POST"], path: new RegExp(`^${AI}/memories/search$`), scope: "memory:read" },
  {
    methods: WRITE,
    path: new RegExp(`^${AI}/memories/([^/]+)(/[^/]+(/(move|restore))?)?$`),
    scope: "memory:write",
    types: (match, body) => [match[1], body.to_memory_type],
  },
  {
    methods: ["POST"],
    path: new RegExp(`^${AI}/import$`),
    scope: "memory:write",
    types: (_, body) =>
      Array.isArray(body.memories) ? body.memories.map((item) => (item as { memory_type?: unknown })?.memory_type) : [],
  },
  { methods: READ, path: new RegExp(`^${AI}(/(memories|export|extractions)(/.*)?)?$`), scope: "memory:read" },
];

const isMemoryType = (value: unknown): value is MemoryType => MEMORY_TYPES.includes(value as MemoryType);

function ruleOf(method: string, path: string) {
  for (const rule of RULES) {
    if (rule.methods !== "any" && !rule.methods.includes(method)) continue;
    const match = rule.path.exec(path);
    if (match) return { rule, match };
  }
  return null;
}

/** The admin and users are not bound here: an owner's rights are checked by the routes themselves. */
export function checkCapabilities(principal: Principal, method: string, path: string, body: unknown): void {
  if (principal.kind !== "ai") return;
  const found = ruleOf(method, path);
  assertScope(principal.scopes, found?.rule.scope ?? null);
  if (!found?.rule.types) return;
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  for (const type of found.rule.types(found.match, record))
    if (isMemoryType(type)) assertWritableType(principal.ai, type);
}

/** The gate as Express middleware, after authentication. */
export function capabilityGate(req: Request, res: Response, next: NextFunction): void {
  checkCapabilities(principalOf(res), req.method, `${req.baseUrl}${req.path}`, req.body);
  next();
}

/** MCP's memory tools that write, and the memory types each names. */
const MCP_WRITES: Record<string, (args: Record<string, unknown>) => unknown[]> = {
  create_memory: (args) => [args.memory_type],
  edit_memory: (args) => [args.memory_type],
  delete_memory: (args) => [args.memory_type],
  move_memory: (args) => [args.from_memory_type, args.to_memory_type],
};

/** The same rules for one MCP tool call: reading needs memory:read (the route's), writing memory:write. */
export function checkMcpTool(principal: Principal, tool: string, args: Record<string, unknown>): void {
  const writes = MCP_WRITES[tool];
  if (principal.kind !== "ai" || !writes) return;
  assertScope(principal.scopes, "memory:write");
  for (const type of writes(args)) if (isMemoryType(type)) assertWritableType(principal.ai, type);
}
