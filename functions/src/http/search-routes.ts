import { Router } from "express";
import { z } from "zod";
import { MEMORY_TYPES, memoryTypeSchema, toMemory } from "../memory/memory-types";
import { searchMemories } from "../search/memory-search";
import { parseInput, strictObject } from "../validation";
import { accessAi } from "./access";
import type { AppDeps } from "./app-deps";
import { registerRouteDocs } from "./openapi";
import { searchResults } from "./response-schemas";
import { aiUuidSchema } from "./schemas";

export const memorySearchSchema = strictObject({
  query: z.string().trim().min(1, "must not be empty").max(2000),
  memory_types: z.array(memoryTypeSchema).min(1).max(MEMORY_TYPES.length).optional(),
  limit: z.number().int().min(1).max(100).default(10),
  include_superseded: z.boolean().default(false).describe("also find facts that a newer one superseded"),
});

registerRouteDocs({
  method: "post",
  path: "/v1/ais/{ai_uuid}/memories/search",
  summary: "Memories by relevance: every memory ranked (BM25, importance, recency), fused with vector search when configured",
  operationId: "searchMemories",
  tag: "memories",
  body: memorySearchSchema,
  responses: { 200: searchResults },
});

/**
 * `POST /v1/ais/{ai_uuid}/memories/search`: the chat's own retrieval. Mounted before the memory
 * routes, whose `POST /ais/:ai_uuid/memories/:memory_type` would otherwise take it.
 */
export function searchRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post("/ais/:ai_uuid/memories/search", async (req, res) => {
    const ai = await accessAi(deps, res, parseInput(aiUuidSchema, req.params.ai_uuid, "ai_uuid"));
    const body = parseInput(memorySearchSchema, req.body);
    const hits = await searchMemories(deps.db, ai.ai_uuid, {
      query: body.query,
      types: body.memory_types ?? MEMORY_TYPES,
      limit: body.limit,
      embedder: deps.models.embedder,
      includeSuperseded: body.include_superseded,
    });
    res.json({ results: hits.map((hit) => ({ ...toMemory(hit.memory), score: hit.score, distance: hit.distance })) });
  });
  return router;
}
