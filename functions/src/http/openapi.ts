import { z } from "zod";
import { memoryDataSchema } from "../memory/memory-data";
import * as answers from "./response-schemas";
import {
  createAiSchema,
  createMemorySchema,
  deleteMemorySchema,
  editMemorySchema,
  handshakeSchema,
  importSchema,
  listAisQuerySchema,
  moveMemorySchema,
  restListQuerySchema,
  restMemoryBodySchema,
  restMemoryPatchSchema,
  restMoveSchema,
  retrieveMemoriesSchema,
  updateAiSchema,
} from "./schemas";

export interface RouteDoc {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  summary: string;
  operationId: string;
  tag: string;
  body?: z.ZodType;
  /** The query parameters the route validates. */
  query?: z.ZodObject;
  /** The success answers by status, each a named schema of response-schemas.ts. */
  responses?: Record<number, z.ZodType>;
  /** The error body: ours, or OpenAI's on the OpenAI-compatible routes. */
  errors?: "openai";
  /** The 200 answer may also be a server-sent event stream (`stream: true`). */
  streams?: boolean;
  /** Needs no credential. */
  open?: true;
}

const memoryPath = "/v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}";

/** Every route of the API; extra routers add theirs with `registerRouteDocs`. */
const ROUTES: RouteDoc[] = [
  { method: "get", path: "/healthz", summary: "Liveness, no credential needed", operationId: "health", tag: "meta", open: true, responses: { 200: answers.health } },
  { method: "get", path: "/openapi.json", summary: "This document", operationId: "openapi", tag: "meta", open: true, responses: { 200: z.looseObject({}) } },
  { method: "post", path: "/v1/handshake", summary: "Create an AI ({ai_name}) or resume one ({ai_uuid})", operationId: "handshake", tag: "seed", body: handshakeSchema, responses: { 201: answers.handshakeAnswer, 200: answers.handshakeAnswer } },
  { method: "post", path: "/create_memory", summary: "Create a memory", operationId: "createMemory", tag: "seed", body: createMemorySchema, responses: { 201: answers.memoryView } },
  { method: "post", path: "/edit_memory", summary: "Edit a memory (version + 1)", operationId: "editMemory", tag: "seed", body: editMemorySchema, responses: { 200: answers.memoryView } },
  { method: "post", path: "/delete_memory", summary: "Delete a memory", operationId: "deleteMemory", tag: "seed", body: deleteMemorySchema, responses: { 200: answers.deletedMemory } },
  { method: "post", path: "/move_memory", summary: "Move a memory to another type", operationId: "moveMemory", tag: "seed", body: moveMemorySchema, responses: { 200: answers.memoryView } },
  { method: "post", path: "/retrieve_memories", summary: "Memories newest first, filtered, paginated", operationId: "retrieveMemories", tag: "seed", body: retrieveMemoriesSchema, responses: { 200: answers.memoryList } },
  { method: "get", path: "/v1/ais", summary: "List AIs (admin)", operationId: "listAis", tag: "ais", query: listAisQuerySchema, responses: { 200: answers.aiList } },
  { method: "post", path: "/v1/ais", summary: "Create an AI (admin)", operationId: "createAi", tag: "ais", body: createAiSchema, responses: { 201: answers.handshakeAnswer } },
  { method: "get", path: "/v1/ais/{ai_uuid}", summary: "An AI's registry entry", operationId: "getAi", tag: "ais", responses: { 200: answers.aiView } },
  { method: "patch", path: "/v1/ais/{ai_uuid}", summary: "Rename an AI or change its settings", operationId: "updateAi", tag: "ais", body: updateAiSchema, responses: { 200: answers.aiView } },
  { method: "delete", path: "/v1/ais/{ai_uuid}", summary: "Delete an AI and all its memory (admin)", operationId: "deleteAi", tag: "ais", responses: { 200: answers.deletedAi } },
  { method: "post", path: "/v1/ais/{ai_uuid}/revoke_tokens", summary: "Revoke every ai_token of the AI", operationId: "revokeTokens", tag: "ais", responses: { 200: answers.revokedTokens } },
  { method: "post", path: "/v1/ais/{ai_uuid}/reindex", summary: "Rebuild the AI's search index from its memories (admin; safe to run twice)", operationId: "reindexAi", tag: "ais", responses: { 200: answers.reindexAnswer } },
  { method: "get", path: "/v1/ais/{ai_uuid}/export", summary: "Export the AI's whole memory", operationId: "exportAi", tag: "ais", responses: { 200: answers.exportAnswer } },
  { method: "post", path: "/v1/ais/{ai_uuid}/import", summary: "Import memories in one batch", operationId: "importMemories", tag: "ais", body: importSchema, responses: { 201: answers.importAnswer } },
  { method: "get", path: "/v1/ais/{ai_uuid}/memories", summary: "Memories of every type, newest first", operationId: "listAiMemories", tag: "memories", query: restListQuerySchema, responses: { 200: answers.memoryList } },
  { method: "get", path: "/v1/ais/{ai_uuid}/memories/{memory_type}", summary: "Memories of one type, newest first", operationId: "listAiMemoriesOfType", tag: "memories", query: restListQuerySchema.omit({ memory_type: true }), responses: { 200: answers.memoryList } },
  { method: "post", path: "/v1/ais/{ai_uuid}/memories/{memory_type}", summary: "Create a memory", operationId: "createAiMemory", tag: "memories", body: restMemoryBodySchema, responses: { 201: answers.memoryView } },
  { method: "get", path: memoryPath, summary: "One memory", operationId: "getAiMemory", tag: "memories", responses: { 200: answers.memoryView } },
  { method: "patch", path: memoryPath, summary: "Edit a memory", operationId: "updateAiMemory", tag: "memories", body: restMemoryPatchSchema, responses: { 200: answers.memoryView } },
  { method: "delete", path: memoryPath, summary: "Delete a memory", operationId: "deleteAiMemory", tag: "memories", responses: { 200: answers.deletedMemory } },
  { method: "post", path: `${memoryPath}/move`, summary: "Move a memory", operationId: "moveAiMemory", tag: "memories", body: restMoveSchema, responses: { 200: answers.memoryView } },
  { method: "get", path: `${memoryPath}/history`, summary: "Earlier versions of a memory", operationId: "aiMemoryHistory", tag: "memories", responses: { 200: answers.memoryHistory } },
];

