import { type Request, type Response, Router } from "express";
import { aiUuidSchema, memoryIdSchema } from "../ids";
import { assertMemoryDataSize } from "../memory/memory-data";
import { type FilterQuery, retrieveMemories } from "../memory/memory-query";
import { memoryQuota } from "../memory/memory-quota";
import { memoryExists, putMemory } from "../memory/memory-upsert";
import { createMemory, deleteMemory, editMemory, getMemory, listHistory, moveMemory } from "../memory/memory-service";
import { MEMORY_TYPES, type MemoryType, memoryTypeSchema, toMemory } from "../memory/memory-types";
import { parseInput } from "../validation";
import { accessAi, idempotencyKeyOf } from "./access";
import type { AppDeps } from "./app-deps";
import { restListQuerySchema, restMemoryBodySchema, restMemoryPatchSchema, restMoveSchema } from "./schemas";
import type { RouteDoc } from "./route-docs";
import * as answers from "./response-schemas";

const MEMORY_PATH = "/v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}";

/** The OpenAPI entries of these routes. */
export const memoryRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}/memories",
    summary: "Memories of every type, newest first",
    operationId: "listAiMemories",
    tag: "memories",
    query: restListQuerySchema,
    responses: { 200: answers.memoryList },
  },
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}/memories/{memory_type}",
    summary: "Memories of one type, newest first",
    operationId: "listAiMemoriesOfType",
    tag: "memories",
    query: restListQuerySchema.omit({ memory_type: true }),
    responses: { 200: answers.memoryList },
  },
  {
    method: "post",
    path: "/v1/ais/{ai_uuid}/memories/{memory_type}",
    summary: "Create a memory",
    operationId: "createAiMemory",
    tag: "memories",
    body: restMemoryBodySchema,
    responses: { 201: answers.memoryView },
  },
  {
    method: "get",
    path: MEMORY_PATH,
    summary: "One memory",
    operationId: "getAiMemory",
    tag: "memories",
    responses: { 200: answers.memoryView },
  },
  {
    method: "put",
    path: MEMORY_PATH,
    summary: "Create the memory with this id, or replace it whole (its next version): a framework's key as the id",
    operationId: "putAiMemory",
    tag: "memories",
    body: restMemoryBodySchema,
    responses: { 200: answers.memoryView, 201: answers.memoryView },
  },
  {
    method: "patch",
    path: MEMORY_PATH,
    summary: "Edit a memory",
    operationId: "updateAiMemory",
    tag: "memories",
    body: restMemoryPatchSchema,
    responses: { 200: answers.memoryView },
  },
  {
    method: "delete",
    path: MEMORY_PATH,
    summary: "Delete a memory",
    operationId: "deleteAiMemory",
    tag: "memories",
    responses: { 200: answers.deletedMemory },
  },
  {
    method: "post",
    path: `${MEMORY_PATH}/move`,
    summary: "Move a memory",
    operationId: "moveAiMemory",
    tag: "memories",
    body: restMoveSchema,
    responses: { 200: answers.memoryView },
  },
  {
    method: "get",
    path: `${MEMORY_PATH}/history`,
    summary: "Earlier versions of a memory",
    operationId: "aiMemoryHistory",
    tag: "memories",
    responses: { 200: answers.memoryHistory },
  },
];

