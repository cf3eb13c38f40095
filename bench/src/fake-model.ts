/**
 * A zero-latency OpenAI-compatible server on 127.0.0.1: chat completions (plain and streamed) and
 * embeddings, so model time drops out of every figure and the product and its peers call the same
 * "model". Embeddings are hashed bags of words: deterministic, cheap, lexically meaningful.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export const EMBEDDING_DIMENSIONS = 256;

export function hashedEmbedding(text: string, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const digest = createHash("md5").update(word).digest();
    vector[digest.readUInt32LE(0) % dimensions] += digest[4] & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
}

const REPLY = "Noted.";

function completion(model: string, content = REPLY) {
  return {
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
  };
}

function streamCompletion(res: ServerResponse, model: string): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  const base = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model };
  res.write(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: REPLY }, finish_reason: null }] })}\n\n`,
  );
  res.write(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } })}\n\n`,
  );
  res.end("data: [DONE]\n\n");
}

async function handle(req: IncomingMessage, res: ServerResponse, counts: ModelCalls, fake: FakeModel): Promise<void> {
  const body = await readJson(req);
  const model = typeof body.model === "string" ? body.model : "bench-model";
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
  if (req.url?.endsWith("/chat/completions")) {
    counts.chat += 1;
    if (body.stream === true) return streamCompletion(res, model);
    return json(200, completion(model, fake.respond?.(body) ?? REPLY));
  }
  if (req.url?.endsWith("/embeddings")) {
    counts.embeddings += 1;
    const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input ?? "")];
    const dimensions = typeof body.dimensions === "number" ? body.dimensions : EMBEDDING_DIMENSIONS;
    return json(200, {
      object: "list",
      model,
      data: inputs.map((text, index) => ({ object: "embedding", index, embedding: hashedEmbedding(text, dimensions) })),
      usage: { prompt_tokens: 1, total_tokens: 1 },
    });
  }
  if (req.url?.endsWith("/models")) return json(200, { object: "list", data: [{ id: model, object: "model" }] });
  json(404, { error: { message: `no route ${req.url}` } });
}

export interface ModelCalls {
  chat: number;
  embeddings: number;
}

export interface FakeModel {
  baseUrl: string;
  calls: ModelCalls;
  /** A section's own answers to plain chat completions (null: the default reply); it sees every request. */
  respond: ((body: Record<string, unknown>) => string | null) | null;
  close(): Promise<void>;
}

/** Starts the server on `port` (0 picks a free one). */
export async function startFakeModel(port = 0): Promise<FakeModel> {
  const calls: ModelCalls = { chat: 0, embeddings: 0 };
  const fake: FakeModel = {
    baseUrl: "",
    calls,
    respond: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    handle(req, res, calls, fake).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  fake.baseUrl = `http://127.0.0.1:${actual}/v1`;
  return fake;
}
