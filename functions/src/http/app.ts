import express, { type Express } from "express";
import { LIMITS } from "../memory/memory-types";
import { aiRoutes } from "./ai-routes";
import type { AppDeps } from "./app-deps";
import { authenticate } from "./auth-middleware";
import { bodyLimit } from "./body-limit";
import { errorMiddleware, notFoundRoute } from "./error-middleware";
import { memoryRoutes } from "./memory-routes";
import { openApiDocument } from "./openapi";
import { relayRoutes } from "./relay-routes";
import { seedRoutes } from "./seed-routes";

/** The whole HTTP API as one Express app: the `api` function serves it, tests drive it with supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(bodyLimit(LIMITS.bodyBytes));
  app.use(express.json({ limit: LIMITS.bodyBytes }));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument());
  });

  app.use(authenticate(deps));
  app.use(seedRoutes(deps));
  app.use("/v1", aiRoutes(deps));
  app.use("/v1", memoryRoutes(deps));
  app.use("/v1", relayRoutes(deps));
  app.use(notFoundRoute);
  app.use(errorMiddleware);
  return app;
}
