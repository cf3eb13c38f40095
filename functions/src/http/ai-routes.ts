import { Router } from "express";
import type { z } from "zod";
import { AppError } from "../errors";
import { aiUuidSchema } from "../ids";
import { assertAdmin, assertPerson, reachableAi } from "../auth/principal";
import { handshake } from "../auth/handshake-service";
import { assertMemoryDataSize } from "../memory/memory-data";
import { memoryQuota } from "../memory/memory-quota";
import { exportPage, importMemories } from "../memory/memory-transfer";
import { deleteAi } from "../memory/ai-deletion";
import { aiView, listAis, updateAi } from "../memory/registry-service";
import { reindexAi } from "../search/reindex-service";
import { revokeAiAccess } from "../auth/revocation";
import { failingSteps } from "../triggers/trigger-steps";
import { parseInput } from "../validation";
import { accessAi, creatorOf, listedOwner } from "./access";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import { createAiSchema, exportQuerySchema, importSchema, listAisQuerySchema, updateAiSchema } from "./schemas";
import type { RouteDoc } from "./route-docs";
import * as answers from "./response-schemas";

/** The OpenAPI entries of these routes. */
export const aiRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/ais",
    summary: "List AIs: a user's own, or everyone's for the admin (filter by owner_uid)",
    operationId: "listAis",
    tag: "ais",
    query: listAisQuerySchema,
    responses: { 200: answers.aiList },
  },
  {
    method: "post",
    path: "/v1/ais",
    summary: "Create an AI, owned by the calling user (or the admin)",
    operationId: "createAi",
    tag: "ais",
    body: createAiSchema,
    responses: { 201: answers.handshakeAnswer },
  },
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}",
    summary: "An AI's registry entry",
    operationId: "getAi",
    tag: "ais",
    responses: { 200: answers.aiView },
  },
  {
    method: "patch",
    path: "/v1/ais/{ai_uuid}",
    summary: "Rename an AI or change its settings",
    operationId: "updateAi",
    tag: "ais",
    body: updateAiSchema,
    responses: { 200: answers.aiView },
  },
  {
    method: "delete",
    path: "/v1/ais/{ai_uuid}",
    summary: "Delete an AI and all its memory (its owner or the admin)",
    operationId: "deleteAi",
    tag: "ais",
    responses: { 200: answers.deletedAi },
  },
  {
    method: "post",
    path: "/v1/ais/{ai_uuid}/revoke_tokens",
    summary: "Revoke every ai_token of the AI",
    operationId: "revokeTokens",
    tag: "ais",
    responses: { 200: answers.revokedTokens },
  },
  {
    method: "post",
    path: "/v1/ais/{ai_uuid}/reindex",
    summary: "Rebuild the AI's search index from its memories (admin; safe to run twice)",
    operationId: "reindexAi",
    tag: "ais",
    responses: { 200: answers.reindexAnswer },
  },
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}/export",
    summary: "Export the AI's memory, a page at a time (follow next_cursor)",
    operationId: "exportAi",
    tag: "ais",
    query: exportQuerySchema,
    responses: { 200: answers.exportAnswer },
  },
  {
    method: "post",
    path: "/v1/ais/{ai_uuid}/import",
    summary: "Import memories in one batch",
    operationId: "importMemories",
    tag: "ais",
    body: importSchema,
    responses: { 201: answers.importAnswer },
  },
];

/**
 * What an AI may change about itself with its own token: its name and persona. Its status, limits,
 * models and every setting that spends the deployment's money are the administrator's.
 */
function assertAiMayChange(body: z.infer<typeof updateAiSchema>, changeable: Set<string>): void {
  const fields = [
    ...(body.status === undefined ? [] : ["status"]),
    ...Object.keys(body.settings ?? {}).map((key) => `settings.${key}`),
  ].filter((field) => !changeable.has(field));
  if (fields.length > 0) {
    throw new AppError("permission_denied", `${fields.join(", ")}: only the administrator may change this`, {
      field: fields[0],
    });
  }
}
const AI_CHANGEABLE = new Set(["settings.system_prompt"]);
/** The AI's owner also sets its capability policy (what its memory tools may do), never its limits. */
const OWNER_CHANGEABLE = new Set([...AI_CHANGEABLE, "settings.memory_tools", "settings.writable_types"]);

