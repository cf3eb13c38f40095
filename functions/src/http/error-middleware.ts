import type { NextFunction, Request, Response } from "express";
import { logger } from "firebase-functions/logger";
import { AppError, retryAfterOf } from "../errors";

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Maps body-parser's own failures (malformed JSON, too large) onto the error vocabulary. */
function fromBodyParser(error: BodyParserError): AppError | null {
  if (error.type === "entity.parse.failed") return new AppError("invalid_argument", "body: malformed JSON");
  if (error.type === "entity.too.large") return new AppError("payload_too_large", "body: the request body is too large");
  if (error.type === "encoding.unsupported" || error.type === "charset.unsupported") {
    return new AppError("invalid_argument", "body: unsupported encoding");
  }
  return null;
}

/** The one place errors become HTTP answers. Unknown errors are logged and hidden behind a 500. */
export function errorMiddleware(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const appError = error instanceof AppError ? error : fromBodyParser(error as BodyParserError);
  if (appError) {
    const retryAfter = retryAfterOf(appError);
    if (retryAfter !== null) res.set("Retry-After", String(retryAfter));
    res.status(appError.status).json({ error: { code: appError.code, message: appError.message, details: appError.details ?? null } });
    return;
  }
  logger.error("unhandled error", { path: req.path, method: req.method, error: String((error as Error)?.stack ?? error) });
  res.status(500).json({ error: { code: "internal", message: "internal error", details: null } });
}

export function notFoundRoute(req: Request, res: Response): void {
  res.status(404).json({ error: { code: "not_found", message: `no route ${req.method} ${req.path}`, details: null } });
}
