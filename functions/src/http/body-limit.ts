import type { NextFunction, Request, Response } from "express";
import { assertSize } from "../validation";

/**
 * Cloud Functions parses the body before Express sees it, so express.json's own limit never runs
 * there: the declared length (or the raw body) is checked here instead.
 */
export function bodyLimit(maxBytes: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const raw = (req as Request & { rawBody?: Buffer }).rawBody;
    const size = raw?.length ?? Number(req.header("content-length") ?? 0);
    assertSize("body", size, maxBytes, "bytes");
    next();
  };
}
