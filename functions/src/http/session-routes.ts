import { type Response, Router } from "express";
import { listChats, listSessions, toChatView } from "../chat/chat-log";
import { createSession, getSession, sessionsCollection, type ChatSession, toSessionView } from "../chat/session-service";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import { accessAi } from "./access";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import { createSessionSchema, listQuerySchema, sessionIdSchema } from "./chat-schemas";
import { registerRouteDocs } from "./openapi";
import { aiUuidSchema } from "./schemas";

registerRouteDocs(
  { method: "get", path: "/v1/ais/{ai_uuid}/sessions", summary: "The AI's chat sessions, most recently active first" },
  { method: "post", path: "/v1/ais/{ai_uuid}/sessions", summary: "Start a chat session", body: createSessionSchema, status: 201 },
  { method: "get", path: "/v1/ais/{ai_uuid}/sessions/{session_id}/chats", summary: "A session's exchanges, oldest first" },
  { method: "get", path: "/v1/sessions/{session_id}/chats", summary: "A session's exchanges, oldest first" },
);

/** Sessions and the chat log. */
export function sessionRoutes(deps: AppDeps): Router {
  const router = Router();
  const aiOf = (aiUuid: unknown, res: Response) => accessAi(deps, res, parseInput(aiUuidSchema, aiUuid, "ai_uuid"));

  router.get("/ais/:ai_uuid/sessions", async (req, res) => {
    const ai = await aiOf(req.params.ai_uuid, res);
    const { limit } = parseInput(listQuerySchema, req.query, "query");
    res.json({ sessions: (await listSessions(deps.db, ai.ai_uuid, limit)).map(toSessionView) });
  });

  router.post("/ais/:ai_uuid/sessions", async (req, res) => {
    const ai = await aiOf(req.params.ai_uuid, res);
    const body = parseInput(createSessionSchema, req.body ?? {});
    const session = await createSession(deps.db, { aiUuid: ai.ai_uuid, userId: body.user_id ?? principalOf(res).userId, name: body.name });
    res.status(201).json(toSessionView(session));
  });

  const chatsOf = async (session: ChatSession, query: unknown) => {
    const { limit } = parseInput(listQuerySchema, query, "query");
    return { session: toSessionView(session), chats: (await listChats(deps.db, session.id, limit)).map(toChatView) };
  };

  router.get("/ais/:ai_uuid/sessions/:session_id/chats", async (req, res) => {
    const ai = await aiOf(req.params.ai_uuid, res);
    const session = await getSession(deps.db, ai.ai_uuid, parseInput(sessionIdSchema, req.params.session_id, "session_id"));
    res.json(await chatsOf(session, req.query));
  });

  router.get("/sessions/:session_id/chats", async (req, res) => {
    const sessionId = parseInput(sessionIdSchema, req.params.session_id, "session_id");
    const session = (await sessionsCollection(deps.db).doc(sessionId).get()).data() as ChatSession | undefined;
    // Another AI's session is "not found" to an AI token: existence does not leak.
    const principal = principalOf(res);
    if (!session || (principal.kind === "ai" && principal.aiUuid !== session.ai_uuid)) throw notFound(`session ${sessionId}`);
    await accessAi(deps, res, session.ai_uuid);
    res.json(await chatsOf(session, req.query));
  });

  return router;
}
