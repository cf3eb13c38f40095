import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Scripted answers of the fake OpenAI server: a test queues the next answers of a model name
 * (`script()` in process, or POST /__script from another one, e.g. for the Functions emulator's
 * model), and each chat request of that model takes the next one; then the model answers as
 * usual again. Unscripted, a fact-extraction request (structured output named memory_extraction)
 * answers `{"decisions": []}`: nothing to remember.
 */

/** One scripted answer: a message content (sent after `delay_ms`, if given), or an HTTP error status. */
export type ScriptedReply = { content: string; delay_ms?: number } | { status: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

function completion(model: string, content: string) {
  return {
    id: `chatcmpl-scripted-${Date.now()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
  };
}

const isExtraction = (body: Record<string, unknown>) =>
  (body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name === "memory_extraction";

export class ScriptedReplies {
  private queues = new Map<string, ScriptedReply[]>();

  script(model: string, replies: ScriptedReply[]): void {
    this.queues.set(model, [...replies]);
  }

  /** Answers the request when a script (or the extraction default) says how; false otherwise. */
  async serve(req: IncomingMessage, res: ServerResponse, path: string, body: Record<string, unknown>): Promise<boolean> {
    if (req.method === "POST" && path === "/__script") {
      this.script(String(body.model), body.replies as ScriptedReply[]);
      send(res, 200, { scripted: (body.replies as ScriptedReply[]).length });
      return true;
    }
    if (!path.endsWith("/chat/completions") || body.stream === true) return false;
    const model = String(body.model ?? "");
    const reply = this.queues.get(model)?.shift();
    if (reply && "status" in reply) {
      send(res, reply.status, { error: { message: `scripted failure ${reply.status}`, type: "fake_error", code: `fake_${reply.status}`, param: null } });
      return true;
    }
    if (reply?.delay_ms) await sleep(reply.delay_ms);
    if (!reply && !isExtraction(body)) return false;
    send(res, 200, completion(model, reply ? reply.content : JSON.stringify({ decisions: [] })));
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
