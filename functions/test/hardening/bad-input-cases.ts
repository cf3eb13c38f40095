import { BAD_IDS, deeplyNested, fieldsOf, invalidValues, type JsonSchema, withValue } from "./schema-mutations";

/** One bad request: exactly one thing in it is invalid. */
export interface BadCase {
  name: string;
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  body?: unknown;
  /** Sent as is, with this Content-Type, instead of a JSON body. */
  raw?: { type: string; text: string };
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  /** The field the 400 must name (a prefix of it is enough for nested values). */
  field: string;
  /** A JSON-RPC route (MCP): a refusal may be a JSON-RPC error in a 200. */
  jsonRpc?: boolean;
}

/** What the valid requests are about: an AI with one memory and one session. */
export interface Fixture {
  aiUuid: string;
  aiName: string;
  memoryId: string;
  sessionId: string;
}

interface Operation {
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
  parameters?: Array<{ name: string; in: "path" | "query"; schema: JsonSchema }>;
}
export type OpenApi = { paths: Record<string, Record<string, Operation>> };

/** A valid body for every route that takes one; the bad cases change one field of it. */
export function validBodies(f: Fixture): Record<string, unknown> {
  const ref = { ai_name: f.aiName, ai_uuid: f.aiUuid };
  const fields = { metadata: { topic: "fuzz" }, tags: ["fuzz"], importance: 0.5, expires_at: "2999-01-01T00:00:00Z" };
  return {
    "post /v1/handshake": { ai_uuid: f.aiUuid, session_name: "fuzz" },
    "post /create_memory": { ...ref, memory_type: "working_memory", memory_data: { content: "a fact", ...fields } },
    "post /edit_memory": {
      ...ref,
      memory_type: "working_memory",
      memory_id: f.memoryId,
      memory_data: { content: "an edit", ...fields },
      expected_version: 1,
    },
    "post /delete_memory": { ...ref, memory_type: "working_memory", memory_id: f.memoryId },
    "post /move_memory": {
      ...ref,
      from_memory_type: "working_memory",
      to_memory_type: "archive",
      document_id: f.memoryId,
    },
    "post /retrieve_memories": {
      ...ref,
      memory_type: "all",
      limit: 5,
      filter_query: { tags: ["fuzz"], created_after: "2000-01-01T00:00:00Z" },
    },
    "post /v1/ais": { ai_name: "Fuzz" },
    "patch /v1/ais/{ai_uuid}": { ai_name: f.aiName, settings: { memory_token_budget: 1000, reflections: false } },
    "post /v1/ais/{ai_uuid}/import": { memories: [{ memory_type: "archive", content: "imported", ...fields }] },
    "post /v1/ais/{ai_uuid}/memories/{memory_type}": { content: "a fact", ...fields },
    "patch /v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}": { content: "an edit", expected_version: 1 },
    "post /v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}/move": { to_memory_type: "archive" },
    "put /v1/ais/{ai_uuid}/memories/{memory_type}/{memory_id}": { content: "a replacement", ...fields },
    "post /v1/ais/{ai_uuid}/sessions/{session_id}/items": { items: [{ role: "user", content: "hello" }] },
    "patch /v1/users/{uid}": { status: "active", limits: { ais: 3 } },
    "patch /v1/allowlist": { entries: ["fuzz@example.com", "@example.org"] },
    "post /v1/chat/completions": {
      ai_uuid: f.aiUuid,
      model: "test-model",
      messages: [{ role: "user", content: "hello" }],
    },
    "post /v1/relay": { action: "emit", ai_uuid: f.aiUuid, event: "message", data: { text: "hi" }, client_id: "fuzz" },
    "post /v1/ais/{ai_uuid}/sessions": { name: "fuzz", user_id: "fuzz" },
    "post /v1/ais/{ai_uuid}/memories/search": { query: "fact", memory_types: ["working_memory"], limit: 5 },
    "put /v1/ais/{ai_uuid}/tools/{name}": {
      description: "fuzz",
      parameters: { type: "object" },
      http: { url: "https://api.example.com/fuzz", method: "POST", headers: {}, timeout_ms: 1000 },
    },
    "post /v1/ais/{ai_uuid}/tools/{name}/test": { arguments: {} },
    "put /v1/ais/{ai_uuid}/secrets/{name}": { value: "fuzz-secret" },
    "post /mcp": {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "retrieve_memories", arguments: { ai_uuid: f.aiUuid, memory_type: "all" } },
    },
  };
}

