import express, { type Express } from "express";
import { LIMITS } from "../memory/memory-types";
import { adminClaimRoutes } from "./admin-claim-routes";
import { aiRoutes } from "./ai-routes";
import type { AppDeps } from "./app-deps";
import { authenticate } from "./auth-middleware";
import { bodyLimit, jsonBodiesOnly, requestGuard } from "./body-limit";
import { completionsRoutes, openAiErrorBody } from "./completions-routes";
import { mcpRoutes } from "../mcp/mcp-routes";
import { errorMiddleware, notFoundRoute } from "./error-middleware";
import { factRoutes } from "./fact-routes";
import { meRoutes } from "./me-routes";
import { memoryRoutes } from "./memory-routes";
import { openApiDocument } from "./openapi";
import { relayRoutes } from "./relay-routes";
import { searchRoutes } from "./search-routes";
import { seedRoutes } from "./seed-routes";
import { sessionRoutes } from "./session-routes";
import { userRoutes } from "./user-routes";
import { toolRoutes } from "./tool-routes";

/** The whole HTTP API as one Express app: the `api` function serves it, tests drive it with supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(bodyLimit(LIMITS.bodyBytes));
  app.use(jsonBodiesOnly());
  app.use(express.json({ limit: LIMITS.bodyBytes }));
  app.use(requestGuard());

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument());
  });

  // Authenticates on its own, so that even a 401 answers in OpenAI's error shape.
  app.use("/v1", completionsRoutes(deps));
  app.use(authenticate(deps));
  app.use(seedRoutes(deps));
  app.use("/v1", aiRoutes(deps));
  app.use("/v1", adminClaimRoutes(deps));
  app.use("/v1", meRoutes(deps));
  app.use("/v1", userRoutes(deps));
  app.use("/v1", sessionRoutes(deps));
  app.use("/v1", searchRoutes(deps)); // before memoryRoutes: /memories/search is not a memory type
  app.use("/v1", memoryRoutes(deps));
  app.use("/v1", factRoutes(deps));
  app.use("/v1", relayRoutes(deps));
  app.use("/v1", toolRoutes(deps));
  app.use("/mcp", mcpRoutes(deps));
  app.use(notFoundRoute);
  app.use(errorMiddleware({ "/v1/chat/completions": openAiErrorBody, "/v1/models": openAiErrorBody }));
  return app;
}
