import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageFunctionToolCall,
} from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { AppError } from "../errors";
import type { ChatModel } from "../models/model-client";

/** One model call of the tool loop, plain or streamed, as the loop reads it. */
export type ToolCall = Pick<ChatCompletionMessageFunctionToolCall, "id" | "type" | "function">;

export interface Round {
  message: { role: "assistant"; content: string | null; tool_calls?: ToolCall[] };
  finishReason: string;
  usage: CompletionUsage | null;
  head: { id: string; created: number; model: string };
}

/** Adds a streamed chunk's tool-call deltas to the calls assembled so far (by their index). */
export function addToolCallDeltas(
  calls: Map<number, ToolCall>,
  deltas: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> = [],
): void {
  for (const delta of deltas) {
    const entry = calls.get(delta.index) ?? {
      id: "",
      type: "function" as const,
      function: { name: "", arguments: "" },
    };
    entry.id ||= delta.id ?? "";
    entry.function.name += delta.function?.name ?? "";
    entry.function.arguments += delta.function?.arguments ?? "";
    calls.set(delta.index, entry);
  }
}

/** A whole completion as answered and stored, from a streamed (or looped) answer's parts. */
export const completionOf = (
  round: Pick<Round, "head" | "message" | "finishReason" | "usage">,
  memory: Record<string, unknown>,
) => ({
  ...round.head,
  object: "chat.completion",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: round.message.content,
        ...(round.message.tool_calls?.length ? { tool_calls: round.message.tool_calls } : {}),
      },
      finish_reason: round.finishReason,
    },
  ],
  usage: round.usage,
  memory,
});

type Request = Omit<ChatCompletionCreateParamsBase, "stream"> & { model: string };

export async function completeRound(model: ChatModel, request: Request): Promise<Round> {
  const completion = await model.complete({ ...request, stream: false });
  const message = completion.choices[0]?.message;
  const calls = (message?.tool_calls ?? []).filter((call) => call.type === "function");
  return {
    message: {
      role: "assistant",
      content: message?.content ?? null,
      ...(calls.length ? { tool_calls: calls.map(({ id, type, function: fn }) => ({ id, type, function: fn })) } : {}),
    },
    finishReason: completion.choices[0]?.finish_reason ?? "stop",
    usage: completion.usage ?? null,
    head: { id: completion.id, created: completion.created, model: completion.model ?? request.model },
  };
}

/**
 * A streamed round: its text goes on to the caller as it comes; deltas of calls to the server's
 * tools, usage-only chunks and the finish of a round that only calls the server's tools stay here.
 */
export async function* streamRound(
  model: ChatModel,
  request: Request,
  isServerTool: (name: string) => boolean,
): AsyncGenerator<ChatCompletionChunk, Round> {
  const stream = await model.stream({ ...request, stream: true });
  const calls = new Map<number, ToolCall>();
  let text = "";
  let usage: CompletionUsage | null = null;
  let finishReason: string | null = null;
  let last: ChatCompletionChunk | null = null;
  for await (const chunk of stream) {
    last = chunk;
    if (chunk.usage) usage = chunk.usage;
    const choice = (chunk.choices ?? []).find((item) => (item.index ?? 0) === 0);
    if (!choice) continue;
    text += choice.delta?.content ?? "";
    addToolCallDeltas(calls, choice.delta?.tool_calls);
    finishReason = choice.finish_reason ?? finishReason;
    const passed = (choice.delta?.tool_calls ?? []).filter(
      (delta) => !isServerTool(calls.get(delta.index)?.function.name ?? ""),
    );
    const onlyServerCalls = calls.size > 0 && [...calls.values()].every((call) => isServerTool(call.function.name));
    const finish = choice.finish_reason && !onlyServerCalls ? choice.finish_reason : null;
    const delta = { ...choice.delta, tool_calls: passed.length ? passed : undefined };
    if (delta.content || delta.role || passed.length || finish)
      yield { ...chunk, choices: [{ ...choice, delta, finish_reason: finish }], usage: undefined };
  }
  if (!finishReason)
    throw new AppError("upstream_error", "the language model's stream ended before its answer was complete");
  return {
    message: { role: "assistant", content: text || null, ...(calls.size ? { tool_calls: [...calls.values()] } : {}) },
    finishReason,
    usage,
    head: {
      id: last?.id ?? `chatcmpl-${Date.now()}`,
      created: last?.created ?? Math.floor(Date.now() / 1000),
      model: last?.model ?? request.model,
    },
  };
}
