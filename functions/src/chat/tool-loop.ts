import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { ChatModel } from "../models/model-client";
import { runToolCall, type ServerTool, type ToolCallReport, toolMessage } from "../tools/server-tool";
import type { Toolbox } from "../tools/toolbox";
import { type Round, type ToolCall, completeRound, streamRound } from "./tool-round";

/**
 * The server's tool loop: the model may call the AI's tools for up to `steps` rounds; each call
 * runs here and its answer goes back to the model, until it answers without calling one of them.
 * The round after the last step offers only the caller's tools, so the turn ends in an answer. A
 * plain and a streamed turn take the same steps; a streamed one passes on the text as it comes and
 * holds back what belongs to the server's tools.
 */
export interface LoopInput {
  model: ChatModel;
  upstream: ChatCompletionCreateParamsBase & { model: string };
  toolbox: Toolbox;
  steps: number;
  stream: boolean;
  /** When tool calls stop being run (the chat's own time bounds), in epoch ms. */
  deadlineMs: number;
  /** Called once per finished call: the room event. */
  onCall(report: ToolCallReport): Promise<void>;
}

export interface LoopOutcome extends Round {
  toolCalls: ToolCallReport[];
}

const definition = (tool: ServerTool): ChatCompletionTool => ({
  type: "function",
  function: { name: tool.name, description: tool.description, parameters: tool.parameters },
});

const addUsage = (a: CompletionUsage | null, b: CompletionUsage | null): CompletionUsage | null =>
  a && b
    ? {
        prompt_tokens: a.prompt_tokens + b.prompt_tokens,
        completion_tokens: a.completion_tokens + b.completion_tokens,
        total_tokens: a.total_tokens + b.total_tokens,
      }
    : (a ?? b);

function requestOf(input: LoopInput, messages: ChatCompletionMessageParam[], offerServerTools: boolean) {
  const callerTools = input.upstream.tools ?? [];
  const tools = [...callerTools, ...(offerServerTools ? input.toolbox.tools.map(definition) : [])];
  const { tool_choice, ...rest } = input.upstream;
  return {
    ...rest,
    messages,
    ...(tools.length ? { tools, ...(tool_choice ? { tool_choice } : {}) } : { tools: undefined }),
  };
}

export async function* toolLoop(input: LoopInput): AsyncGenerator<ChatCompletionChunk, LoopOutcome> {
  const serverTools = new Map(input.toolbox.tools.map((tool) => [tool.name, tool]));
  const isServerCall = (call: ToolCall) => serverTools.has(call.function.name);
  const messages = [...input.upstream.messages];
  const reports: ToolCallReport[] = [];
  let usage: CompletionUsage | null = null;
  // The text of every round, as a streamed caller has seen it: the plain answer says the same.
  let text = "";
  for (let step = 0; ; step++) {
    const offer = step < input.steps;
    const request = requestOf(input, messages, offer);
    const round: Round = input.stream
      ? yield* streamRound(input.model, request, (name) => serverTools.has(name))
      : await completeRound(input.model, request);
    usage = addUsage(usage, round.usage);
    text += round.message.content ?? "";
    const calls = round.message.tool_calls ?? [];
    const mine = calls.filter(isServerCall);
    if (mine.length === 0 || !offer) {
      // A call of a server tool after the last step is not run, and not passed to the caller.
      for (const call of mine) reports.push(stepLimit(call));
      const theirs = calls.filter((call) => !isServerCall(call));
      const message = { ...round.message, content: text || null, tool_calls: theirs.length ? theirs : undefined };
      const finishReason = mine.length && !theirs.length ? "stop" : round.finishReason;
      return { ...round, message, finishReason, usage, toolCalls: reports };
    }
    messages.push({ role: "assistant", content: round.message.content, tool_calls: calls });
    for (const call of calls) {
      const { report, content } = await runOne(input, serverTools.get(call.function.name), call);
      reports.push(report);
      await input.onCall(report);
      messages.push({ role: "tool", tool_call_id: call.id, content });
    }
  }
}

const stepLimit = (call: ToolCall): ToolCallReport => ({
  id: call.id,
  name: call.function.name,
  arguments: call.function.arguments,
  status: "step_limit",
  ms: 0,
  error: "the turn's tool steps were used up",
});

async function runOne(input: LoopInput, tool: ServerTool | undefined, call: ToolCall) {
  const flat = { id: call.id, name: call.function.name, arguments: call.function.arguments };
  if (!tool) {
    // The caller's own tool, asked for beside the server's: the caller runs it in a turn of its own.
    const error = "not run: call the caller's tools in a message of their own";
    return { report: { ...flat, status: "unknown_tool" as const, ms: 0, error }, content: toolMessage({ error }) };
  }
  const left = input.deadlineMs - Date.now();
  if (left <= 0) {
    const error = "not run: the chat's time for tools is up";
    return { report: { ...flat, status: "timeout" as const, ms: 0, error }, content: toolMessage({ error }) };
  }
  return runToolCall(tool, flat, Math.min(tool.timeoutMs, left), input.toolbox.redact);
}
