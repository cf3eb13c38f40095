import type { APIError } from "openai";
import { AppError, type ErrorCode } from "../errors";

/** OpenAI's error object: `{message, type, code, param}`. */
export interface OpenAiErrorObject {
  message: string;
  type: string | null;
  code: string | null;
  param: string | null;
}

/**
 * The model's refusals that are the caller's to see, with their own status: a bad request is not
 * worth a retry, and a rate limit keeps its Retry-After. Anything else the model answers (its 5xx,
 * and a 401/403 about our own key) is a 502: the fault is upstream, not in the caller's request.
 */
const PASSED_THROUGH: Partial<Record<number, ErrorCode>> = {
  400: "invalid_argument",
  404: "not_found",
  409: "failed_precondition",
  413: "payload_too_large",
  422: "invalid_argument",
  429: "resource_exhausted",
};

/** A failure of the language model, answered with the status and OpenAI error the caller should see. */
export class ModelError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly upstream: { status?: number; error?: OpenAiErrorObject; retryAfter?: string } = {},
  ) {
    super(code, message, { upstream_status: upstream.status ?? null });
  }

  override get status(): number {
    return this.upstream.status && PASSED_THROUGH[this.upstream.status] ? this.upstream.status : super.status;
  }
}

export const modelTimeout = (ms: number): ModelError =>
  new ModelError("upstream_timeout", `the language model did not answer within ${ms / 1000} s`);

export const badAnswer = (what: string): ModelError =>
  new ModelError("upstream_error", `the language model's answer ${what}`);

const text = (value: unknown): string | null => (typeof value === "string" ? value : value == null ? null : String(value));

/** The upstream's error object, whatever shape the server gave it. */
function errorObject(error: APIError): OpenAiErrorObject {
  const body = (error.error ?? {}) as Record<string, unknown>;
  const message = text(body.message) ?? error.message;
  return { message, type: text(body.type), code: text(body.code), param: text(body.param) };
}

/** An HTTP error status of the model, as the caller should see it. */
export function fromModelStatus(error: APIError): ModelError {
  const status = error.status ?? 0;
  const upstream = errorObject(error);
  const code = PASSED_THROUGH[status];
  if (code) {
    const retryAfter = error.headers?.get("retry-after") ?? undefined;
    return new ModelError(code, upstream.message, { status, error: upstream, retryAfter });
  }
  const hint = status === 401 || status === 403 ? " (check OPENAI_API_KEY)" : "";
  return new ModelError("upstream_error", `the language model failed (HTTP ${status || "stream"})${hint}: ${upstream.message}`, { status });
}
