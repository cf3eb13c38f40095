import type { NextFunction, Request, Response } from "express";
import { AppError } from "../errors";
import { OBJECT_MACHINERY_KEYS, requestValueIssue } from "../firestore-values";
import { assertSize, pathOf } from "../validation";

type RawBodyRequest = Request & { rawBody?: Buffer };

/**
 * Cloud Functions parses the body before Express sees it, so express.json's own limit never runs
 * there: the declared length (or the raw body) is checked here instead.
 */
export function bodyLimit(maxBytes: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const raw = (req as RawBodyRequest).rawBody;
    const size = raw?.length ?? Number(req.header("content-length") ?? 0);
    assertSize("body", size, maxBytes, "bytes");
    next();
  };
}

const hasBody = (req: Request): boolean => {
  const raw = (req as RawBodyRequest).rawBody;
  if (raw) return raw.length > 0;
  return req.header("transfer-encoding") !== undefined || Number(req.header("content-length") ?? 0) > 0;
};

/**
 * Every route that takes a body takes JSON. Cloud Functions parses form and text bodies too, so
 * without this a form-encoded body would be read as if it were JSON.
 */
export function jsonBodiesOnly() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (hasBody(req) && !req.is(["application/json", "application/*+json"])) {
      const given = req.header("content-type") ?? "none";
      throw new AppError("invalid_argument", `Content-Type: must be application/json (got ${given.slice(0, 100)})`, {
        field: "Content-Type",
      });
    }
    next();
  };
}

/**
 * The query string's keys as sent. Read from the URL itself: Cloud Functions parses the query with
 * `qs`, which drops `__proto__` and `constructor` silently, and reads `a[b]=1` as nesting.
 */
const rawQueryKeys = (req: Request): string[] => {
  const url = req.originalUrl ?? req.url;
  const query = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  return [...new URLSearchParams(query).keys()];
};

/** Whether a path is valid percent-encoded UTF-8. */
export const decodes = (path: string): boolean => {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * Checked once for every route, before any schema runs: the body's nesting is bounded, its text is
 * valid Unicode, and neither it nor the query string has a key that would reach an object's prototype.
 */
export function requestGuard() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    // Checked before any router matches a parameter in it, so no route sees a URIError.
    if (!decodes(req.path)) {
      throw new AppError("invalid_argument", "path: a path segment is not valid percent-encoded UTF-8", { field: "path" });
    }
    for (const key of rawQueryKeys(req)) {
      if (key.split(/[[\].]/).some((part) => OBJECT_MACHINERY_KEYS.includes(part))) {
        const field = `query.${key.slice(0, 40)}`;
        throw new AppError("invalid_argument", `${field}: is not allowed as a parameter name`, { field });
      }
    }
    const issue = req.body === undefined ? null : requestValueIssue(req.body);
    if (issue) {
      const field = pathOf("", issue.path) || "(body)";
      throw new AppError("invalid_argument", `${field}: ${issue.message}`, { field, issues: [{ field, message: issue.message }] });
    }
    next();
  };
}
