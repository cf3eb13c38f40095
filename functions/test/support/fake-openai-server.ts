import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ScriptedReply, ScriptedReplies } from "./fake-openai-scripts";

/**
 * A local OpenAI-compatible server for the tests: chat completions (plain and streamed) and
 * embeddings (float and base64), with faults chosen by the request's model name:
 *   fail-<status>   answers that HTTP status with an OpenAI error body (fail-500, fail-429, ...)
 *   slow-<ms>       answers after <ms> milliseconds
 *   cut-stream      streams two chunks, then drops the connection
 *   stall-stream    streams one chunk, then goes silent
 *   tool-call       answers with a tool call
 * Any other model answers "Echo: <last user message>"; scripted answers come first (see
 * fake-openai-scripts.ts). Every request is recorded, and readable from another process at
 * GET /__requests.
 */

export interface RecordedRequest {
  path: string;
  authorization: string | null;
  body: Record<string, unknown>;
}

export interface FakeOpenAi {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Queues the next answers of chat requests for `model`. */
  script(model: string, replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export function hashedEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const digest = createHash("md5").update(word).digest();
    vector[digest.readUInt32LE(0) % dimensions] += digest[4] & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

function replyText(body: Record<string, unknown>): string {
  const messages = (body.messages as Array<{ role: string; content: unknown }>) ?? [];
  const last = [...messages].reverse().find((message) => message.role === "user");
  const text = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
  return `Echo: ${text.slice(0, 500)}`;
}

const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

async function chat(res: ServerResponse, body: Record<string, unknown>, model: string): Promise<void> {
  const head = { id: `chatcmpl-fake-${Date.now()}`, created: Math.floor(Date.now() / 1000), model };
  const toolCalls = model === "tool-call" ? [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] : undefined;
  const content = toolCalls ? null : replyText(body);
  if (body.stream !== true) {
    json(res, 200, {
      ...head,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: toolCalls ? "tool_calls" : "stop", logprobs: null }],
      usage,
    });
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(`data: ${JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
  if (toolCalls) {
    send({ role: "assistant", tool_calls: [{ index: 0, ...toolCalls[0] }] });
  } else {
    const words = (content ?? "").split(/(?<= )/);
    send({ role: "assistant", content: words[0] });
    if (model === "stall-stream") return; // the connection stays open, silent
    send({ content: words[1] ?? "" });
    if (model === "cut-stream") {
      // Let the first chunks reach the client before the connection drops.
      await sleep(100);
      res.socket?.destroy();
      return;
    }
    for (const word of words.slice(2)) send({ content: word });
  }
  send({}, toolCalls ? "tool_calls" : "stop");
  res.write(`data: ${JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [], usage })}\n\n`);
  res.end("data: [DONE]\n\n");
}

function embeddings(res: ServerResponse, body: Record<string, unknown>): void {
  const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : 8;
  const data = inputs.map((text, index) => {
    const vector = hashedEmbedding(text, dimensions);
    const embedding = body.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
    return { object: "embedding", index, embedding };
  });
  json(res, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
}

async function handle(req: IncomingMessage, res: ServerResponse, requests: RecordedRequest[], scripts: ScriptedReplies): Promise<void> {
  const path = (req.url ?? "").split("?")[0];
  if (req.method === "GET" && path === "/__requests") return json(res, 200, requests);
  const body = await readJson(req);
  if (path !== "/__script") requests.push({ path, authorization: req.headers.authorization ?? null, body });
  if (await scripts.serve(req, res, path, body)) return;
  const model = String(body.model ?? "");
  const failure = /^fail-(\d{3})$/.exec(model);
  if (failure) {
    const status = Number(failure[1]);
    return json(res, status, { error: { message: `fake upstream failure ${status}`, type: "fake_error", code: `fake_${status}`, param: null } });
  }
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]));
  if (path.endsWith("/chat/completions")) return chat(res, body, model);
  if (path.endsWith("/embeddings")) return embeddings(res, body);
  json(res, 404, { error: { message: `no route ${path}`, type: "invalid_request_error", code: null, param: null } });
}

/** Starts the server on 127.0.0.1 (port 0: any free port). */
export function startFakeOpenAi(port = 0): Promise<FakeOpenAi> {
  const requests: RecordedRequest[] = [];
  const scripts = new ScriptedReplies();
  const server = createServer((req, res) => {
    handle(req, res, requests, scripts).catch((error: unknown) => json(res, 500, { error: { message: String(error), type: "server_error" } }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${actual}/v1`,
        port: actual,
        requests,
        script: (model, replies) => scripts.script(model, replies),
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The requests the shared server (the one the Functions emulator uses) has recorded. */
export async function sharedRequests(): Promise<RecordedRequest[]> {
  const response = await fetch(`http://127.0.0.1:${process.env.TEST_LLM_PORT}/__requests`);
  return (await response.json()) as RecordedRequest[];
}
