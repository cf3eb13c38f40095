import { APIConnectionError, APIConnectionTimeoutError, APIError, type ErrorBody } from "./errors.js";

export interface TransportOptions {
  baseURL: string;
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
  defaultHeaders?: Record<string, string>;
}

/** Per call: what the SDK's methods and their callers may set. */
export interface RequestOptions {
  /** Sent as `Idempotency-Key`; creates and chat get one automatically, so their retries are answered, not repeated. */
  idempotencyKey?: string;
  maxRetries?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface Call extends RequestOptions {
  method: string;
  path: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Safe to send twice (reads, and calls that carry an id the server deduplicates on). */
  idempotent?: boolean;
  /** Another base URL for this call (streaming goes to the function's own URL). */
  baseURL?: string;
}

const RETRIED_STATUSES = [408, 429, 500, 502, 503, 504];
/** A server that asks for a longer wait gets its error thrown instead: the caller decides. */
const MAX_RETRY_WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const randomId = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;

/** How long to wait before retry `attempt` (0-based): the server's Retry-After, else exponential backoff with jitter. */
function retryWaitMs(attempt: number, headers?: Headers): number {
  const retryAfter = Number(headers?.get("retry-after"));
  if (Number.isFinite(retryAfter) && headers?.get("retry-after")) return retryAfter * 1000;
  return Math.min(500 * 2 ** attempt, 8000) * (0.75 + Math.random() / 2);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: "invalid_response", message: text.slice(0, 500) } };
  }
}

/** The API's error body (ours, or OpenAI's shape on the chat routes) as an APIError subclass. */
export function errorFrom(status: number, parsed: unknown, headers: Headers): APIError {
  const error = (parsed as { error?: ErrorBody & { type?: string | null } } | undefined)?.error;
  const body = error ? { ...error, code: error.code ?? error.type ?? "unknown" } : undefined;
  return APIError.generate(status, body, headers);
}

/** fetch with the bearer, a timeout, retries of what is safe to retry, and one error class per status. */
export class Transport {
  constructor(readonly options: TransportOptions) {}

  /** The raw response of a successful call (status < 400), after retries. */
  async send(call: Call): Promise<Response> {
    const maxRetries = call.idempotent || call.idempotencyKey ? (call.maxRetries ?? this.options.maxRetries) : 0;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(call).catch((error: unknown) => error as Error);
      if (outcome instanceof Response) return outcome;
      const retriable = outcome instanceof APIConnectionError || (outcome instanceof APIError && RETRIED_STATUSES.includes(outcome.status));
      const wait = retryWaitMs(attempt, outcome instanceof APIError ? outcome.headers : undefined);
      if (!retriable || attempt >= maxRetries || wait > MAX_RETRY_WAIT_MS || call.signal?.aborted) throw outcome;
      await sleep(wait);
    }
  }

  /** The parsed JSON answer of a call. */
  async json<T>(call: Call): Promise<T> {
    const response = await this.send(call);
    const text = await response.text();
    return (text ? safeJson(text) : undefined) as T;
  }

  private url(call: Call): string {
    const query = Object.entries(call.query ?? {}).filter(([, value]) => value !== undefined);
    const search = query.length ? `?${new URLSearchParams(query.map(([key, value]) => [key, String(value)])).toString()}` : "";
    return `${(call.baseURL ?? this.options.baseURL).replace(/\/+$/, "")}${call.path}${search}`;
  }

  private async attempt(call: Call): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json", ...this.options.defaultHeaders, ...call.headers };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (call.body !== undefined) headers["content-type"] = "application/json";
    if (call.idempotencyKey) headers["idempotency-key"] = call.idempotencyKey;
    const controller = new AbortController();
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const abort = () => controller.abort();
    call.signal?.addEventListener("abort", abort, { once: true });
    let response: Response;
    try {
      response = await this.options.fetch(this.url(call), {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: controller.signal,
      });
    } catch (error) {
      const label = `${call.method} ${call.path}`;
      if (controller.signal.aborted && !call.signal?.aborted) throw new APIConnectionTimeoutError(`${label}: no answer within ${timeoutMs} ms`);
      throw new APIConnectionError(`${label}: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener("abort", abort);
    }
    if (response.ok) return response;
    const text = await response.text();
    throw errorFrom(response.status, text ? safeJson(text) : undefined, response.headers);
  }
}
