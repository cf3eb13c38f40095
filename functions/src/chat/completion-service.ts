import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { AppError } from "../errors";
import {
  answerText,
  type CompletionDeps,
  type CompletionInput,
  type MemoryReport,
  finish,
  prepare,
  store,
} from "./completion-turn";
import { addToolCallDeltas, completionOf, type ToolCall } from "./tool-round";
import { completeToolTurn, toolTurn } from "./tool-turn";

/** A plain completion: context in, the model's answer plus the `memory` report out. */
export async function completeChat(deps: CompletionDeps, input: CompletionInput): Promise<Record<string, unknown>> {
  const turn = await prepare(deps, input);
  if (turn.kind === "replay") return turn.chat.completion;
  try {
    if (turn.toolbox.tools.length) return (await completeToolTurn(deps, input, turn)).completion;
    const completion: ChatCompletion = await turn.model.complete({ ...turn.upstream, stream: false });
    const message = completion.choices[0]?.message;
    const chat = await store(deps, input, turn, {
      text: answerText(
        message?.content,
        message?.tool_calls as Array<{ function?: { name?: string; arguments?: string } }>,
      ),
      model: completion.model ?? turn.upstream.model,
      usage: completion.usage ?? null,
      completion: (memory) => ({ ...completion, memory }),
    });
    return chat.completion;
  } finally {
    await finish(deps, input, turn);
  }
}

/** The chunks of a completion, replayed from a stored answer. */
function replayChunks(completion: Record<string, unknown>): Array<Record<string, unknown>> {
  const { choices, memory, usage, ...head } = completion as unknown as ChatCompletion & { memory: MemoryReport };
  const chunk = { ...head, object: "chat.completion.chunk" };
  return [
    ...choices.map((choice) => ({
      ...chunk,
      choices: [{ index: choice.index, delta: { ...choice.message }, finish_reason: choice.finish_reason }],
    })),
    { ...chunk, choices: [], usage: usage ?? null, memory },
  ];
}

/**
 * A streamed completion: the model's chunks as they come, then one last chunk (no choices) with
 * the `memory` report. The exchange is stored after the model's last chunk, so a cut stream
 * stores nothing.
 */
export async function* streamChat(deps: CompletionDeps, input: CompletionInput): AsyncGenerator<object> {
  const turn = await prepare(deps, input);
  if (turn.kind === "replay") {
    yield* replayChunks(turn.chat.completion);
    return;
  }
  try {
    if (turn.toolbox.tools.length) yield* toolTurn(deps, input, turn, true);
    else yield* streamFresh(deps, input, turn);
  } finally {
    await finish(deps, input, turn);
  }
}

async function* streamFresh(
  deps: CompletionDeps,
  input: CompletionInput,
  turn: Extract<Awaited<ReturnType<typeof prepare>>, { kind: "fresh" }>,
): AsyncGenerator<object> {
  const stream = await turn.model.stream({ ...turn.upstream, stream: true });
  let text = "";
  const calls = new Map<number, ToolCall>();
  let last: ChatCompletionChunk | null = null;
  let usage: CompletionUsage | null = null;
  let finishReason: string | null = null;
  for await (const chunk of stream) {
    last = chunk;
    if (chunk.usage) usage = chunk.usage;
    // With `n` > 1, the first choice is the one stored.
    for (const choice of (chunk.choices ?? []).filter((item) => (item.index ?? 0) === 0)) {
      text += choice.delta?.content ?? "";
      finishReason = choice.finish_reason ?? finishReason;
      addToolCallDeltas(calls, choice.delta?.tool_calls);
    }
    yield chunk;
  }
  if (!finishReason)
    throw new AppError("upstream_error", "the language model's stream ended before its answer was complete");
  const head = {
    id: last?.id ?? `chatcmpl-${turn.chatId}`,
    created: last?.created ?? Math.floor(Date.now() / 1000),
    model: last?.model ?? turn.upstream.model,
  };
  const chat = await store(deps, input, turn, {
    text: answerText(text, [...calls.values()]),
    model: head.model,
    usage,
    completion: (memory) =>
      completionOf(
        {
          head,
          message: { role: "assistant", content: text || null, tool_calls: [...calls.values()] },
          finishReason: finishReason ?? "stop",
          usage,
        },
        memory,
      ),
  });
  yield { ...head, object: "chat.completion.chunk", choices: [], usage, memory: chat.completion.memory };
}
