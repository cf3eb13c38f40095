import type { OpenAI } from "openai";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import type { AppConfig } from "../config";
import { AppError } from "../errors";

/** The language model, as the chat and consolidation services use it. */
export interface ChatModel {
  readonly defaultModel: string;
  complete(request: ChatCompletionCreateParamsNonStreaming): Promise<ChatCompletion>;
  /** Resolves once the model has answered with a success status; chunks follow. */
  stream(request: ChatCompletionCreateParamsStreaming): Promise<AsyncIterable<ChatCompletionChunk>>;
}

/** Any OpenAI-compatible embeddings endpoint. */
export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
}

/** The models a deployment has: null where none is configured. */
export interface ModelDeps {
  readonly chat: ChatModel | null;
  readonly embedder: Embedder | null;
}

export interface ModelOptions {
  /** Per attempt, and the longest pause between two streamed chunks. */
  timeoutMs?: number;
  maxRetries?: number;
}

export const OPENAI_DEFAULT_URL = "https://api.openai.com/v1";
/** Within the `api` function's 120 s: two attempts of 50 s at the most. */
const DEFAULTS = { timeoutMs: 50_000, maxRetries: 1 };

type OpenAiSdk = typeof import("openai");
let sdk: OpenAiSdk | null = null;

/**
 * The openai package, loaded on the first model call: a cold start that serves memory routes
 * never pays for it (about 45 ms here).
 */
async function loadSdk(): Promise<OpenAiSdk> {
  sdk ??= await import("openai");
  return sdk;
}

/** A client built on first use, with the SDK loaded then. */
function lazyClient(options: ConstructorParameters<typeof OpenAI>[0]): () => Promise<OpenAI> {
  let client: Promise<OpenAI> | null = null;
  return () => (client ??= loadSdk().then(({ OpenAI: Client }) => new Client(options)));
}

/** The real OpenAI error of a chat request, as an error the caller may read. */
export function upstreamError(error: unknown, timeoutMs: number): AppError {
  if (error instanceof AppError) return error;
  if (!sdk) return new AppError("upstream_error", `the language model failed: ${(error as Error)?.message ?? String(error)}`);
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = sdk;
  if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) {
    return new AppError("upstream_timeout", `the language model did not answer within ${timeoutMs / 1000} s`);
  }
  if (error instanceof APIConnectionError) {
    return new AppError("upstream_error", `the language model could not be reached: ${error.message}`);
  }
  if (error instanceof APIError) {
    const reason = error.error && typeof error.error === "object" && "message" in error.error ? String(error.error.message) : error.message;
    return new AppError("upstream_error", `the language model failed (HTTP ${error.status ?? "stream"}): ${reason}`, {
      upstream_status: error.status ?? null,
    });
  }
  return new AppError("upstream_error", `the language model failed: ${(error as Error)?.message ?? String(error)}`);
}

/** Chunks of a stream; a pause longer than `idleMs` aborts it (a stalled stream is a timeout). */
async function* withIdleTimeout<T>(source: AsyncIterable<T>, controller: AbortController, idleMs: number): AsyncGenerator<T> {
  let timedOut = false;
  const arm = () => setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, idleMs);
  let timer = arm();
  try {
    for await (const item of source) {
      clearTimeout(timer);
      yield item;
      timer = arm();
    }
  } catch (error) {
    throw upstreamError(error, idleMs);
  } finally {
    clearTimeout(timer);
  }
  // The SDK ends an aborted stream quietly: a stall must not pass for a complete answer.
  if (timedOut) throw new AppError("upstream_timeout", `the language model did not answer within ${idleMs / 1000} s`);
}

function openAiChatModel(config: AppConfig["openai"], options: Required<ModelOptions>): ChatModel {
  const client = lazyClient({
    apiKey: config.apiKey || "not-needed",
    baseURL: config.baseUrl || OPENAI_DEFAULT_URL,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  return {
    defaultModel: config.model,
    async complete(request) {
      try {
        return await (await client()).chat.completions.create(request);
      } catch (error) {
        throw upstreamError(error, options.timeoutMs);
      }
    },
    async stream(request) {
      const controller = new AbortController();
      try {
        const stream = await (await client()).chat.completions.create(request, { signal: controller.signal });
        return withIdleTimeout(stream, controller, options.timeoutMs);
      } catch (error) {
        throw upstreamError(error, options.timeoutMs);
      }
    },
  };
}

function openAiEmbedder(config: AppConfig, options: Required<ModelOptions>): Embedder {
  const client = lazyClient({
    apiKey: config.openai.apiKey || "not-needed",
    baseURL: config.embedding.baseUrl || config.openai.baseUrl || OPENAI_DEFAULT_URL,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  const { model, dimensions } = config.embedding;
  return {
    model,
    dimensions,
    async embed(texts) {
      try {
        const answer = await (await client()).embeddings.create({ model, input: texts, dimensions });
        return answer.data.sort((a, b) => a.index - b.index).map((item) => item.embedding);
      } catch (error) {
        throw upstreamError(error, options.timeoutMs);
      }
    },
  };
}

/** OpenAI's own endpoint needs a key; any other (a local server) may go without one. */
export const chatModelConfigured = (config: AppConfig["openai"]): boolean =>
  Boolean(config.apiKey) || Boolean(config.baseUrl && config.baseUrl.replace(/\/+$/, "") !== OPENAI_DEFAULT_URL);

/** The models of a configuration, each client built on first use. */
export function openAiModels(config: AppConfig, options: ModelOptions = {}): ModelDeps {
  const resolved = { ...DEFAULTS, ...options };
  let chat: ChatModel | null | undefined;
  let embedder: Embedder | null | undefined;
  return {
    get chat() {
      if (chat === undefined) chat = chatModelConfigured(config.openai) ? openAiChatModel(config.openai, resolved) : null;
      return chat;
    },
    get embedder() {
      if (embedder === undefined) embedder = config.embedding.model && chatModelConfigured(config.openai) ? openAiEmbedder(config, resolved) : null;
      return embedder;
    },
  };
}

/** The chat model, or a 503 that says what to configure. */
export function requireChatModel(models: ModelDeps): ChatModel {
  if (models.chat) return models.chat;
  throw new AppError(
    "unavailable",
    "no language model is configured: set OPENAI_API_KEY (or OPENAI_API_KEY_FLASK_APP), or OPENAI_BASE_URL for an OpenAI-compatible server",
  );
}
