import type { NextFunction, Request, Response } from "express";
import { AppError, retryAfterOf } from "../errors";
import * as logs from "../logs";
import { indexFullError } from "../search/index-limits";

interface HttpLibraryError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

/**
 * Maps the failures of Express and body-parser (malformed JSON, too large, an undecodable path)
 * onto the error vocabulary. They carry a 4xx status; anything else stays unknown.
 */
function fromHttpLibrary(error: HttpLibraryError): AppError | null {
  if (typeof error !== "object" || error === null) return null;
  if (error.type === "entity.parse.failed")
    return new AppError("invalid_argument", "body: malformed JSON", { field: "body" });
  if (error.type === "entity.too.large" || error.status === 413) {
    return new AppError("payload_too_large", "body: the request body is too large", { field: "body" });
  }
  if (error.type === "encoding.unsupported" || error.type === "charset.unsupported") {
    return new AppError("invalid_argument", "body: unsupported encoding", { field: "body" });
  }
  const status = error.status ?? error.statusCode;
  if (typeof status !== "number" || status < 400 || status > 499) return null;
  if (/decode param/i.test(error.message ?? "")) {
    return new AppError("invalid_argument", "path: a path segment is not valid percent-encoded UTF-8", {
      field: "path",
    });
  }
  return new AppError("invalid_argument", `request: ${error.expose ? error.message : "malformed request"}`, {
    field: "request",
  });
}

/** Turns an error into a status and a body; the REST shape by default. */
export type ErrorShape = (error: AppError | unknown) => { status: number; body: unknown };

const restShape: ErrorShape = (error) => {
  if (error instanceof AppError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, details: error.details ?? null } },
    };
  }
  return { status: 500, body: { error: { code: "internal", message: "internal error", details: null } } };
};

/**
 * The one place errors become HTTP answers. Unknown errors are hidden behind a 500; every 5xx is
 * logged. `shapes` answers the paths under some prefixes in another shape (the OpenAI-compatible
 * routes in OpenAI's), so that a failure before the route runs (too large, not JSON) still answers
 * as its clients expect.
 */
export function errorMiddleware(shapes: Record<string, ErrorShape> = {}) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known =
      error instanceof AppError ? error : (fromHttpLibrary(error as HttpLibraryError) ?? indexFullError(error));
    const path = req.path.toLowerCase();
    const shape = Object.entries(shapes).find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))?.[1];
    const retryAfter = known ? retryAfterOf(known) : null;
    if (retryAfter !== null) res.set("Retry-After", String(retryAfter));
    const { status, body } = (shape ?? restShape)(known ?? error);
    if (status >= 500) logs.serverError(req, status, known ?? error);
    res.status(status).json(body);
  };
}

export function notFoundRoute(req: Request, res: Response): void {
  res.status(404).json({ error: { code: "not_found", message: `no route ${req.method} ${req.path}`, details: null } });
}
