import { errorFrom } from "./transport.js";
import type { ChatCompletionChunk, MemoryReport } from "./types.js";

/** Server-sent events of a response: the `data:` payload of each event, in order. */
async function* eventData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value, { stream: !done });
      const events = buffer.split(/\r?\n\r?\n/);
      buffer = done ? "" : (events.pop() ?? "");
      for (const event of events) {
        const data = event.split(/\r?\n/).filter((line) => line.startsWith("data:")).map((line) => line.slice(5).replace(/^ /, ""));
        if (data.length) yield data.join("\n");
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * A streamed chat completion: iterate it for OpenAI's chunks as they come. The last chunk carries
 * the `memory` report, also kept in `memory` once seen. An error event (the model failed midway;
 * nothing was stored) is thrown as the APIError of its kind.
 */
export class ChatStream implements AsyncIterable<ChatCompletionChunk> {
  /** What the server stored and used as context, once the last chunk has arrived. */
  memory: MemoryReport | null = null;

  constructor(
    private readonly response: Response,
    /** Aborts the request: the server stops the model and stores nothing. */
    readonly controller: AbortController,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<ChatCompletionChunk> {
    if (!this.response.body) return;
    for await (const data of eventData(this.response.body)) {
      if (data === "[DONE]") return;
      const chunk = JSON.parse(data) as ChatCompletionChunk & { error?: { type?: string | null } };
      if (chunk.error) throw errorFrom(chunk.error.type === "timeout_error" ? 504 : 502, chunk, this.response.headers);
      if (chunk.memory) this.memory = chunk.memory;
      yield chunk;
    }
  }

  /** The whole answer's text (first choice), once the stream has ended. */
  async text(): Promise<string> {
    let text = "";
    for await (const chunk of this) text += chunk.choices[0]?.delta?.content ?? "";
    return text;
  }
}
