import { Router } from "express";
import { z } from "zod";
import { signAiToken } from "../auth/ai-token";
import { scopeSchema } from "../auth/scopes";
import { aiUuidSchema } from "../ids";
import { parseInput, strictObject } from "../validation";
import { accessAi } from "./access";
import type { AppDeps } from "./app-deps";
import { named, time } from "./response-registry";
import type { RouteDoc } from "./route-docs";

/** The longest a scoped token may live: 30 days (revoke_tokens ends it sooner). */
const MAX_TTL_SECONDS = 30 * 24 * 3600;

export const newTokenSchema = strictObject({
  scopes: z
    .array(scopeSchema)
    .min(1, "name at least one scope")
    .refine((scopes) => new Set(scopes).size === scopes.length, "must not repeat a scope"),
  ttl_seconds: z.number().int().min(60).max(MAX_TTL_SECONDS).optional().describe("default: AI_TOKEN_TTL_SECONDS"),
});

const scopedToken = named(
  "ScopedToken",
  z.strictObject({ ai_token: z.string(), scopes: z.array(scopeSchema), expires_at: time }),
);

export const tokenRouteDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/ais/{ai_uuid}/tokens",
    summary: "Issue an ai_token limited to scopes (admin, owner, or the AI's own token without scopes)",
    operationId: "createScopedToken",
    tag: "ais",
    body: newTokenSchema,
    responses: { 201: scopedToken },
  },
];

/**
 * `POST /v1/ais/{ai_uuid}/tokens`: a scoped ai_token, e.g. `memory:read` for a dashboard or `chat`
 * for a front end. A scoped token cannot issue tokens (capability-gate.ts); revoke_tokens ends it
 * with the rest.
 */
export function tokenRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post("/ais/:ai_uuid/tokens", async (req, res) => {
    const ai = await accessAi(deps, res, parseInput(aiUuidSchema, req.params.ai_uuid, "ai_uuid"));
    const body = parseInput(newTokenSchema, req.body);
    const ttl = body.ttl_seconds ?? Math.min(deps.config.aiTokenTtlSeconds, MAX_TTL_SECONDS);
    const { token, expiresAt } = signAiToken(deps.config.jwtSecret, ai.ai_uuid, ai.token_version, ttl, body.scopes);
    res.status(201).json({ ai_token: token, scopes: body.scopes, expires_at: expiresAt.toISOString() });
  });
  return router;
}
