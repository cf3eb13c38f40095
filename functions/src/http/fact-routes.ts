import { Router } from "express";
import { z } from "zod";
import { aiUuidSchema, chatIdSchema, memoryIdSchema } from "../ids";
import { assertPerson } from "../auth/principal";
import { extractionRef, listExtractions, toExtractionView } from "../facts/extraction-record";
import { restoreMemory } from "../facts/supersession";
import { notFound } from "../errors";
import { memoryTypeSchema, toMemory } from "../memory/memory-types";
import { parseInput, strictObject } from "../validation";
import { accessAi } from "./access";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import type { RouteDoc } from "./route-docs";
import { extractionList, extractionRecord, restoredMemory } from "./response-schemas";
import { queryLimitSchema } from "./schemas";

const EXTRACTION_STATUSES = ["running", "retrying", "done", "failed", "skipped"] as const;

export const extractionListQuerySchema = strictObject({
  limit: queryLimitSchema.default(50),
  status: z.enum(EXTRACTION_STATUSES, { error: () => `must be one of ${EXTRACTION_STATUSES.join(", ")}` }).optional(),
});

/** The OpenAPI entries of these routes. */
export const factRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}/extractions",
    summary: "Fact extraction records, newest first, optionally by status (admin, or the AI's owner)",
    operationId: "listExtractions",
    tag: "facts",
    query: extractionListQuerySchema,
    responses: { 200: extractionList },
  },
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}/extractions/{chat_id}",
    summary: "The fact extraction record of one chat exchange (admin, or the AI's owner)",
    operationId: "getExtraction",
    tag: "facts",
    responses: { 200: extractionRecord },
  },
  {
    method: "post",
    path: "/v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}/restore",
    summary:
      "Undo a supersession: the memory, and the exchanges hidden with it, current again (admin, or the AI's owner)",
    operationId: "restoreAiMemory",
    tag: "facts",
    responses: { 200: restoredMemory },
  },
];

/** What fact extraction did, and its undo: for the admin and the AI's owner, not the AI's own token. */
export function factRoutes(deps: AppDeps): Router {
  const router = Router();
  const ownersAi = async (params: { ai_uuid?: string }, res: Parameters<typeof accessAi>[1]) => {
    assertPerson(principalOf(res));
    return accessAi(deps, res, parseInput(aiUuidSchema, params.ai_uuid, "ai_uuid"));
  };

  router.get("/ais/:ai_uuid/extractions", async (req, res) => {
    const ai = await ownersAi(req.params, res);
    const query = parseInput(extractionListQuerySchema, req.query, "query");
    const records = await listExtractions(deps.db, ai.ai_uuid, query);
    res.json({ extractions: records.map(toExtractionView) });
  });

  router.get("/ais/:ai_uuid/extractions/:chat_id", async (req, res) => {
    const ai = await ownersAi(req.params, res);
    const chatId = parseInput(chatIdSchema, req.params.chat_id, "chat_id");
    const record = (await extractionRef(deps.db, ai.ai_uuid, chatId).get()).data();
    if (!record) throw notFound(`extraction record of chat ${chatId}`);
    res.json(toExtractionView(record));
  });

  router.post("/ais/:ai_uuid/memories/:memory_type/:memory_id/restore", async (req, res) => {
    const ai = await ownersAi(req.params, res);
    const type = parseInput(memoryTypeSchema, req.params.memory_type, "memory_type");
    const id = parseInput(memoryIdSchema, req.params.memory_id, "memory_id");
    const { memory, restored_exchange_ids } = await restoreMemory(deps.db, ai.ai_uuid, type, id);
    res.json({ ...toMemory(memory), restored_exchange_ids });
  });

  return router;
}
