import type { OpenAI } from "openai";
import { AppError } from "../errors";
import { badAnswer, fromModelStatus, ModelError, modelTimeout } from "./model-errors";

/** Time and size bounds of every model call. */
export interface ModelLimits {
  /** The longest an answer (or a stream's first chunk) may take, retries included; also the longest silence in a stream. */
  timeoutMs: number;
  /** The longest a whole streamed answer may run. */
  streamMs: number;
  /** Retries of a failed call within `timeoutMs`: connection failures, 5xx, and 429s that ask for a short wait. */
  maxRetries: number;
  /** The largest answer taken: a non-streamed completion's JSON, or a stream's text. */
  maxAnswerBytes: number;
}

type OpenAiSdk = typeof import("openai");
let sdk: OpenAiSdk | null = null;

/**
 * The openai package, loaded on the first model call: a cold start that serves memory routes
 * never pays for it (about 45 ms here).
 */
export async function loadSdk(): Promise<OpenAiSdk> {
  sdk ??= await import("openai");
  return sdk;
}

/** The largest wait for a retry: a model that asks for longer gets its 429 passed on instead. */
const RETRY_WAIT_CAP_MS = 2_000;
const FIRST_RETRY_WAIT_MS = 250;
/** A retry is only worth it with this much time left (a quarter of the deadline, a second at most). */
const minAttemptMs = (timeoutMs: number) => Math.min(1_000, timeoutMs / 4);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before retrying a raw SDK error, or null when it must not be retried. */
function retryWaitMs(error: unknown): number | null {
  if (!sdk || error instanceof AppError) return null;
  if (error instanceof sdk.APIConnectionTimeoutError || error instanceof sdk.APIUserAbortError) return null;
  if (error instanceof sdk.APIConnectionError) return FIRST_RETRY_WAIT_MS;
  if (!(error instanceof sdk.APIError) || !error.status) return null;
  if (error.headers?.get("x-should-retry") === "false") return null;
  if (error.status === 429) {
    const seconds = Number(error.headers?.get("retry-after"));
    return Number.isFinite(seconds) && seconds * 1000 <= RETRY_WAIT_CAP_MS ? Math.max(seconds * 1000, FIRST_RETRY_WAIT_MS) : null;
  }
  return [408, 500, 502, 503, 504].includes(error.status) ? FIRST_RETRY_WAIT_MS : null;
}

/** Any failure of a model call as the caller should see it. */
export function toModelError(error: unknown, timeoutMs: number): AppError {
  if (error instanceof AppError) return error;
  if (sdk && (error instanceof sdk.APIConnectionTimeoutError || error instanceof sdk.APIUserAbortError)) return modelTimeout(timeoutMs);
  if (sdk && error instanceof sdk.APIConnectionError) {
    return new ModelError("upstream_error", `the language model could not be reached: ${error.message}`);
  }
  if (sdk && error instanceof sdk.APIError) return fromModelStatus(error);
  return new ModelError("upstream_error", `the language model failed: ${(error as Error)?.message ?? String(error)}`);
}

/**
 * One model call within `limits.timeoutMs`, retries included. The SDK's own retries are off: it
 * honours any Retry-After (an hour, if asked), and its timeout stops at the headers, so a stalled
 * body would hang. Here the whole call, body included, is bounded.
 */
export async function boundedCall<T>(
  limits: ModelLimits,
  call: (options: { signal: AbortSignal; timeout: number; maxRetries: 0 }) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + limits.timeoutMs;
  for (let retries = 0; ; retries++) {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(modelTimeout(limits.timeoutMs));
      }, Math.max(deadline - Date.now(), 1));
    });
    try {
      return await Promise.race([call({ signal: controller.signal, timeout: Math.max(deadline - Date.now(), 1), maxRetries: 0 }), expired]);
    } catch (error) {
      const wait = retries < limits.maxRetries ? retryWaitMs(error) : null;
      if (wait === null || Date.now() + wait + minAttemptMs(limits.timeoutMs) > deadline) throw toModelError(error, limits.timeoutMs);
      await sleep(wait);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A body cut off at `maxBytes`: a runaway answer fails instead of filling the instance's memory. */
function limitedBody(body: ReadableStream<Uint8Array>, maxBytes: number, maxAnswerBytes: number): ReadableStream<Uint8Array> {
  let bytes = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) controller.error(badAnswer(`is larger than ${maxAnswerBytes} bytes`));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * fetch for the SDK with the answer's size bounded: a JSON answer at twice the stored limit (room
 * for whitespace), a stream at 32 times (each chunk's envelope is larger than its text).
 */
export function boundedFetch(maxAnswerBytes: number): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.body || !response.ok) return response;
    const streamed = (response.headers.get("content-type") ?? "").includes("text/event-stream");
    const body = limitedBody(response.body, (streamed ? 32 : 2) * maxAnswerBytes, maxAnswerBytes);
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** A client built on first use, with the SDK loaded then; its own retries are off (see boundedCall). */
export function lazyClient(options: { apiKey: string; baseURL: string; maxAnswerBytes: number }): () => Promise<OpenAI> {
  let client: Promise<OpenAI> | null = null;
  return () =>
    (client ??= loadSdk().then(
      ({ OpenAI: Client }) => new Client({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, fetch: boundedFetch(options.maxAnswerBytes) }),
    ));
}
