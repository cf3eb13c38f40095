import type { IncomingMessage, ServerResponse } from "node:http";
import { json, sleep } from "./fake-openai-http";

/**
 * Scripted answers of the fake OpenAI server: a test queues the next answers of a model name
 * (`script()` in process, or POST /__script from another one, e.g. for the Functions emulator's
 * model), and each chat request of that model takes the next one; then the model answers as
 * usual again. Unscripted, a fact-extraction request (structured output named memory_extraction)
 * answers `{"decisions": []}`: nothing to remember.
 */

/**
 * One scripted answer: a message content (sent after `delay_ms`, if given), an HTTP error status, or
 * tool calls (with an optional content). Streamed requests take only tool-call replies and those
 * marked `streams: true`; other replies wait for a plain request, as before.
 */
export type ScriptedReply =
  | { content: string; delay_ms?: number; streams?: boolean }
  | { status: number }
  | { tool_calls: Array<{ id?: string; name: string; arguments: string }>; content?: string };

const toolCallsOf = (reply: ScriptedReply) =>
  "tool_calls" in reply
    ? reply.tool_calls.map((call, index) => ({
        id: call.id ?? `call_${index + 1}`,
        type: "function",
        function: { name: call.name, arguments: call.arguments },
      }))
    : undefined;

function completion(model: string, content: string | null, toolCalls?: ReturnType<typeof toolCallsOf>) {
  return {
    id: `chatcmpl-scripted-${Date.now()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
        finish_reason: toolCalls ? "tool_calls" : "stop",
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
  };
}

/** A scripted reply as SSE: the content word by word, each tool call in two pieces, then usage when asked. */
function streamReply(res: ServerResponse, model: string, reply: ScriptedReply, body: Record<string, unknown>): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const head = { id: `chatcmpl-scripted-${Date.now()}`, object: "chat.completion.chunk", created: 1, model };
  const send = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(`data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
  send({ role: "assistant" });
  const content = "content" in reply ? (reply.content ?? "") : "";
  for (const piece of content.split(/(?<= )/).filter(Boolean)) send({ content: piece });
  const calls = toolCallsOf(reply) ?? [];
  calls.forEach((call, index) => {
    const half = Math.ceil(call.function.arguments.length / 2);
    send({
      tool_calls: [
        {
          index,
          id: call.id,
          type: "function",
          function: { name: call.function.name, arguments: call.function.arguments.slice(0, half) },
        },
      ],
    });
    send({ tool_calls: [{ index, function: { arguments: call.function.arguments.slice(half) } }] });
  });
  send({}, calls.length ? "tool_calls" : "stop");
  if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage)
    res.write(
      `data: ${JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } })}\n\n`,
    );
  res.end("data: [DONE]\n\n");
}

const streams = (reply: ScriptedReply | undefined) =>
  reply !== undefined && ("tool_calls" in reply || ("streams" in reply && reply.streams === true));

const isExtraction = (body: Record<string, unknown>) =>
  (body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name === "memory_extraction";

export class ScriptedReplies {
  private queues = new Map<string, ScriptedReply[]>();

  script(model: string, replies: ScriptedReply[]): void {
    this.queues.set(model, [...replies]);
  }

  /** Answers the request when a script (or the extraction default) says how; false otherwise. */
  async serve(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: Record<string, unknown>,
  ): Promise<boolean> {
    if (req.method === "POST" && path === "/__script") {
      this.script(String(body.model), body.replies as ScriptedReply[]);
      json(res, 200, { scripted: (body.replies as ScriptedReply[]).length });
      return true;
    }
    if (!path.endsWith("/chat/completions")) return false;
    const model = String(body.model ?? "");
    if (body.stream === true) {
      if (!streams(this.queues.get(model)?.[0])) return false;
      streamReply(res, model, this.queues.get(model)?.shift() as ScriptedReply, body);
      return true;
    }
    const reply = this.queues.get(model)?.shift();
    if (reply && "status" in reply) {
      json(res, reply.status, {
        error: {
          message: `scripted failure ${reply.status}`,
          type: "fake_error",
          code: `fake_${reply.status}`,
          param: null,
        },
      });
      return true;
    }
    if (reply && "delay_ms" in reply && reply.delay_ms) await sleep(reply.delay_ms);
    if (!reply && !isExtraction(body)) return false;
    if (reply && "tool_calls" in reply) {
      json(res, 200, completion(model, reply.content ?? null, toolCallsOf(reply)));
      return true;
    }
    json(res, 200, completion(model, reply ? reply.content : JSON.stringify({ decisions: [] })));
    return true;
  }
}

/** Queues the next answers of `model` on the shared server (the one the Functions emulator calls). */
export async function scriptShared(model: string, replies: ScriptedReply[]): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${process.env.TEST_LLM_PORT}/__script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, replies }),
  });
  if (!response.ok) throw new Error(`scripting the shared model failed: HTTP ${response.status}`);
}
