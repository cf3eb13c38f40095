import { z } from "zod";
import { documentIdSchema } from "../firestore-values";
import { strictObject } from "../validation";
import { aiUuidSchema, queryLimitSchema } from "./schemas";

/** Request schemas of the chat routes: OpenAI's fields are checked loosely, ours strictly. */

export const sessionIdSchema = documentIdSchema(128);

const messageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"], {
    error: () => "must be one of system, developer, user, assistant, tool, function",
  }),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
});

/** Our own fields of a chat request; every other field is OpenAI's and goes to the model as given. */
export const OWN_FIELDS: readonly string[] = ["stream", "session_id", "ai_uuid"];

/** The OpenAI fields we know are checked here; unknown ones pass through, and the model judges them. */
export const chatCompletionSchema = z.looseObject({
  model: z.string().min(1).max(200).optional(),
  messages: z.array(messageSchema).min(1, "must hold at least one message").max(1000),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().positive().optional(),
  max_completion_tokens: z.number().int().positive().optional(),
  n: z.number().int().min(1).max(128).optional().describe("answers to generate; the first one is stored"),
  logprobs: z.boolean().optional(),
  top_logprobs: z.number().int().min(0).max(20).optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional(),
  store: z.boolean().optional().describe("OpenAI's own storage of the completion; the memory stores every exchange anyway"),
  metadata: z.record(z.string().max(64), z.string().max(512)).optional(),
  reasoning_effort: z.string().min(1).max(32).optional(),
  modalities: z
    .array(z.literal("text", { error: 'only "text" is supported: an audio answer cannot be stored as memory' }))
    .optional(),
  tools: z.array(z.looseObject({ type: z.string() })).max(128).optional(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  user: z.string().min(1).max(256).optional().describe("stored as the chat's user_id"),
  session_id: sessionIdSchema
    .optional()
    .describe("the session to continue or start (or the X-Session-Id header); ids are per AI; a new one when absent"),
  ai_uuid: aiUuidSchema.optional().describe("the AI, when the admin calls; an AI's own token names it already"),
});

export const createSessionSchema = strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  user_id: z.string().min(1).max(256).optional(),
});

export const listQuerySchema = strictObject({ limit: queryLimitSchema.default(50) });
