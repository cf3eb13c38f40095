import { type NextFunction, type Request, type Response, Router } from "express";
import { sessionIdSchema } from "../ids";
import { completeChat, streamChat } from "../chat/completion-service";
import type { CompletionInput, ModelRequest } from "../chat/completion-turn";
import { ModelError } from "../models/model-errors";
import { listModels } from "../models/model-list";
import { AppError, type ErrorCode, invalid, notFound, retryAfterOf } from "../errors";
import * as logs from "../logs";
import { parseInput } from "../validation";
import { toolDepsOf } from "../tools/toolbox";
import { accessAi, idempotencyKeyOf } from "./access";
import type { AppDeps } from "./app-deps";
import { authenticate, principalOf } from "./auth-middleware";
import { chatCompletionSchema, OWN_FIELDS } from "./chat-schemas";
import type { RouteDoc } from "./route-docs";
import * as chatAnswers from "./chat-answers";

/** The OpenAPI entries of these routes. */
export const completionsRouteDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/chat/completions",
    summary: "OpenAI-compatible chat with memory: the answer (or SSE chunks with stream: true) plus a memory object",
    operationId: "createChatCompletion",
    tag: "chat",
    body: chatCompletionSchema,
    responses: { 200: chatAnswers.chatCompletion },
    streams: true,
    errors: "openai",
  },
  {
    method: "get",
    path: "/v1/models",
    summary: "The models chat may use",
    operationId: "listModels",
    tag: "chat",
    responses: { 200: chatAnswers.modelList },
    errors: "openai",
  },
  {
    method: "get",
    path: "/v1/models/{model}",
    summary: "One model",
    operationId: "getModel",
    tag: "chat",
    responses: { 200: chatAnswers.modelView },
    errors: "openai",
  },
];

/** OpenAI's `error.type` for each of our codes, so OpenAI SDKs raise their usual error classes. */
const OPENAI_TYPE: Record<ErrorCode, string> = {
  invalid_argument: "invalid_request_error",
  unauthenticated: "authentication_error",
  permission_denied: "permission_error",
  not_found: "not_found_error",
  already_exists: "invalid_request_error",
  failed_precondition: "invalid_request_error",
  payload_too_large: "invalid_request_error",
  resource_exhausted: "rate_limit_error",
  internal: "server_error",
  upstream_error: "upstream_error",
  unavailable: "service_unavailable",
  upstream_timeout: "timeout_error",
};

const paramOf = (details: unknown): string | null => {
  const value = details as { field?: string; issues?: Array<{ field: string }> } | undefined;
  return value?.field ?? value?.issues?.[0]?.field ?? null;
};

interface OpenAiErrorAnswer {
  status: number;
  body: { error: { message: string; type: string | null; code: string | null; param: string | null } };
  headers: Record<string, string>;
}

/** Our error in OpenAI's shape: `{error: {message, type, code, param}}`; a model's refusal keeps its own. */
export function openAiErrorBody(error: unknown): OpenAiErrorAnswer {
  if (error instanceof ModelError && error.upstream.error) {
    const headers: Record<string, string> = error.upstream.retryAfter
      ? { "Retry-After": error.upstream.retryAfter }
      : {};
    return { status: error.status, body: { error: error.upstream.error }, headers };
  }
  if (error instanceof AppError) {
    const retryAfter = retryAfterOf(error);
    const headers: Record<string, string> = retryAfter === null ? {} : { "Retry-After": String(retryAfter) };
    return {
      status: error.status,
      body: {
        error: {
          message: error.message,
          type: OPENAI_TYPE[error.code],
          code: error.code,
          param: paramOf(error.details),
        },
      },
      headers,
    };
  }
  return {
    status: 500,
    body: { error: { message: "internal error", type: "server_error", code: "internal", param: null } },
    headers: {},
  };
}

/** Every OpenAI field of the request, our own left out: nothing the caller sent is dropped silently. */
const fromRequest = (body: Record<string, unknown>): ModelRequest =>
  Object.fromEntries(
    Object.entries(body).filter(([key, value]) => !OWN_FIELDS.includes(key) && value !== undefined),
  ) as unknown as ModelRequest;

async function completionInput(
  deps: AppDeps,
  req: Request,
  res: Response,
): Promise<{ input: CompletionInput; stream: boolean }> {
  const body = parseInput(chatCompletionSchema, req.body);
  const principal = principalOf(res);
  const aiUuid = body.ai_uuid ?? (principal.kind === "ai" ? principal.aiUuid : null);
  if (!aiUuid) throw invalid("ai_uuid: the administrator must name the AI", { field: "ai_uuid" });
  const ai = await accessAi(deps, res, aiUuid);
  const header = req.header("x-session-id");
  const sessionId = header === undefined ? body.session_id : parseInput(sessionIdSchema, header, "X-Session-Id");
  if (header !== undefined && body.session_id !== undefined && header !== body.session_id) {
    throw invalid("session_id: differs from the X-Session-Id header", { field: "session_id" });
  }
  return {
    stream: body.stream === true,
    input: {
      ai,
      userId: body.user ?? principal.userId,
      sessionId: sessionId ?? null,
      idempotencyKey: idempotencyKeyOf(req) ?? null,
      request: fromRequest(body),
    },
  };
}

/** SSE: headers go out with the first chunk, so a model that fails at once still gets an HTTP status. */
async function sendStream(chunks: AsyncGenerator<object>, res: Response): Promise<void> {
  const first = await chunks.next();
  res.status(200).set({
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
  });
  res.flushHeaders();
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  res.on("close", () => {
    if (!res.writableEnded) void chunks.return(undefined);
  });
  try {
    if (!first.done) send(first.value);
    for await (const chunk of chunks) send(chunk);
    res.write("data: [DONE]\n\n");
  } catch (error) {
    logs.streamFailed("/v1/chat/completions", error);
    send(openAiErrorBody(error).body);
  }
  res.end();
}

/**
 * `POST /v1/chat/completions` and `GET /v1/models`, mounted before the app-wide authentication so
 * that every failure, a missing token too, answers in OpenAI's error shape.
 */
export function completionsRoutes(deps: AppDeps): Router {
  const router = Router();
  const { models } = deps;
  const completionDeps = { db: deps.db, models, tools: toolDepsOf(deps.config) };
  router.post("/chat/completions", authenticate(deps), async (req, res) => {
    const { input, stream } = await completionInput(deps, req, res);
    if (stream) await sendStream(streamChat(completionDeps, input), res);
    else res.json(await completeChat(completionDeps, input));
  });

  const modelsOf = (res: Response) => {
    const principal = principalOf(res);
    return listModels(models, principal.kind === "ai" ? (principal.ai.settings.model ?? null) : null);
  };
  router.get("/models", authenticate(deps), async (_req, res) => {
    res.json(await modelsOf(res));
  });
  router.get("/models/:model", authenticate(deps), async (req, res) => {
    const model = (await modelsOf(res)).data.find((entry) => entry.id === req.params.model);
    if (!model) throw notFound(`model ${req.params.model}`);
    res.json(model);
  });

  router.use(["/chat/completions", "/models"], (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body, headers } = openAiErrorBody(error);
    if (status >= 500) logs.serverError(req, status, error);
    res.status(status).set(headers).json(body);
  });
  return router;
}
