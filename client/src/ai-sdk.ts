import { jsonSchema, type LanguageModelMiddleware, type ToolSet, tool } from "ai";
import { MEMORY_TOOLS, type MemoryToolsOptions } from "./adapters/memory-tool-calls.js";
import type { AiMemory } from "./http-client.js";
import { randomId } from "./transport.js";

export type { MemoryToolsOptions };

export interface MemoryMiddlewareOptions {
  client: AiMemory;
  aiUuid: string;
  /** The AI's session the exchanges are stored in (e.g. your chat id); a new one when absent. */
  sessionId?: string;
  /** How many memories go in front of the model (default 5); 0 stores exchanges only. */
  limit?: number;
}

type CallOptions = Parameters<NonNullable<LanguageModelMiddleware["transformParams"]>>[0]["params"];
type Prompt = CallOptions["prompt"];

/** The text of the last user message: what the memories are searched for, and what is stored. */
function lastUserText(prompt: Prompt): string {
  const message = [...prompt].reverse().find((each) => each.role === "user");
  if (message?.role !== "user") return "";
  return message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
}

/**
 * An AI SDK language model middleware (`wrapLanguageModel({ model, middleware })`): before each
 * call, the AI's memories relevant to the last user message go in front of the model as a system
 * message; after it, the exchange (that message and the model's text, streamed or not) is stored
 * in the AI's session, which feeds its working memory and fact extraction.
 */
export function memoryMiddleware(options: MemoryMiddlewareOptions): LanguageModelMiddleware {
  const { client, aiUuid } = options;
  const sessionId = options.sessionId ?? `ai-sdk-${randomId()}`;
  const limit = options.limit ?? 5;
  const store = async (prompt: Prompt, answer: string) => {
    const question = lastUserText(prompt);
    if (!question || !answer) return;
    await client.sessions.items.append(aiUuid, sessionId, {
      items: [
        { role: "user", content: question },
        { role: "assistant", content: answer },
      ],
    });
  };
  return {
    transformParams: async ({ params }) => {
      const query = lastUserText(params.prompt);
      if (!query || limit === 0) return params;
      const { results } = await client.memories.search(aiUuid, { query, limit });
      if (results.length === 0) return params;
      const memories = results.map((hit) => `- ${hit.text}`).join("\n");
      const system = { role: "system" as const, content: `What you remember that may be relevant:\n${memories}` };
      const firstOther = params.prompt.findIndex((message) => message.role !== "system");
      const at = firstOther === -1 ? params.prompt.length : firstOther;
      return { ...params, prompt: [...params.prompt.slice(0, at), system, ...params.prompt.slice(at)] };
    },
    wrapGenerate: async ({ doGenerate, params }) => {
      const result = await doGenerate();
      const text = result.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
      await store(params.prompt, text);
      return result;
    },
    wrapStream: async ({ doStream, params }) => {
      const { stream, ...rest } = await doStream();
      let text = "";
      const recorded = stream.pipeThrough(
        new TransformStream({
          transform(part, controller) {
            if (part.type === "text-delta") text += part.delta;
            controller.enqueue(part);
          },
          flush: () => store(params.prompt, text),
        }),
      );
      return { stream: recorded, ...rest };
    },
  };
}

/** AI SDK tools over the AI's memory: `{ search_memory, save_memory }`, for `generateText({ tools })`. */
export function memoryTools(options: MemoryToolsOptions): ToolSet {
  return Object.fromEntries(
    MEMORY_TOOLS.map(({ spec, run }) => [
      spec.name,
      tool<unknown, unknown, Record<string, never>>({
        description: spec.description,
        inputSchema: jsonSchema<unknown>(spec.parameters),
        execute: (input) => run(options, input),
      }),
    ]),
  );
}
