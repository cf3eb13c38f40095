/** The answers of the fake OpenAI server: what a chat completion would say, built from the request. */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; items?: JsonSchema; enum?: Json[] };

export function lastUserText(body: Record<string, unknown>): string {
  const messages = (body.messages as Array<{ role: string; content: unknown }>) ?? [];
  const last = [...messages].reverse().find((message) => message.role === "user");
  return typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
}

/** A value that fits a JSON schema (the shapes structured outputs use), strings saying `text`. */
function valueFor(schema: JsonSchema | undefined, text: string): Json {
  if (schema?.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  if (type === "object" || schema?.properties) {
    return Object.fromEntries(Object.entries(schema?.properties ?? {}).map(([key, inner]) => [key, valueFor(inner, text)]));
  }
  if (type === "array") return [valueFor(schema?.items, text)];
  if (type === "number" || type === "integer") return 42;
  if (type === "boolean") return true;
  if (type === "null") return null;
  return text;
}

/**
 * The answer's text: "Echo: <last user message>", a JSON document for `response_format`
 * (`json_object`, or `json_schema` filled in), or `bytes` of "x" for a `huge-<bytes>` model.
 */
export function answerText(body: Record<string, unknown>, model: string): string {
  const huge = /^huge-(\d+)$/.exec(model);
  if (huge) return "x".repeat(Number(huge[1]));
  const echo = `Echo: ${lastUserText(body).slice(0, 500)}`;
  const format = body.response_format as { type?: string; json_schema?: { schema?: JsonSchema } } | undefined;
  if (format?.type === "json_object") return JSON.stringify({ answer: echo });
  if (format?.type === "json_schema") return JSON.stringify(valueFor(format.json_schema?.schema ?? { type: "object" }, echo));
  return echo;
}

export const TOOL_CALL = { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } };

export const USAGE = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

/** OpenAI's logprobs of a text, one entry per word. */
export function logprobsOf(text: string) {
  const content = text.split(/(?<= )/).map((token) => ({ token, logprob: -0.5, bytes: [...Buffer.from(token)], top_logprobs: [] }));
  return { content, refusal: null };
}

/** The non-streamed completion: `n` choices, logprobs when asked. */
export function completion(body: Record<string, unknown>, model: string, head: Record<string, unknown>) {
  const toolCalls = model === "tool-call" ? [TOOL_CALL] : undefined;
  const content = toolCalls ? null : answerText(body, model);
  const count = typeof body.n === "number" ? body.n : 1;
  const choices = Array.from({ length: count }, (_, index) => ({
    index,
    message: { role: "assistant", content: content && index > 0 ? `${content} (${index + 1})` : content, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
    finish_reason: toolCalls ? "tool_calls" : "stop",
    logprobs: body.logprobs === true && content ? logprobsOf(content) : null,
  }));
  return { ...head, object: "chat.completion", choices, usage: USAGE };
}
