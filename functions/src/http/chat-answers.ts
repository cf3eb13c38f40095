import { z } from "zod";
import { memoryReportSchema } from "../chat/completion-turn";
import { json, named } from "./response-registry";

/** The answers of the OpenAI-compatible routes: OpenAI's shapes, plus our `memory` report. */

export const memoryReport = named("MemoryReport", memoryReportSchema);
/** A completion and its chunks share their head and usage; a choice holds a message, or a chunk's delta. */
const completionShaped = <Choice extends z.ZodRawShape, Memory extends z.ZodType>(
  object: string,
  choice: Choice,
  memory: Memory,
) =>
  z.looseObject({
    id: z.string(),
    object: z.literal(object),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(z.looseObject({ index: z.number().int(), ...choice, finish_reason: z.string().nullable() })),
    usage: json.nullable().optional(),
    memory,
  });

export const chatCompletion = named(
  "ChatCompletion",
  completionShaped(
    "chat.completion",
    { message: z.looseObject({ role: z.string(), content: z.string().nullable() }) },
    memoryReport,
  ),
);
/** One chunk of a streamed chat completion (OpenAI's shape); the last one carries `memory`. */
named(
  "ChatCompletionChunk",
  completionShaped(
    "chat.completion.chunk",
    { delta: z.looseObject({ role: z.string().optional(), content: z.string().nullable().optional() }) },
    memoryReport.optional(),
  ),
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
