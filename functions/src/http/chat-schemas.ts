import { z } from "zod";
import { strictObject } from "../validation";
import { aiUuidSchema, limitSchema } from "./schemas";

/** Request schemas of the chat routes: OpenAI's fields are checked loosely, ours strictly. */

const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: "must be 1 to 128 letters, digits, _ or -" });
export const sessionIdSchema = idSchema;

const messageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"], {
    error: () => "must be one of system, developer, user, assistant, tool, function",
  }),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
});

/** The OpenAI fields forwarded to the model as given. */
export const FORWARDED_FIELDS = [
  "model", "messages", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed",
  "presence_penalty", "frequency_penalty", "response_format", "tools", "tool_choice", "parallel_tool_calls", "user",
] as const;

export const chatCompletionSchema = z.looseObject({
  model: z.string().min(1).max(200).optional(),
  messages: z.array(messageSchema).min(1, "must hold at least one message").max(1000),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().positive().optional(),
  max_completion_tokens: z.number().int().positive().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).max(128).optional(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  user: z.string().min(1).max(256).optional().describe("stored as the chat's user_id"),
  session_id: sessionIdSchema.optional().describe("the session to continue (or the X-Session-Id header); a new one when absent"),
  ai_uuid: aiUuidSchema.optional().describe("the AI, when the admin calls; an AI's own token names it already"),
});


export const createSessionSchema = strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  user_id: z.string().min(1).max(256).optional(),
});

export const listQuerySchema = strictObject({ limit: limitSchema.default(50) });