/** REST routes over the AI registry: `/v1/ais[/{ai_uuid}]`, tokens, export and import. */
export function aiRoutes(deps: AppDeps): Router {
  const router = Router();
  const aiOf = (req: { params: { ai_uuid?: string } }, res: Parameters<typeof accessAi>[1]) =>
    accessAi(deps, res, parseInput(aiUuidSchema, req.params.ai_uuid, "ai_uuid"));

  router.get("/ais", async (req, res) => {
    const query = parseInput(listAisQuerySchema, req.query, "query");
    const ais = await listAis(deps.db, query.limit, listedOwner(principalOf(res), query.owner_uid));
    res.json({ ais: await Promise.all(ais.map((ai) => aiView(deps.db, ai))) });
  });

  router.post("/ais", async (req, res) => {
    const creator = creatorOf(principalOf(res));
    const body = parseInput(createAiSchema, req.body);
    const result = await handshake(deps, { create: { name: body.ai_name, ...creator } });
    res.status(201).json(result.body);
  });

  router.get("/ais/:ai_uuid", async (req, res) => {
    const ai = await aiOf(req, res);
    const view = await aiView(deps.db, ai);
    if (principalOf(res).kind !== "admin") return void res.json(view);
    res.json({ ...view, failing_steps: await failingSteps(deps.db, ai.ai_uuid) });
  });

  router.patch("/ais/:ai_uuid", async (req, res) => {
    const ai = await aiOf(req, res);
    const body = parseInput(updateAiSchema, req.body);
    const caller = principalOf(res).kind;
    if (caller !== "admin") assertAiMayChange(body, caller === "user" ? OWNER_CHANGEABLE : AI_CHANGEABLE);
    const updated = await updateAi(deps.db, ai.ai_uuid, {
      name: body.ai_name,
      status: body.status,
      settings: body.settings,
    });
    // Disabling ends the AI's tokens for good: enabling it again does not revive them.
    if (body.status === "disabled") await revokeAiAccess(deps, ai.ai_uuid);
    res.json(await aiView(deps.db, updated));
  });

  router.delete("/ais/:ai_uuid", async (req, res) => {
    const principal = principalOf(res);
    assertPerson(principal);
    const aiUuid = parseInput(aiUuidSchema, req.params.ai_uuid, "ai_uuid");
    // A user deletes only their own AIs; the admin any, and finishes one whose deletion was cut short.
    if (principal.kind === "user") await reachableAi(deps.db, principal, aiUuid);
    await deleteAi(deps, aiUuid);
    res.json({ deleted: true, ai_uuid: aiUuid });
  });

  router.post("/ais/:ai_uuid/revoke_tokens", async (req, res) => {
    const ai = await aiOf(req, res);
    res.json({ ai_uuid: ai.ai_uuid, token_version: await revokeAiAccess(deps, ai.ai_uuid) });
  });

  router.post("/ais/:ai_uuid/reindex", async (req, res) => {
    assertAdmin(principalOf(res));
    const ai = await aiOf(req, res);
    // The lease outlives the function's 120 s by little: a rebuild it cuts short blocks compaction briefly.
    res.json(await reindexAi(deps.db, ai.ai_uuid, { leaseMs: 150_000 }));
  });

  router.get("/ais/:ai_uuid/export", async (req, res) => {
    const ai = await aiOf(req, res);
    const query = parseInput(exportQuerySchema, req.query, "query");
    res.json(await exportPage(deps.db, ai, query));
  });

  router.post("/ais/:ai_uuid/import", async (req, res) => {
    const ai = await aiOf(req, res);
    const body = parseInput(importSchema, req.body);
    body.memories.forEach((memory, index) => {
      assertMemoryDataSize(memory, `memories.${index}`);
    });
    await memoryQuota.reserve(deps.db, ai, body.memories.length);
    res.status(201).json(await importMemories(deps.db, ai.ai_uuid, body.memories));
  });

  return router;
}
