import { type Response, Router } from "express";
import { AppError } from "../errors";
import { aiUuidSchema } from "../ids";
import { recentToolCalls, testTool } from "../tools/tool-test";
import {
  parseToolBody,
  secretBodySchema,
  secretNameSchema,
  toolBodySchema,
  toolNameSchema,
  toolTestSchema,
} from "../tools/tool-schemas";
import { deleteTool, getTool, listTools, putSecret, putTool, toToolView } from "../tools/tool-store";
import { toolDepsOf } from "../tools/toolbox";
import { parseInput } from "../validation";
import { accessAi } from "./access";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import type { RouteDoc } from "./route-docs";
import * as answers from "./tool-answers";

const base = "/v1/ais/{ai_uuid}";
const doc = (method: RouteDoc["method"], path: string, summary: string, operationId: string, rest: Partial<RouteDoc>) =>
  ({ method, path: `${base}${path}`, summary, operationId, tag: "tools", ...rest }) as RouteDoc;

/** The OpenAPI entries of these routes. */
export const toolRouteDocs: RouteDoc[] = [
  doc("get", "/tools", "The AI's custom tools and its latest tool calls", "listTools", {
    responses: { 200: answers.toolList },
  }),
  doc("put", "/tools/{name}", "Create or replace a custom tool: HTTP, or a remote MCP server (admin)", "putTool", {
    body: toolBodySchema,
    responses: { 200: answers.toolView, 201: answers.toolView },
  }),
  doc("get", "/tools/{name}", "One custom tool (secrets show as {{secret:NAME}})", "getTool", {
    responses: { 200: answers.toolView },
  }),
  doc("delete", "/tools/{name}", "Remove a custom tool (admin)", "deleteTool", {
    responses: { 200: answers.deletedTool },
  }),
  doc("post", "/tools/{name}/test", "Run a custom tool once with sample arguments (admin)", "testTool", {
    body: toolTestSchema,
    responses: { 200: answers.toolTestAnswer },
  }),
  doc(
    "put",
    "/secrets/{name}",
    "Set a write-only secret that tool headers name as {{secret:NAME}} (admin)",
    "putSecret",
    {
      body: secretBodySchema,
      responses: { 200: answers.secretAnswer },
    },
  ),
];

/**
 * An AI's tools are managed by the administrator (and, with users, the AI's owner): never by the
 * AI's own token, which could otherwise give itself new reach.
 */
function assertManager(res: Response): void {
  if (principalOf(res).kind === "ai")
    throw new AppError("permission_denied", "an AI's tools and secrets are managed by the administrator, not the AI");
}

/** `/v1/ais/{ai_uuid}/tools[/{name}[/test]]` and `/v1/ais/{ai_uuid}/secrets/{name}`. */
export function toolRoutes(deps: AppDeps): Router {
  const router = Router();
  const toolDeps = toolDepsOf(deps.config);
  const target = async (req: { params: Record<string, string | undefined> }, res: Response, manage: boolean) => {
    const ai = await accessAi(deps, res, parseInput(aiUuidSchema, req.params.ai_uuid, "ai_uuid"));
    if (manage) assertManager(res);
    return ai;
  };
  const nameOf = (req: { params: { name?: string } }) => parseInput(toolNameSchema, req.params.name, "name");

  router.get("/ais/:ai_uuid/tools", async (req, res) => {
    const ai = await target(req, res, false);
    const [tools, recent] = await Promise.all([listTools(deps.db, ai.ai_uuid), recentToolCalls(deps.db, ai.ai_uuid)]);
    res.json({ tools: tools.map(toToolView), recent_calls: recent });
  });

  router.put("/ais/:ai_uuid/tools/:name", async (req, res) => {
    const ai = await target(req, res, true);
    const name = nameOf(req);
    const { tool, created } = await putTool(deps.db, ai.ai_uuid, name, parseToolBody(req.body));
    res.status(created ? 201 : 200).json(toToolView(tool));
  });

  router.get("/ais/:ai_uuid/tools/:name", async (req, res) => {
    const ai = await target(req, res, false);
    res.json(toToolView(await getTool(deps.db, ai.ai_uuid, nameOf(req))));
  });

  router.delete("/ais/:ai_uuid/tools/:name", async (req, res) => {
    const ai = await target(req, res, true);
    const name = nameOf(req);
    await deleteTool(deps.db, ai.ai_uuid, name);
    res.json({ deleted: true, name });
  });

  router.post("/ais/:ai_uuid/tools/:name/test", async (req, res) => {
    const ai = await target(req, res, true);
    const sample = parseInput(toolTestSchema, req.body);
    const tool = await getTool(deps.db, ai.ai_uuid, nameOf(req));
    res.json(await testTool(deps.db, toolDeps, ai.ai_uuid, tool, sample));
  });

  router.put("/ais/:ai_uuid/secrets/:name", async (req, res) => {
    const ai = await target(req, res, true);
    const name = parseInput(secretNameSchema, req.params.name, "name");
    const { value } = parseInput(secretBodySchema, req.body);
    res.json(await putSecret(deps.db, toolDeps.secretsKey, ai.ai_uuid, name, value));
  });

  return router;
}
