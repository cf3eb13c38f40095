import type { Request, Response } from "express";
import type { Express } from "express";
import { composeAppDeps } from "../compose";
import { createApp } from "./app";

let app: Express | null = null;

/** Serves one request of the `api` function, composing the app on the first. */
export function handleApiRequest(req: Request, res: Response): void {
  app ??= createApp(composeAppDeps());
  app(req, res);
}
