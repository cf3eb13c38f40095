import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answerText, completion, TOOL_CALL, USAGE } from "./fake-openai-answers";
import { type ScriptedReply, ScriptedReplies } from "./fake-openai-scripts";

/**
 * A local OpenAI-compatible server for the tests, close to the real API: chat completions (plain
 * and streamed, `n` choices, logprobs, `response_format`, usage in a stream only with
 * `stream_options.include_usage`), embeddings (float, or base64 as the openai SDK asks by
 * default), `GET /models`, and OpenAI's error bodies. Faults are chosen by the request's model:
 *   fail-<status>       that HTTP status with an OpenAI error body (fail-500, fail-400, ...)
 *   ratelimit-<s>       429 with `Retry-After: <s>`
 *   flaky-<status>      that status the first time a conversation is sent, an answer the next
 *   slow-<ms>           answers after <ms> milliseconds;  never: never answers
 *   stall-body          headers and half a JSON body, then silence
 *   text-plain, empty-object, no-choices   a 200 that is not a usable completion
 *   huge-<bytes>        an answer of that many bytes (streamed in 16 kB pieces)
 *   no-stream-options   a 400 naming `stream_options` when it is sent (as some compatible servers do)
 *   cut-stream          streams two chunks, then drops the connection
 *   stall-stream        streams one chunk, then goes silent
 *   hold-<gate>         streams one chunk, then waits for `POST /__release/<gate>` (or 15 s)
 *   tool-call           answers with a tool call
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

export const FAKE_MODELS = ["test-model", "fake-large"];
const HOLD_MS = 15_000;

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

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

const apiError = (res: ServerResponse, status: number, message: string, extra: { param?: string; headers?: Record<string, string> } = {}) =>
  json(res, status, { error: { message, type: status === 429 ? "rate_limit_error" : "fake_error", code: `fake_${status}`, param: extra.param ?? null } }, extra.headers);

/** Gates of `hold-<gate>` streams: released by the test, or after HOLD_MS. */
class Gates {
  private waiting = new Map<string, () => void>();

  hold(name: string): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.release(name), HOLD_MS);
      this.waiting.set(name, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** True when a stream was still held, i.e. the model had not finished yet. */
  release(name: string): boolean {
    const open = this.waiting.get(name);
    this.waiting.delete(name);
    open?.();
    return Boolean(open);
  }
}

async function stream(res: ServerResponse, body: Record<string, unknown>, model: string, head: Record<string, unknown>, gates: Gates): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const count = typeof body.n === "number" ? body.n : 1;
  const send = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(`data: ${JSON.stringify({ ...head, object: "chat.completion.chunk", choices: Array.from({ length: count }, (_, index) => ({ index, delta, finish_reason: finish })) })}\n\n`);
  const toolCall = model === "tool-call";
  if (toolCall) send({ role: "assistant", tool_calls: [{ index: 0, ...TOOL_CALL }] });
  else {
    const text = answerText(body, model);
    const pieces = model.startsWith("huge-") ? text.match(/.{1,16000}/gs) ?? [] : text.split(/(?<= )/);
    send({ role: "assistant", content: pieces[0] });
    if (model === "stall-stream") return; // the connection stays open, silent
    if (model.startsWith("hold-")) await gates.hold(model.slice("hold-".length));
    send({ content: pieces[1] ?? "" });
    if (model === "cut-stream") {
      await sleep(100); // the first chunks reach the client before the connection drops
      res.socket?.destroy();
      return;
    }
    for (const piece of pieces.slice(2)) send({ content: piece });
  }
  send({}, toolCall ? "tool_calls" : "stop");
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) res.write(`data: ${JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [], usage: USAGE })}\n\n`);
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

