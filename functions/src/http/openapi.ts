import { z } from "zod";
import { memoryDataSchema } from "../memory/memory-data";
import { mcpRouteDocs } from "../mcp/mcp-routes";
import { adminClaimRouteDocs } from "./admin-claim-routes";
import { aiRouteDocs } from "./ai-routes";
import { completionsRouteDocs } from "./completions-routes";
import { factRouteDocs } from "./fact-routes";
import { meRouteDocs } from "./me-routes";
import { memoryRouteDocs } from "./memory-routes";
import { relayRouteDocs } from "./relay-routes";
import { openAiError } from "./chat-answers";
import { responseRegistry } from "./response-registry";
import * as answers from "./response-schemas";
import type { RouteDoc } from "./route-docs";
import { searchRouteDocs } from "./search-routes";
import { seedRouteDocs } from "./seed-routes";
import { sessionRouteDocs } from "./session-routes";
import { userRouteDocs } from "./user-routes";
import { toolRouteDocs } from "./tool-routes";

/** The routes the app itself serves, beside its routers. */
const META_ROUTES: RouteDoc[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness, no credential needed",
    operationId: "health",
    tag: "meta",
    open: true,
    responses: { 200: answers.health },
  },
  {
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    operationId: "openapi",
    tag: "meta",
    open: true,
    responses: { 200: z.looseObject({}) },
  },
];

/** Every route of the API, router by router, in the order the app mounts them. */
const ROUTES: readonly RouteDoc[] = [
  ...META_ROUTES,
  ...completionsRouteDocs,
  ...seedRouteDocs,
  ...aiRouteDocs,
  ...adminClaimRouteDocs,
  ...meRouteDocs,
  ...userRouteDocs,
  ...sessionRouteDocs,
  ...searchRouteDocs,
  ...memoryRouteDocs,
  ...factRouteDocs,
  ...relayRouteDocs,
  ...toolRouteDocs,
  ...mcpRouteDocs,
];

/** The documented routes, for tests that hold real answers to them. */
export const routeDocs = (): readonly RouteDoc[] => ROUTES;
export type { RouteDoc };

const COMPONENT = "#/components/schemas/";
const ref = (schema: z.ZodType): object => {
  const id = responseRegistry.get(schema)?.id;
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
const inputSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any", override: documentedInput });

/**
 * A query parameter as what it means once parsed ("limit": an integer 1..200), which is how clients
 * serialize it (the route reads the string, digits only); one parsed into something JSON Schema
 * cannot say (a cursor) as the string it is.
 */
function queryParameterSchema(field: z.ZodType): { description?: string } {
  const parsed = z.toJSONSchema(field, { io: "output", unrepresentable: "any" }) as Record<string, unknown>;
  return "type" in parsed || "enum" in parsed || "anyOf" in parsed
    ? parsed
    : (inputSchema(field) as Record<string, unknown>);
}

function parametersOf(route: RouteDoc): object[] {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = Object.entries(route.query?.shape ?? {}).map(([name, field]) => {
    const { description, ...schema } = queryParameterSchema(field as z.ZodType);
    return {
      name,
      in: "query",
      required: !(field as z.ZodType).safeParse(undefined).success,
      schema,
      ...(description ? { description } : {}),
    };
  });
  return [...path, ...query];
}

function operationOf(route: RouteDoc): object {
  const parameters = parametersOf(route);
  const success = Object.entries(route.responses ?? {}).map(([status, schema]) => {
    const content: Record<string, object> = { "application/json": { schema: ref(schema) } };
    if (route.streams && status === "200")
      content["text/event-stream"] = {
        schema: { type: "string", description: "data: <chunk JSON> lines, then data: [DONE]" },
      };
    return [status, { description: "success", content }];
  });
  const error = route.errors === "openai" ? openAiError : answers.apiError;
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.open ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { "application/json": { schema: inputSchema(route.body) } } } }
      : {}),
    responses: {
      ...Object.fromEntries(success),
      default: { description: "error", content: { "application/json": { schema: ref(error) } } },
    },
  };
}

/** The registered answers as components, without each one's own `$schema` and `$id`. */
function components(): Record<string, object> {
  const { schemas } = z.toJSONSchema(responseRegistry, {
    io: "output",
    unrepresentable: "any",
    uri: (id) => `${COMPONENT}${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
}

let cached: object | null = null;

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests and answers. */
export function openApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, object>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    paths[route.path][route.method] = operationOf(route);
  }
  cached = {
    openapi: "3.1.0",
    info: { title: "AI Memory on Firebase", version: "1.0.0" },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } }, schemas: components() },
    security: [{ bearer: [] }],
    paths,
  };
  return cached;
}
