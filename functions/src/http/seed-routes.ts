import { Router } from "express";
import { handshake } from "../auth/handshake-service";
import { assertMemoryDataSize } from "../memory/memory-data";
import { retrieveMemories } from "../memory/memory-query";
import { memoryQuota } from "../memory/memory-quota";
import { createMemory, deleteMemory, editMemory, moveMemory } from "../memory/memory-service";
import { MEMORY_TYPES, toMemory } from "../memory/memory-types";
import { parseInput } from "../validation";
import { accessAi, creatorOf, idempotencyKeyOf } from "./access";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import {
  createMemorySchema,
  deleteMemorySchema,
  editMemorySchema,
  handshakeSchema,
  moveMemorySchema,
  retrieveMemoriesSchema,
} from "./schemas";
import type { RouteDoc } from "./route-docs";
import * as answers from "./response-schemas";

/** The OpenAPI entries of these routes. */
export const seedRouteDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/handshake",
    summary: "Create an AI ({ai_name}) or resume one ({ai_uuid})",
    operationId: "handshake",
    tag: "seed",
    body: handshakeSchema,
    responses: { 201: answers.handshakeAnswer, 200: answers.handshakeAnswer },
  },
  {
    method: "post",
    path: "/create_memory",
    summary: "Create a memory",
    operationId: "createMemory",
    tag: "seed",
    body: createMemorySchema,
    responses: { 201: answers.memoryView },
  },
  {
    method: "post",
    path: "/edit_memory",
    summary: "Edit a memory (version + 1)",
    operationId: "editMemory",
    tag: "seed",
    body: editMemorySchema,
    responses: { 200: answers.memoryView },
  },
  {
    method: "post",
    path: "/delete_memory",
    summary: "Delete a memory",
    operationId: "deleteMemory",
    tag: "seed",
    body: deleteMemorySchema,
    responses: { 200: answers.deletedMemory },
  },
  {
    method: "post",
    path: "/move_memory",
    summary: "Move a memory to another type",
    operationId: "moveMemory",
    tag: "seed",
    body: moveMemorySchema,
    responses: { 200: answers.memoryView },
  },
  {
    method: "post",
    path: "/retrieve_memories",
    summary: "Memories newest first, filtered, paginated",
    operationId: "retrieveMemories",
    tag: "seed",
    body: retrieveMemoriesSchema,
    responses: { 200: answers.memoryList },
  },
];

/** The seed's routes, with its exact field names. */
export function seedRoutes(deps: AppDeps): Router {
  const router = Router();

  router.post("/v1/handshake", async (req, res) => {
    const body = parseInput(handshakeSchema, req.body);
    if (body.ai_uuid === undefined) {
      const result = await handshake(deps, {
        create: { name: body.ai_name!, ...creatorOf(principalOf(res)) },
        sessionName: body.session_name,
      });
      res.status(201).json(result.body);
      return;
    }
    const ai = await accessAi(deps, res, body.ai_uuid, body.ai_name);
    const result = await handshake(deps, { resume: ai, sessionName: body.session_name });
    res.status(200).json(result.body);
  });

  router.post("/create_memory", async (req, res) => {
    const body = parseInput(createMemorySchema, req.body);
    assertMemoryDataSize(body.memory_data);
    await memoryQuota.reserve(deps.db, await accessAi(deps, res, body.ai_uuid, body.ai_name), 1);
    const { memory, replayed } = await createMemory(deps.db, body.ai_uuid, body.memory_type, body.memory_data, {
      idempotencyKey: idempotencyKeyOf(req),
    });
    res.status(201).set("Idempotent-Replayed", String(replayed)).json(toMemory(memory));
  });

  router.post("/edit_memory", async (req, res) => {
    const body = parseInput(editMemorySchema, req.body);
    assertMemoryDataSize(body.memory_data);
    await accessAi(deps, res, body.ai_uuid, body.ai_name);
    const memory = await editMemory(deps.db, body.ai_uuid, body.memory_type, body.memory_id, body.memory_data, {
      expectedVersion: body.expected_version,
    });
    res.json(toMemory(memory));
  });

  router.post("/delete_memory", async (req, res) => {
    const body = parseInput(deleteMemorySchema, req.body);
    await accessAi(deps, res, body.ai_uuid, body.ai_name);
    await deleteMemory(deps.db, body.ai_uuid, body.memory_type, body.memory_id);
    res.json({ deleted: true, memory_id: body.memory_id, memory_type: body.memory_type });
  });

  router.post("/move_memory", async (req, res) => {
    const body = parseInput(moveMemorySchema, req.body);
    await accessAi(deps, res, body.ai_uuid, body.ai_name);
    const memory = await moveMemory(
      deps.db,
      body.ai_uuid,
      body.document_id,
      body.from_memory_type,
      body.to_memory_type,
    );
    res.json(toMemory(memory));
  });

  router.post("/retrieve_memories", async (req, res) => {
    const body = parseInput(retrieveMemoriesSchema, req.body);
    await accessAi(deps, res, body.ai_uuid, body.ai_name);
    const result = await retrieveMemories(deps.db, body.ai_uuid, {
      types: body.memory_type === "all" ? [...MEMORY_TYPES] : [body.memory_type],
      limit: body.limit,
      filter: body.filter_query,
      cursor: body.cursor,
    });
    res.json({ memories: result.memories.map(toMemory), next_cursor: result.next_cursor });
  });

  return router;
}
