import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { appendItems, clearItems, listItems, popItem, toItemView } from "../chat/session-items";
import { aiUuidSchema, sessionIdSchema } from "../ids";
import { LIMITS } from "../memory/memory-types";
import { parseInput, strictObject } from "../validation";
import { accessAi, idempotencyKeyOf } from "./access";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import { json, named, time } from "./response-registry";
import type { RouteDoc } from "./route-docs";
import { queryLimitSchema } from "./schemas";

/** An item as JSON text: at most this long (a Firestore document holds 1 MiB). */
const ITEM_MAX_CHARS = 200_000;
const ITEMS_PATH = "/v1/ais/{ai_uuid}/sessions/{session_id}/items";

const itemSchema = z
  .record(z.string(), z.unknown(), { error: "must be an object (a message, a tool call, ...)" })
  .refine(
    (item) => JSON.stringify(item).length <= ITEM_MAX_CHARS,
    `must be at most ${ITEM_MAX_CHARS} characters of JSON`,
  );

export const appendItemsSchema = strictObject({
  items: z.array(itemSchema).min(1, "must hold at least one item").max(100, "at most 100 items per call"),
  model: z.string().min(1).max(200).optional().describe("the model the agent ran, stored with its exchanges"),
  session_name: z.string().trim().min(1).max(200).optional().describe("the name of a session this call starts"),
});

export const listItemsQuerySchema = strictObject({
  limit: queryLimitSchema.default(LIMITS.retrieveMax),
  before: z
    .preprocess((value) => (typeof value === "string" && /^\d{1,12}$/.test(value) ? Number(value) : value), z.number())
    .optional()
    .describe("a position: only older items (the previous page's next_before)"),
});

const itemView = named("SessionItem", z.strictObject({ position: z.number().int(), item: json, created_at: time }));
const itemPage = named(
  "SessionItems",
  z.strictObject({
    items: z.array(itemView).describe("oldest first"),
    next_before: z.number().int().nullable().describe("where the older page ends; null at the start"),
  }),
);
const appended = named(
  "AppendedItems",
  z.strictObject({
    positions: z.array(z.number().int()),
    chat_ids: z
      .array(z.string())
      .describe("the exchanges (user message, then assistant message) these items completed"),
    replayed: z.boolean().describe("a retry of the last append (same Idempotency-Key): nothing written again"),
  }),
);
const popped = named("PoppedItem", z.strictObject({ item: itemView.nullable() }));
const cleared = named("ClearedItems", z.strictObject({ deleted: z.number().int() }));

/** The OpenAPI entries of these routes. */
export const sessionItemRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: ITEMS_PATH,
    summary: "A session's items (an agent framework's conversation), the newest page, oldest first",
    operationId: "listSessionItems",
    tag: "sessions",
    query: listItemsQuerySchema,
    responses: { 200: itemPage },
  },
  {
    method: "post",
    path: ITEMS_PATH,
    summary: "Append items; a user message then an assistant message is also an exchange of the session",
    operationId: "appendSessionItems",
    tag: "sessions",
    body: appendItemsSchema,
    responses: { 201: appended },
  },
  {
    method: "delete",
    path: `${ITEMS_PATH}/last`,
    summary: "Remove and answer the newest item",
    operationId: "popSessionItem",
    tag: "sessions",
    responses: { 200: popped },
  },
  {
    method: "delete",
    path: ITEMS_PATH,
    summary: "Remove every item (the session's exchanges and memories stay)",
    operationId: "clearSessionItems",
    tag: "sessions",
    responses: { 200: cleared },
  },
];

/** A session's items: the Session of agent frameworks, stored by the product. */
export function sessionItemRoutes(deps: AppDeps): Router {
  const router = Router();
  const target = async (req: Request, res: Response) => {
    const ai = await accessAi(deps, res, parseInput(aiUuidSchema, req.params.ai_uuid, "ai_uuid"));
    return { aiUuid: ai.ai_uuid, sessionId: parseInput(sessionIdSchema, req.params.session_id, "session_id") };
  };
  const path = "/ais/:ai_uuid/sessions/:session_id/items";

  router.get(path, async (req, res) => {
    const { aiUuid, sessionId } = await target(req, res);
    const { limit, before } = parseInput(listItemsQuerySchema, req.query, "query");
    const items = await listItems(deps.db, aiUuid, sessionId, limit, before);
    const first = items[0]?.position;
    res.json({ items: items.map(toItemView), next_before: items.length === limit && first > 0 ? first : null });
  });

  router.post(path, async (req, res) => {
    const { aiUuid, sessionId } = await target(req, res);
    const body = parseInput(appendItemsSchema, req.body);
    const result = await appendItems(deps.db, {
      aiUuid,
      sessionId,
      userId: principalOf(res).userId,
      items: body.items,
      model: body.model,
      sessionName: body.session_name,
      idempotencyKey: idempotencyKeyOf(req),
    });
    res
      .status(201)
      .json({ positions: result.positions, chat_ids: result.chats.map((chat) => chat.id), replayed: result.replayed });
  });

  router.delete(`${path}/last`, async (req, res) => {
    const { aiUuid, sessionId } = await target(req, res);
    const item = await popItem(deps.db, aiUuid, sessionId);
    res.json({ item: item && toItemView(item) });
  });

  router.delete(path, async (req, res) => {
    const { aiUuid, sessionId } = await target(req, res);
    res.json({ deleted: await clearItems(deps.db, aiUuid, sessionId) });
  });

  return router;
}