export const fillPath = (path: string, f: Fixture, override: Record<string, string> = {}): string =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (override[name] !== undefined) return override[name];
    const values: Record<string, string> = {
      ai_uuid: f.aiUuid,
      memory_type: "working_memory",
      memory_id: f.memoryId,
      session_id: f.sessionId,
      uid: "fuzz-user",
      name: "fuzz",
    };
    return values[name];
  });

/** Path segments as sent on the wire (already percent-encoded): each decodes to a bad id, or fails to decode. */
const BAD_SEGMENTS = ["%2E", "%2E%2E", "__x__", "a%2Fb", "%20", "x".repeat(1501), "%ED%A0%80", "%", "%00"];
const HEADER_SAFE = (value: string) => /^[\x21-\x7e]*$/.test(value);

const queryValues = (schema: JsonSchema, name: string): Array<string | string[]> => [
  // Every query value is a string: "5" is how a number is written there. And percent-decoding never
  // makes a lone surrogate.
  ...invalidValues(schema, name).filter(
    (value): value is string => typeof value === "string" && value !== "5" && !/[\p{Cs}\0]/u.test(value),
  ),
  ["1", "2"],
  ...(name === "limit" ? ["true", "1e3", "0", "-1", "1.5", "201", " 5"] : []),
];

/** The bad cases of every route in `/openapi.json`. */
export function badCases(doc: OpenApi, f: Fixture): BadCase[] {
  const bodies = validBodies(f);
  const cases: BadCase[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations) as Array<[BadCase["method"], Operation]>) {
      const key = `${method} ${template}`;
      const path = fillPath(template, f);
      const schema = operation.requestBody?.content["application/json"].schema;
      const body = schema ? bodies[key] : undefined;
      if (schema && body === undefined) throw new Error(`no valid body for ${key}: add one to validBodies`);
      // MCP answers JSON-RPC: its clients send this Accept header, and read errors from the JSON-RPC body.
      const mcp =
        template === "/mcp" ? { headers: { Accept: "application/json, text/event-stream" }, jsonRpc: true } : {};
      const add = (name: string, change: Partial<BadCase>, field: string) =>
        cases.push({ name: `${key} ${name}`, method, path, body, field, ...mcp, ...change });

      if (schema) {
        for (const { path: fieldPath, schema: fieldSchema } of fieldsOf(schema)) {
          const name = fieldPath[fieldPath.length - 1];
          invalidValues(fieldSchema, name, !template.startsWith("/v1/chat/")).forEach((value, index) => {
            add(`${fieldPath.join(".")} #${index}`, { body: withValue(body, fieldPath, value) }, fieldPath.join("."));
          });
        }
        for (const [index, whole] of [
          [],
          [1],
          "text",
          5,
          deeplyNested(10_000),
          { ["__proto__"]: { admin: true } },
        ].entries()) {
          add(`whole body #${index}`, { body: whole }, "");
        }
        add(
          "form-encoded",
          { raw: { type: "application/x-www-form-urlencoded", text: "ai_name=Fuzz&memory_type=archive" } },
          "Content-Type",
        );
        add("JSON as text/plain", { raw: { type: "text/plain", text: JSON.stringify(body) } }, "Content-Type");
      }
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === "path") {
          for (const segment of BAD_SEGMENTS) {
            add(
              `path ${parameter.name}=${segment.slice(0, 12)}`,
              { path: fillPath(template, f, { [parameter.name]: segment }) },
              "",
            );
          }
          continue;
        }
        queryValues(parameter.schema, parameter.name).forEach((value, index) => {
          add(`query ${parameter.name} #${index}`, { query: { [parameter.name]: value } }, `query.${parameter.name}`);
        });
      }
      if (method === "get") {
        for (const name of ["__proto__", "constructor"])
          add(`query ${name}`, { query: { [name]: "1" } }, `query.${name}`);
      }
    }
  }
  return [...cases, ...headerCases(f)];
}

function headerCases(f: Fixture): BadCase[] {
  const chat = validBodies(f)["post /v1/chat/completions"];
  const create = validBodies(f)["post /create_memory"];
  const bad = BAD_IDS.filter(HEADER_SAFE).filter((id) => id.trim() === id && id !== "");
  return [
    ...bad.map(
      (id): BadCase => ({
        name: `X-Session-Id ${id.slice(0, 12)}`,
        method: "post",
        path: "/v1/chat/completions",
        body: chat,
        headers: { "X-Session-Id": id },
        field: "X-Session-Id",
      }),
    ),
    {
      name: "Idempotency-Key too long",
      method: "post",
      path: "/create_memory",
      body: create,
      headers: { "Idempotency-Key": "k".repeat(256) },
      field: "Idempotency-Key",
    },
  ];
}
