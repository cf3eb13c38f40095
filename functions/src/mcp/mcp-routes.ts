import { Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../http/app-deps";
import { principalOf } from "../http/auth-middleware";
import { registerRouteDocs } from "../http/openapi";

registerRouteDocs({
  method: "post",
  path: "/mcp",
  summary: "MCP over Streamable HTTP (stateless, JSON-RPC): memory tools for an AI's token, or the admin with an ai_uuid argument",
  operationId: "mcp",
  tag: "mcp",
  body: z.looseObject({ jsonrpc: z.literal("2.0"), method: z.string() }),
  responses: { 200: z.looseObject({ jsonrpc: z.literal("2.0") }) },
});

/**
 * `/mcp`, mounted after authentication: the bearer is an AI's token (its own memory) or the admin
 * credential. Stateless, so GET (a server-to-client stream) and DELETE (a session's end) are 405.
 * The MCP SDK is loaded on the first MCP request only.
 */
export function mcpRoutes(deps: AppDeps): Router {
  const router = Router();
  const { models } = deps;
  router.post("/", async (req, res) => {
    const { serveMcp } = await import("./mcp-server");
    await serveMcp({ db: deps.db, principal: principalOf(res), embedder: models.embedder }, req, res);
  });
  router.all("/", (_req, res) => {
    res.status(405).set("Allow", "POST").json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: this MCP server is stateless; POST only" }, id: null });
  });
  return router;
}