/** A fault the model name asks for, answered here; false when the request should be served. */
async function fault(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, model: string, seen: Set<string>): Promise<boolean> {
  const failure = /^fail-(\d{3})$/.exec(model);
  if (failure) return apiError(res, Number(failure[1]), `fake upstream failure ${failure[1]}`), true;
  const limited = /^ratelimit-(\d+)$/.exec(model);
  if (limited) return apiError(res, 429, "Rate limit reached, slow down", { headers: { "retry-after": limited[1] } }), true;
  const flaky = /^flaky-(\d{3})$/.exec(model);
  const key = JSON.stringify(body.messages);
  if (flaky && !seen.has(key)) {
    seen.add(key);
    return apiError(res, Number(flaky[1]), `fake transient failure ${flaky[1]}`, { headers: { "retry-after": "0" } }), true;
  }
  if (model === "no-stream-options" && body.stream_options !== undefined) {
    return apiError(res, 400, "Unrecognized request argument supplied: stream_options", { param: "stream_options" }), true;
  }
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]));
  if (model === "never") return await new Promise<boolean>((resolve) => req.socket.once("close", () => resolve(true)));
  if (model === "stall-body") return res.writeHead(200, { "content-type": "application/json" }), res.write('{"id": "chatcmpl-stall", "choices": ['), true;
  if (model === "text-plain") return res.writeHead(200, { "content-type": "text/plain" }), res.end("Hello, I am not JSON"), true;
  if (model === "empty-object") return json(res, 200, {}), true;
  if (model === "no-choices") return json(res, 200, { id: "chatcmpl-none", object: "chat.completion", created: 0, model, choices: [] }), true;
  return false;
}

async function handle(req: IncomingMessage, res: ServerResponse, requests: RecordedRequest[], gates: Gates, seen: Set<string>, scripts: ScriptedReplies): Promise<void> {
  const path = (req.url ?? "").split("?")[0];
  if (req.method === "GET" && path === "/__requests") return json(res, 200, requests);
  const release = /^\/__release\/([\w-]+)$/.exec(path);
  if (req.method === "POST" && release) return json(res, 200, { held: gates.release(release[1]) });
  const body = await readJson(req);
  if (path !== "/__script") requests.push({ path, authorization: req.headers.authorization ?? null, body });
  if (await scripts.serve(req, res, path, body)) return;
  if (req.method === "GET" && path.endsWith("/models")) {
    return json(res, 200, { object: "list", data: FAKE_MODELS.map((id) => ({ id, object: "model", created: 1700000000, owned_by: "fake" })) });
  }
  const model = String(body.model ?? "");
  if (await fault(req, res, body, model, seen)) return;
  const head = { id: `chatcmpl-fake-${Date.now()}`, created: Math.floor(Date.now() / 1000), model };
  if (path.endsWith("/chat/completions")) return body.stream === true ? stream(res, body, model, head, gates) : json(res, 200, completion(body, model, head));
  if (path.endsWith("/embeddings")) return embeddings(res, body);
  apiError(res, 404, `no route ${path}`);
}

/** Starts the server on 127.0.0.1 (port 0: any free port). */
export function startFakeOpenAi(port = 0): Promise<FakeOpenAi> {
  const requests: RecordedRequest[] = [];
  const gates = new Gates();
  const seen = new Set<string>();
  const scripts = new ScriptedReplies();
  const server = createServer((req, res) => {
    handle(req, res, requests, gates, seen, scripts).catch((error: unknown) => json(res, 500, { error: { message: String(error), type: "server_error" } }));
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

const sharedUrl = () => `http://127.0.0.1:${process.env.TEST_LLM_PORT}`;

/** The requests the shared server (the one the Functions emulator uses) has recorded. */
export async function sharedRequests(): Promise<RecordedRequest[]> {
  const response = await fetch(`${sharedUrl()}/__requests`);
  return (await response.json()) as RecordedRequest[];
}

/** Releases a `hold-<gate>` stream of the shared server; true when it was still held. */
export async function releaseShared(gate: string): Promise<boolean> {
  const response = await fetch(`${sharedUrl()}/__release/${gate}`, { method: "POST" });
  return ((await response.json()) as { held: boolean }).held;
}
