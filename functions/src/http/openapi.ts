import { z } from "zod";
import {
  createAiSchema,
  createMemorySchema,
  deleteMemorySchema,
  editMemorySchema,
  handshakeSchema,
  importSchema,
  moveMemorySchema,
  restMemoryBodySchema,
  restMemoryPatchSchema,
  restMoveSchema,
  retrieveMemoriesSchema,
  updateAiSchema,
} from "./schemas";

interface RouteDoc {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  summary: string;
  body?: z.ZodType;
  status?: number;
}

/** Every route of the API; extra routers add theirs with `registerRouteDocs`. */
const ROUTES: RouteDoc[] = [
  { method: "post", path: "/v1/handshake", summary: "Create an AI ({ai_name}) or resume one ({ai_uuid})", body: handshakeSchema, status: 201 },
  { method: "post", path: "/create_memory", summary: "Create a memory", body: createMemorySchema, status: 201 },
  { method: "post", path: "/edit_memory", summary: "Edit a memory (version + 1)", body: editMemorySchema },
  { method: "post", path: "/delete_memory", summary: "Delete a memory", body: deleteMemorySchema },
  { method: "post", path: "/move_memory", summary: "Move a memory to another type", body: moveMemorySchema },
  { method: "post", path: "/retrieve_memories", summary: "Memories newest first, filtered, paginated", body: retrieveMemoriesSchema },
  { method: "get", path: "/v1/ais", summary: "List AIs (admin)" },
  { method: "post", path: "/v1/ais", summary: "Create an AI (admin)", body: createAiSchema, status: 201 },
  { method: "get", path: "/v1/ais/{ai_uuid}", summary: "An AI's registry entry" },
  { method: "patch", path: "/v1/ais/{ai_uuid}", summary: "Rename an AI or change its settings", body: updateAiSchema },
  { method: "delete", path: "/v1/ais/{ai_uuid}", summary: "Delete an AI and all its memory (admin)" },
  { method: "post", path: "/v1/ais/{ai_uuid}/revoke_tokens", summary: "Revoke every ai_token of the AI" },
  { method: "post", path: "/v1/ais/{ai_uuid}/reindex", summary: "Rebuild the AI's search index from its memories (admin; safe to run twice)" },
  { method: "get", path: "/v1/ais/{ai_uuid}/export", summary: "Export the AI's whole memory" },
  { method: "post", path: "/v1/ais/{ai_uuid}/import", summary: "Import memories in one batch", body: importSchema, status: 201 },
  { method: "get", path: "/v1/ais/{ai_uuid}/memories", summary: "Memories of every type, newest first" },
  { method: "get", path: "/v1/ais/{ai_uuid}/memories/{memory_type}", summary: "Memories of one type, newest first" },
  { method: "post", path: "/v1/ais/{ai_uuid}/memories/{memory_type}", summary: "Create a memory", body: restMemoryBodySchema, status: 201 },
  { method: "get", path: "/v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}", summary: "One memory" },
  { method: "patch", path: "/v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}", summary: "Edit a memory", body: restMemoryPatchSchema },
  { method: "delete", path: "/v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}", summary: "Delete a memory" },
  { method: "post", path: "/v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}/move", summary: "Move a memory", body: restMoveSchema },
  { method: "get", path: "/v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}/history", summary: "Earlier versions of a memory" },
];

export function registerRouteDocs(...routes: RouteDoc[]): void {
  ROUTES.push(...routes);
}

const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
      required: ["code", "message"],
    },
  },
};

let cached: object | null = null;

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, object>> = {};
  for (const route of ROUTES) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    paths[route.path] ??= {};
    paths[route.path][route.method] = {
      summary: route.summary,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: z.toJSONSchema(route.body, { io: "input", unrepresentable: "any" }) } },
            },
          }
        : {}),
      responses: {
        [String(route.status ?? 200)]: { description: "success" },
        default: { description: "error", content: { "application/json": { schema: errorSchema } } },
      },
    };
  }
  cached = {
    openapi: "3.1.0",
    info: { title: "AI Memory on Firebase", version: "1.0.0" },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths,
  };
  return cached;
}
