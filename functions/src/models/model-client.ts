import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import type { ModelConfig } from "../config";
import { AppError } from "../errors";
import { jsonBytes } from "../validation";
import { badAnswer } from "./model-errors";
import { boundedStream } from "./model-stream";
import { boundedCall, lazyClient, type ModelLimits, toModelError } from "./model-transport";

/** The language model, as the chat and consolidation services use it. */
export interface ChatModel {
  readonly defaultModel: string;
  complete(request: ChatCompletionCreateParamsNonStreaming): Promise<ChatCompletion>;
  /** Resolves once the model has answered with a success status; chunks follow. Usage is asked for when the server takes `stream_options`. */
  stream(request: ChatCompletionCreateParamsStreaming): Promise<AsyncIterable<ChatCompletionChunk>>;
  /** The model ids the server lists (`GET /models`); empty when it lists none or fails. */
  listModels(): Promise<string[]>;
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

export type ModelOptions = Partial<ModelLimits>;

export const OPENAI_DEFAULT_URL = "https://api.openai.com/v1";
/**
 * A chat turn ends before Hosting's 60 s: 45 s for the model, retries included; a stream may run
 * 100 s (through the function's own URL), within the function's 120 s. 200 kB of answer at most:
 * the exchange is stored twice (chat log and memory) under Firestore's 1 MiB per document.
 */
export const MODEL_LIMITS: ModelLimits = {
  timeoutMs: 45_000,
  streamMs: 100_000,
  maxRetries: 1,
  maxAnswerBytes: 200_000,
};
const MODEL_LIST_TIMEOUT_MS = 5_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A completion the caller can rely on: an object with choices that hold messages, within the size limit. */
function checkedCompletion(value: unknown, maxAnswerBytes: number): ChatCompletion {
  if (!isObject(value) || !Array.isArray(value.choices)) throw badAnswer("is not a chat completion");
  if (value.choices.length === 0) throw badAnswer("has no choices");
  if (!value.choices.every((choice) => isObject(choice) && isObject(choice.message)))
    throw badAnswer("has a choice without a message");
  if (jsonBytes(value) > maxAnswerBytes) throw badAnswer(`is larger than ${maxAnswerBytes} bytes`);
  return value as unknown as ChatCompletion;
}

/** Servers that refuse `stream_options` (some OpenAI-compatible ones) say so in a 400 naming it. */
const refusesStreamOptions = (error: AppError): boolean =>
  error.status === 400 && /stream_options/i.test(error.message);

function openAiChatModel(config: ModelConfig["openai"], limits: ModelLimits): ChatModel {
  const client = lazyClient({
    apiKey: config.apiKey || "not-needed",
    baseURL: config.baseUrl || OPENAI_DEFAULT_URL,
    maxAnswerBytes: limits.maxAnswerBytes,
  });
  const toError = (error: unknown) => toModelError(error, limits.timeoutMs);
  let takesStreamOptions = true;

  const openStream = async (request: ChatCompletionCreateParamsStreaming) => {
    const controller = new AbortController();
    const source = await boundedCall(limits, async ({ signal, ...options }) => {
      signal.addEventListener("abort", () => controller.abort(), { once: true });
      return (await client()).chat.completions.create(request, { ...options, signal: controller.signal });
    });
    return boundedStream(source, controller, limits, toError);
  };

  return {
    defaultModel: config.model,
    async complete(request) {
      const answer = await boundedCall(limits, async (options) =>
        (await client()).chat.completions.create(request, options),
      );
      return checkedCompletion(answer, limits.maxAnswerBytes);
    },
    async stream(request) {
      if (!takesStreamOptions || request.stream_options) return openStream(request);
      try {
        return await openStream({ ...request, stream_options: { include_usage: true } });
      } catch (error) {
        if (!(error instanceof AppError) || !refusesStreamOptions(error)) throw error;
        takesStreamOptions = false;
        return openStream(request);
      }
    },
    async listModels() {
      const list = await boundedCall({ ...limits, timeoutMs: MODEL_LIST_TIMEOUT_MS, maxRetries: 0 }, async (options) =>
        (await client()).models.list(options),
      ).catch(() => null);
      return (list?.data ?? []).map((model) => model.id).filter((id): id is string => typeof id === "string");
    },
  };
}

function openAiEmbedder(config: ModelConfig, limits: ModelLimits): Embedder {
  const client = lazyClient({
    apiKey: config.openai.apiKey || "not-needed",
    baseURL: config.embedding.baseUrl || config.openai.baseUrl || OPENAI_DEFAULT_URL,
    maxAnswerBytes: 64 * limits.maxAnswerBytes,
  });
  const { model, dimensions } = config.embedding;
  return {
    model,
    dimensions,
    async embed(texts) {
      const answer = await boundedCall(limits, async (options) =>
        (await client()).embeddings.create({ model, input: texts, dimensions }, options),
      );
      if (!Array.isArray(answer?.data)) throw badAnswer("is not a list of embeddings");
      return answer.data.sort((a, b) => a.index - b.index).map((item) => item.embedding);
    },
  };
}

/** The local demo model of `npm start -- --demo-model` (scripts/demo-model.mjs): for the emulators only. */
export const DEMO_MODEL = "ai-memory-demo";

/** What a deployed project answers when configured with the demo model: a 503 that says why. */
function refusedDemoModel(): ChatModel {
  const refuse = async (): Promise<never> => {
    throw new AppError(
      "unavailable",
      `${DEMO_MODEL} is the local demo model of the emulators, refused in a deployed project: set OPENAI_MODEL and OPENAI_BASE_URL to a real model`,
    );
  };
  return { defaultModel: DEMO_MODEL, complete: refuse, stream: refuse, listModels: async () => [] };
}

const isRefusedDemo = (config: ModelConfig["openai"]) =>
  config.model === DEMO_MODEL && process.env.FUNCTIONS_EMULATOR !== "true";

/** OpenAI's own endpoint needs a key; any other (a local server) may go without one. */
export const chatModelConfigured = (config: ModelConfig["openai"]): boolean =>
  Boolean(config.apiKey) || Boolean(config.baseUrl && config.baseUrl.replace(/\/+$/, "") !== OPENAI_DEFAULT_URL);

/** The models of a configuration, each client built on first use. */
export function openAiModels(config: ModelConfig, options: ModelOptions = {}): ModelDeps {
  const limits = { ...MODEL_LIMITS, ...options };
  let chat: ChatModel | null | undefined;
  let embedder: Embedder | null | undefined;
  return {
    get chat() {
      if (chat === undefined && isRefusedDemo(config.openai)) chat = refusedDemoModel();
      if (chat === undefined) chat = chatModelConfigured(config.openai) ? openAiChatModel(config.openai, limits) : null;
      return chat;
    },
    get embedder() {
      if (embedder === undefined)
        embedder = config.embedding.model && chatModelConfigured(config.openai) ? openAiEmbedder(config, limits) : null;
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
