import { Router } from "express";
import { z } from "zod";
import { assertAdmin } from "../auth/principal";
import { extractionRef, listExtractions, toExtractionView, type ExtractionRecord } from "../facts/extraction-record";
import { restoreMemory } from "../facts/supersession";
import { notFound } from "../errors";
import { memoryTypeSchema, toMemory } from "../memory/memory-types";
import { parseInput, strictObject } from "../validation";
import { accessAi } from "./access";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import { registerRouteDocs } from "./openapi";
import { extractionList, extractionRecord, restoredMemory } from "./response-schemas";
import { aiUuidSchema, memoryIdSchema, queryLimitSchema } from "./schemas";

const EXTRACTION_STATUSES = ["running", "retrying", "done", "failed", "skipped"] as const;

export const extractionListQuerySchema = strictObject({
  limit: queryLimitSchema.default(50),
  status: z.enum(EXTRACTION_STATUSES, { error: () => `must be one of ${EXTRACTION_STATUSES.join(", ")}` }).optional(),
});

registerRouteDocs(
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}/extractions",
    summary: "Fact extraction records, newest first, optionally by status (admin)",
    operationId: "listExtractions",
    tag: "facts",
    query: extractionListQuerySchema,
    responses: { 200: extractionList },
  },
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}/extractions/{chat_id}",
    summary: "The fact extraction record of one chat exchange (admin)",
    operationId: "getExtraction",
    tag: "facts",
    responses: { 200: extractionRecord },
  },
  {
    method: "post",
    path: "/v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}/restore",
    summary: "Undo a supersession: the memory, and the exchanges hidden with it, current again (admin)",
    operationId: "restoreAiMemory",
    tag: "facts",
    responses: { 200: restoredMemory },
  },
);

/** What fact extraction did, and its undo: admin routes. */
export function factRoutes(deps: AppDeps): Router {
  const router = Router();
  const adminAi = async (params: { ai_uuid?: string }, res: Parameters<typeof accessAi>[1]) => {
    assertAdmin(principalOf(res));
    return accessAi(deps, res, parseInput(aiUuidSchema, params.ai_uuid, "ai_uuid"));
  };

  router.get("/ais/:ai_uuid/extractions", async (req, res) => {
    const ai = await adminAi(req.params, res);
    const query = parseInput(extractionListQuerySchema, req.query, "query");
    const records = await listExtractions(deps.db, ai.ai_uuid, query);
    res.json({ extractions: records.map(toExtractionView) });
  });

  router.get("/ais/:ai_uuid/extractions/:chat_id", async (req, res) => {
    const ai = await adminAi(req.params, res);
    const chatId = parseInput(memoryIdSchema, req.params.chat_id, "chat_id");
    const record = (await extractionRef(deps.db, ai.ai_uuid, chatId).get()).data() as ExtractionRecord | undefined;
    if (!record) throw notFound(`extraction record of chat ${chatId}`);
    res.json(toExtractionView(record));
  });

  router.post("/ais/:ai_uuid/memories/:memory_type/:memory_id/restore", async (req, res) => {
    const ai = await adminAi(req.params, res);
    const type = parseInput(memoryTypeSchema, req.params.memory_type, "memory_type");
    const id = parseInput(memoryIdSchema, req.params.memory_id, "memory_id");
    const { memory, restored_exchange_ids } = await restoreMemory(deps.db, ai.ai_uuid, type, id);
    res.json({ ...toMemory(memory), restored_exchange_ids });
  });

  return router;
}
