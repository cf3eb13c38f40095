import { z } from "zod";
import { memoryReportSchema } from "../chat/completion-turn";
import { json, named } from "./response-registry";

/** The answers of the OpenAI-compatible routes: OpenAI's shapes, plus our `memory` report. */

export const memoryReport = named("MemoryReport", memoryReportSchema);
export const chatCompletion = named(
  "ChatCompletion",
  z.looseObject({
    id: z.string(),
    object: z.literal("chat.completion"),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.number().int(),
        message: z.looseObject({ role: z.string(), content: z.string().nullable() }),
        finish_reason: z.string().nullable(),
      }),
    ),
    usage: json.nullable().optional(),
    memory: memoryReport,
  }),
);
/** One chunk of a streamed chat completion (OpenAI's shape); the last one carries `memory`. */
named(
  "ChatCompletionChunk",
  z.looseObject({
    id: z.string(),
    object: z.literal("chat.completion.chunk"),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.number().int(),
        delta: z.looseObject({ role: z.string().optional(), content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable(),
      }),
    ),
    usage: json.nullable().optional(),
    memory: memoryReport.optional(),
  }),
);
const model = named(
  "Model",
  z.strictObject({ id: z.string(), object: z.literal("model"), created: z.number().int(), owned_by: z.string() }),
);
export const modelView = model;
export const modelList = named("ModelList", z.strictObject({ object: z.literal("list"), data: z.array(model) }));

export const openAiError = named(
  "OpenAIError",
  z.strictObject({
    error: z.strictObject({
      message: z.string(),
      type: z.string().nullable(),
      code: z.string().nullable(),
      param: z.string().nullable(),
    }),
  }),
);