/** The documented routes, for tests that hold real answers to them. */
export const routeDocs = (): readonly RouteDoc[] => ROUTES;

export function registerRouteDocs(...routes: RouteDoc[]): void {
  ROUTES.push(...routes);
  cached = null;
}

const COMPONENT = "#/components/schemas/";
const ref = (schema: z.ZodType): object => {
  const id = answers.responseRegistry.get(schema)?.id;
  return id ? { $ref: `${COMPONENT}${id}` } : z.toJSONSchema(schema, { io: "output", unrepresentable: "any" });
};
/** What zod cannot tell by itself: a preprocess folds memory_data's string and structured forms into one. */
function documentedInput(context: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  if (context.zodSchema !== memoryDataSchema) return;
  const fields = { ...context.jsonSchema };
  for (const key of Object.keys(fields)) delete context.jsonSchema[key];
  context.jsonSchema.anyOf = [
    { type: "string", minLength: 1, description: "the content" },
    fields,
    { type: "object", additionalProperties: {}, description: "structured content: any object without a content key" },
  ];
}
const inputSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any", override: documentedInput });

/**
 * A query parameter as what it means once parsed ("limit": an integer 1..200), which is how clients
 * serialize it (the route reads the string, digits only); one parsed into something JSON Schema
 * cannot say (a cursor) as the string it is.
 */
function queryParameterSchema(field: z.ZodType): { description?: string } {
  const parsed = z.toJSONSchema(field, { io: "output", unrepresentable: "any" }) as Record<string, unknown>;
  return "type" in parsed || "enum" in parsed || "anyOf" in parsed ? parsed : (inputSchema(field) as Record<string, unknown>);
}

function parametersOf(route: RouteDoc): object[] {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: "path", required: true, schema: { type: "string" } }));
  const query = Object.entries(route.query?.shape ?? {}).map(([name, field]) => {
    const { description, ...schema } = queryParameterSchema(field as z.ZodType);
    return { name, in: "query", required: !(field as z.ZodType).safeParse(undefined).success, schema, ...(description ? { description } : {}) };
  });
  return [...path, ...query];
}

function operationOf(route: RouteDoc): object {
  const parameters = parametersOf(route);
  const success = Object.entries(route.responses ?? {}).map(([status, schema]) => {
    const content: Record<string, object> = { "application/json": { schema: ref(schema) } };
    if (route.streams && status === "200") content["text/event-stream"] = { schema: { type: "string", description: "data: <chunk JSON> lines, then data: [DONE]" } };
    return [status, { description: "success", content }];
  });
  const error = route.errors === "openai" ? answers.openAiError : answers.apiError;
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.open ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: inputSchema(route.body) } } } } : {}),
    responses: { ...Object.fromEntries(success), default: { description: "error", content: { "application/json": { schema: ref(error) } } } },
  };
}

/** The registered answers as components, without each one's own `$schema` and `$id`. */
function components(): Record<string, object> {
  const { schemas } = z.toJSONSchema(answers.responseRegistry, { io: "output", unrepresentable: "any", uri: (id) => `${COMPONENT}${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]));
}

let cached: object | null = null;

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests and answers. */
export function openApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, object>> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method] = operationOf(route);
  cached = {
    openapi: "3.1.0",
    info: { title: "AI Memory on Firebase", version: "1.0.0" },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } }, schemas: components() },
    security: [{ bearer: [] }],
    paths,
  };
  return cached;
}
