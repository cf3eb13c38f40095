import { type Response, Router } from "express";
import { aiUuidSchema, sessionIdSchema } from "../ids";
import { listChats, toChatView } from "../chat/chat-log";
import {
  type ChatSession,
  createSession,
  getSession,
  getSessionOfAnyAi,
  listSessions,
  toSessionView,
} from "../chat/session-service";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import { accessAi } from "./access";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import { createSessionSchema, listQuerySchema } from "./chat-schemas";
import type { RouteDoc } from "./route-docs";
import { sessionItemRouteDocs, sessionItemRoutes } from "./session-item-routes";
import * as answers from "./response-schemas";

/** The OpenAPI entries of these routes. */
export const sessionRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}/sessions",
    summary: "The AI's chat sessions, most recently active first",
    operationId: "listSessions",
    tag: "sessions",
    query: listQuerySchema,
    responses: { 200: answers.sessionList },
  },
  {
    method: "post",
    path: "/v1/ais/{ai_uuid}/sessions",
    summary: "Start a chat session",
    operationId: "createSession",
    tag: "sessions",
    body: createSessionSchema,
    responses: { 201: answers.sessionView },
  },
  {
    method: "get",
    path: "/v1/ais/{ai_uuid}/sessions/{session_id}/chats",
    summary: "A session's exchanges, oldest first",
    operationId: "listSessionChats",
    tag: "sessions",
    query: listQuerySchema,
    responses: { 200: answers.sessionChats },
  },
  {
    method: "get",
    path: "/v1/sessions/{session_id}/chats",
    summary: "A session's exchanges, oldest first (an AI's own session, or the admin's when one AI uses the id)",
    operationId: "listChatsBySession",
    tag: "sessions",
    query: listQuerySchema,
    responses: { 200: answers.sessionChats },
  },
  ...sessionItemRouteDocs,
];

/** Sessions and the chat log. */
export function sessionRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(sessionItemRoutes(deps));
  const aiOf = (aiUuid: unknown, res: Response) => accessAi(deps, res, parseInput(aiUuidSchema, aiUuid, "ai_uuid"));

  router.get("/ais/:ai_uuid/sessions", async (req, res) => {
    const ai = await aiOf(req.params.ai_uuid, res);
    const { limit } = parseInput(listQuerySchema, req.query, "query");
    res.json({ sessions: (await listSessions(deps.db, ai.ai_uuid, limit)).map(toSessionView) });
  });

  router.post("/ais/:ai_uuid/sessions", async (req, res) => {
    const ai = await aiOf(req.params.ai_uuid, res);
    const body = parseInput(createSessionSchema, req.body ?? {});
    const session = await createSession(deps.db, {
      aiUuid: ai.ai_uuid,
      userId: body.user_id ?? principalOf(res).userId,
      name: body.name,
    });
    res.status(201).json(toSessionView(session));
  });

  const chatsOf = async (session: ChatSession, query: unknown) => {
    const { limit } = parseInput(listQuerySchema, query, "query");
    return { session: toSessionView(session), chats: (await listChats(deps.db, session, limit)).map(toChatView) };
  };

  router.get("/ais/:ai_uuid/sessions/:session_id/chats", async (req, res) => {
    const ai = await aiOf(req.params.ai_uuid, res);
    const session = await getSession(
      deps.db,
      ai.ai_uuid,
      parseInput(sessionIdSchema, req.params.session_id, "session_id"),
    );
    res.json(await chatsOf(session, req.query));
  });

  router.get("/sessions/:session_id/chats", async (req, res) => {
    const sessionId = parseInput(sessionIdSchema, req.params.session_id, "session_id");
    // An AI token names its own AI (another AI's session is "not found": nothing leaks).
    const principal = principalOf(res);
    const session =
      principal.kind === "ai"
        ? await getSession(deps.db, principal.aiUuid, sessionId)
        : await getSessionOfAnyAi(deps.db, sessionId);
    // A user asking for another user's session learns no more than for one that does not exist.
    await accessAi(deps, res, session.ai_uuid).catch((error: unknown) => {
      throw principal.kind === "user" ? notFound(`session ${sessionId}`) : error;
    });
    res.json(await chatsOf(session, req.query));
  });

  return router;
}
