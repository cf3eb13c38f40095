import Ajv, { type ValidateFunction } from "ajv";
import { z } from "zod";
import { invalid } from "../errors";
import { jsonBytes, parseInput, strictObject } from "../validation";

/** The shapes of custom tools and their secrets: the PUT bodies, also what is stored and answered. */

/** A tool's name is also the model's function name: OpenAI allows [A-Za-z0-9_-], 64 at most. */
export const toolNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, "must start with a letter and hold at most 40 letters, digits, _ or -")
  .refine((name) => !name.startsWith("memory_"), "memory_ names the built-in memory tools");
export const secretNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "must start with a letter and hold at most 64 letters, digits or _");

/** `{{secret:NAME}}` in a header value: replaced by the secret's value at call time only. */
export const SECRET_REFERENCE = /\{\{secret:([A-Za-z][A-Za-z0-9_]{0,63})\}\}/g;

const headersSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, "must be a header name"),
    z
      .string()
      .max(2000)
      .regex(/^[^\r\n]*$/, "must be one line"),
  )
  .refine((headers) => Object.keys(headers).length <= 20, "at most 20 headers")
  .default({});
const urlSchema = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2000)
  .describe("https; http and loopback only under the emulators");
const timeoutSchema = z.number().int().min(100).max(30_000).default(10_000).describe("milliseconds");

const ajv = new Ajv({ strict: false, allErrors: true });

/** The JSON Schema of a tool's arguments: an object schema Ajv can compile, 16 kB at most. */
const parametersSchema = z
  .record(z.string(), z.unknown())
  .refine((schema) => schema.type === "object", "must be a JSON Schema with type: object")
  .refine((schema) => jsonBytes(schema) <= 16_000, "must be at most 16000 bytes")
  .refine((schema) => {
    try {
      ajv.compile(schema);
      return true;
    } catch {
      return false;
    }
  }, "must be a valid JSON Schema")
  .default({ type: "object", properties: {} });

/** The connection's fields; url last, so a 400 about a bad header or timeout names that field first. */
const connection = { headers: headersSchema, timeout_ms: timeoutSchema, url: urlSchema };
export const httpToolSchema = strictObject({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("POST"),
  ...connection,
});
export const mcpSourceSchema = strictObject(connection);

const description = z.string().trim().min(1).max(1000);
type HttpTool = { description: string; parameters: Record<string, unknown>; http: z.infer<typeof httpToolSchema> };
type McpTool = { description?: string; mcp: z.infer<typeof mcpSourceSchema> };
export type ToolBody = HttpTool | McpTool;

/**
 * `PUT /v1/ais/{ai_uuid}/tools/{name}`: an HTTP tool (description, parameters, http), or a remote
 * MCP server whose tools the AI gets (mcp). One object rather than a union, so a 400 names the
 * field that is wrong rather than the whole body.
 */
export const toolBodySchema = strictObject({
  description: description.optional().describe("required for an HTTP tool"),
  parameters: parametersSchema.describe("JSON Schema of an HTTP tool's arguments"),
  http: httpToolSchema.optional(),
  mcp: mcpSourceSchema.optional(),
})
  .superRefine((body, context) => {
    if (Boolean(body.http) === Boolean(body.mcp))
      context.addIssue({ code: "custom", path: ["http"], message: "give exactly one of http or mcp" });
    else if (body.http && !body.description)
      context.addIssue({ code: "custom", path: ["description"], message: "an HTTP tool needs a description" });
  })
  .transform(
    ({ description, parameters, http, mcp }): ToolBody =>
      http
        ? { description: description ?? "", parameters, http }
        : { ...(description ? { description } : {}), mcp: mcp! },
  );

export const parseToolBody = (body: unknown): ToolBody => parseInput(toolBodySchema, body);

export const secretBodySchema = strictObject({ value: z.string().min(1).max(4000) });
export const toolTestSchema = strictObject({
  arguments: z.record(z.string(), z.unknown()).default({}),
  tool: z.string().min(1).max(64).optional().describe("for an MCP server: which of its tools"),
});

const validators = new WeakMap<object, ValidateFunction>();

/** Checks a model's arguments against a tool's schema; a failure names each failing path. */
export function assertArguments(schema: Record<string, unknown>, args: unknown): void {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  if (validate(args)) return;
  const issues = (validate.errors ?? []).map((error) => `${error.instancePath || "(arguments)"} ${error.message}`);
  throw invalid(`arguments do not match the tool's parameters: ${issues.join("; ")}`, { field: "arguments" });
}
