import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { AppError } from "../errors";
import { badAnswer, ModelError, modelTimeout } from "./model-errors";
import type { ModelLimits } from "./model-transport";

const bytes = (text: string | null | undefined): number => (text ? Buffer.byteLength(text, "utf8") : 0);

/** The text a chunk adds to the answer: content, refusal and tool calls. */
function textBytes(chunk: ChatCompletionChunk): number {
  let sum = 0;
  for (const choice of chunk.choices ?? []) {
    sum += bytes(choice.delta?.content) + bytes(choice.delta?.refusal);
    for (const call of choice.delta?.tool_calls ?? []) sum += bytes(call.function?.name) + bytes(call.function?.arguments);
  }
  return sum;
}

const isChunk = (value: unknown): value is ChatCompletionChunk =>
  typeof value === "object" && value !== null && !Array.isArray(value) && ((value as ChatCompletionChunk).choices ?? []) instanceof Array;

/**
 * A model's stream, bounded: a silence longer than `timeoutMs`, a stream longer than `streamMs`
 * or an answer past `maxAnswerBytes` aborts the upstream and ends in an error (the SDK ends an
 * aborted stream quietly: a stall must not pass for a complete answer). Stopping early (the
 * client went away) aborts the upstream too.
 */
export async function* boundedStream(
  source: AsyncIterable<unknown>,
  controller: AbortController,
  limits: ModelLimits,
  toError: (error: unknown) => AppError,
): AsyncGenerator<ChatCompletionChunk> {
  let fault: AppError | null = null;
  const stop = (error: AppError) => {
    fault ??= error;
    controller.abort();
  };
  const whole = setTimeout(
    () => stop(new ModelError("upstream_timeout", `the language model did not finish its answer within ${limits.streamMs / 1000} s`)),
    limits.streamMs,
  );
  const armIdle = () => setTimeout(() => stop(modelTimeout(limits.timeoutMs)), limits.timeoutMs);
  let idle = armIdle();
  let answerBytes = 0;
  try {
    for await (const chunk of source) {
      clearTimeout(idle);
      if (!isChunk(chunk)) throw badAnswer("is not a stream of chat completion chunks");
      answerBytes += textBytes(chunk);
      if (answerBytes > limits.maxAnswerBytes) throw badAnswer(`is larger than ${limits.maxAnswerBytes} bytes`);
      yield chunk;
      idle = armIdle();
    }
  } catch (error) {
    throw fault ?? toError(error);
  } finally {
    clearTimeout(idle);
    clearTimeout(whole);
    controller.abort();
  }
  if (fault) throw fault;
}
