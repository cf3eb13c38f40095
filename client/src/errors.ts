import type { components } from "./openapi-types.js";

/** The body of every error answer of the API (`details` is absent in the OpenAI-shaped ones). */
export type ErrorBody = Omit<components["schemas"]["Error"]["error"], "details"> & { details?: unknown };

/** Every error this SDK throws. */
export class AiMemoryError extends Error {
  override name = "AiMemoryError";
}

/** The API answered with an error status; `code`, `message` and `details` are its `error` object. */
export class APIError extends AiMemoryError {
  override name = "APIError";
  readonly code: string;
  readonly details: unknown;

  constructor(
    readonly status: number,
    body: ErrorBody | undefined,
    readonly headers: Headers,
  ) {
    super(body?.message ?? `HTTP ${status}`);
    this.code = body?.code ?? "unknown";
    this.details = body?.details;
  }

  /** The subclass for a status, so callers can `catch (e) { if (e instanceof NotFoundError) ... }`. */
  static generate(status: number, body: ErrorBody | undefined, headers: Headers): APIError {
    const ErrorClass = STATUS_ERRORS[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new ErrorClass(status, body, headers);
  }
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
}
export class PayloadTooLargeError extends APIError {
  override name = "PayloadTooLargeError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}
export class UpstreamError extends APIError {
  override name = "UpstreamError";
}
export class ServiceUnavailableError extends APIError {
  override name = "ServiceUnavailableError";
}
export class UpstreamTimeoutError extends APIError {
  override name = "UpstreamTimeoutError";
}

const STATUS_ERRORS: Record<number, new (status: number, body: ErrorBody | undefined, headers: Headers) => APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  429: RateLimitError,
  500: InternalServerError,
  502: UpstreamError,
  503: ServiceUnavailableError,
  504: UpstreamTimeoutError,
};

/** No answer at all: the network failed, or the server did not answer in time. */
export class APIConnectionError extends AiMemoryError {
  override name = "APIConnectionError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = "APIConnectionTimeoutError";
}
