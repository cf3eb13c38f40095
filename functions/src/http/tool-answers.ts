import { z } from "zod";
import { toolCallReportSchema } from "../tools/server-tool";
import { json, named, time } from "./response-registry";

/** The answers of the tool routes. Secrets never appear: headers show their `{{secret:NAME}}` references. */

const headers = z.record(z.string(), z.string());
const connection = { url: z.string(), headers, timeout_ms: z.number().int() };

export const toolView = named(
  "Tool",
  z.strictObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: json.optional(),
    http: z.strictObject({ ...connection, method: z.string() }).optional(),
    mcp: z.strictObject(connection).optional(),
    created_at: time,
    updated_at: time,
  }),
);

const recentCall = named(
  "ToolCallEvent",
  z.strictObject({
    ...toolCallReportSchema.shape,
    chat_id: z.string(),
    session_id: z.string(),
    at: time,
  }),
);

export const toolList = named(
  "ToolList",
  z.strictObject({
    tools: z.array(toolView),
    recent_calls: z.array(recentCall).describe("the latest calls the server ran in chats, newest first"),
  }),
);
export const deletedTool = named("DeletedTool", z.strictObject({ deleted: z.literal(true), name: z.string() }));
export const toolTestAnswer = named(
  "ToolTest",
  z.strictObject({
    status: toolCallReportSchema.shape.status,
    ms: z.number().int(),
    tools: z.array(z.string()).describe("the functions the model is offered (an MCP server's, by their full names)"),
    result: z.string().optional().describe("what the model would read"),
    error: z.string().optional(),
  }),
);
export const secretAnswer = named("ToolSecret", z.strictObject({ name: z.string(), updated_at: time }));