/** REST routes over the same memory services: `/v1/ais/{ai_uuid}/memories[/{memory_type}[/{memory_id}]]`. */
export function memoryRoutes(deps: AppDeps): Router {
  const router = Router();

  const target = async (req: Request, res: Response) => {
    const aiUuid = parseInput(aiUuidSchema, req.params.ai_uuid, "ai_uuid");
    const ai = await accessAi(deps, res, aiUuid);
    const type =
      req.params.memory_type === undefined
        ? undefined
        : parseInput(memoryTypeSchema, req.params.memory_type, "memory_type");
    const id =
      req.params.memory_id === undefined ? undefined : parseInput(memoryIdSchema, req.params.memory_id, "memory_id");
    return { aiUuid, ai, type: type as MemoryType, id: id as string };
  };

  const list = async (req: Request, res: Response) => {
    const { aiUuid, type } = await target(req, res);
    const query = parseInput(restListQuerySchema, req.query, "query");
    const filter: FilterQuery = {
      ...(query.q ? { text_contains: query.q } : {}),
      ...(query.tags
        ? {
            tags: query.tags
              .split(",")
              .map((tag) => tag.trim())
              .filter(Boolean),
          }
        : {}),
      ...(query.source ? { source: query.source as Exclude<FilterQuery, string>["source"] } : {}),
      ...(query.created_after ? { created_after: query.created_after } : {}),
      ...(query.created_before ? { created_before: query.created_before } : {}),
    };
    const types = type
      ? [type]
      : !query.memory_type || query.memory_type === "all"
        ? [...MEMORY_TYPES]
        : [query.memory_type];
    const result = await retrieveMemories(deps.db, aiUuid, { types, limit: query.limit, filter, cursor: query.cursor });
    res.json({ memories: result.memories.map(toMemory), next_cursor: result.next_cursor });
  };

  router.get("/ais/:ai_uuid/memories", list);
  router.get("/ais/:ai_uuid/memories/:memory_type", list);

  router.post("/ais/:ai_uuid/memories/:memory_type", async (req, res) => {
    const { aiUuid, type, ai } = await target(req, res);
    const body = parseInput(restMemoryBodySchema, req.body);
    assertMemoryDataSize(body, "body");
    await memoryQuota.reserve(deps.db, ai, 1);
    const { memory, replayed } = await createMemory(deps.db, aiUuid, type, body, {
      idempotencyKey: idempotencyKeyOf(req),
    });
    res.status(201).set("Idempotent-Replayed", String(replayed)).json(toMemory(memory));
  });

  router.get("/ais/:ai_uuid/memories/:memory_type/:memory_id", async (req, res) => {
    const { aiUuid, type, id } = await target(req, res);
    res.json(toMemory(await getMemory(deps.db, aiUuid, type, id)));
  });

  router.put("/ais/:ai_uuid/memories/:memory_type/:memory_id", async (req, res) => {
    const { aiUuid, ai, type, id } = await target(req, res);
    const body = parseInput(restMemoryBodySchema, req.body);
    assertMemoryDataSize(body, "body");
    if (!(await memoryExists(deps.db, aiUuid, id))) await memoryQuota.reserve(deps.db, ai, 1);
    const { memory, created } = await putMemory(deps.db, aiUuid, type, id, body);
    res.status(created ? 201 : 200).json(toMemory(memory));
  });

  router.patch("/ais/:ai_uuid/memories/:memory_type/:memory_id", async (req, res) => {
    const { aiUuid, type, id } = await target(req, res);
    const { expected_version, ...changes } = parseInput(restMemoryPatchSchema, req.body);
    assertMemoryDataSize(changes, "body");
    const memory = await editMemory(deps.db, aiUuid, type, id, changes, { expectedVersion: expected_version });
    res.json(toMemory(memory));
  });

  router.delete("/ais/:ai_uuid/memories/:memory_type/:memory_id", async (req, res) => {
    const { aiUuid, type, id } = await target(req, res);
    await deleteMemory(deps.db, aiUuid, type, id);
    res.json({ deleted: true, memory_id: id, memory_type: type });
  });

  router.post("/ais/:ai_uuid/memories/:memory_type/:memory_id/move", async (req, res) => {
    const { aiUuid, type, id } = await target(req, res);
    const body = parseInput(restMoveSchema, req.body);
    res.json(toMemory(await moveMemory(deps.db, aiUuid, id, type, body.to_memory_type)));
  });

  router.get("/ais/:ai_uuid/memories/:memory_type/:memory_id/history", async (req, res) => {
    const { aiUuid, id } = await target(req, res);
    res.json({ memory_id: id, versions: (await listHistory(deps.db, aiUuid, id)).map(toMemory) });
  });

  return router;
}
