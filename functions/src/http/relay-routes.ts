import { type Response, Router } from "express";
import { z } from "zod";
import { aiUuidSchema, clientEventIdSchema, clientIdSchema } from "../ids";
import type { EventSender } from "../events/room-events";
import { toEventView } from "../events/room-events";
import { emitEvent, heartbeat, joinRoom, leave, onlineClients, toPresenceView } from "../events/relay-service";
import { fitsFirestoreField } from "../firestore-values";
import { MEMORY_TYPES } from "../memory/memory-types";
import { jsonBytes, assertSize, parseInput, strictObject } from "../validation";
import { accessAi } from "./access";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import type { RouteDoc } from "./route-docs";
import { relayAnswer } from "./relay-answers";

/** A client event's payload is small: rooms carry signals, memories carry content. */
export const RELAY_DATA_BYTES = 16_000;
/**
 * Names the server speaks itself, and the names of the AI's collections (a client event named like
 * one would read as one in logs and listeners); clients emit anything else, `message` above all.
 */
const RESERVED_EVENTS = [
  "connect",
  "authenticate",
  "join",
  "heartbeat",
  "leave",
  "memory_update",
  "presence",
  ...MEMORY_TYPES,
  "events",
  "memory_history",
  "versions",
  "embeddings",
  "search_index",
  "index_log",
  "index_segments",
  "idempotency_keys",
  "event_cursors",
  "chat_sessions",
  "chats",
  "ai_registry",
];

const eventNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_.:-]{0,63}$/, {
    error: "must be 1 to 64 lowercase letters, digits or _ . : -, starting with a letter",
  })
  .refine((name) => !RESERVED_EVENTS.includes(name), { error: `is reserved (${RESERVED_EVENTS.join(", ")})` });
const jsonSchema = fitsFirestoreField(z.unknown(), "data");
const room = { ai_uuid: aiUuidSchema.optional(), client_id: clientIdSchema.optional() };

/** `{event, data}` without an action is an emit, as a socket's `emit(event, data)`. */
export const relaySchema = z.discriminatedUnion("action", [
  strictObject({
    action: z.literal("emit").default("emit"),
    ...room,
    event: eventNameSchema,
    data: jsonSchema,
    event_id: clientEventIdSchema.optional(),
  }),
  strictObject({ action: z.literal("join"), ...room }),
  strictObject({
    action: z.literal("heartbeat"),
    ...room,
    client_id: clientIdSchema,
    status: z.string().min(1, "must not be empty").max(32, "must be at most 32 characters").optional(),
  }),
  strictObject({ action: z.literal("leave"), ...room, client_id: clientIdSchema }),
]);

/** The OpenAPI entries of these routes. */
export const relayRouteDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/relay",
    summary:
      "Socket-style events: emit (the default; ack = event id), join (where to listen from), heartbeat and leave (presence)",
    operationId: "relay",
    tag: "relay",
    body: relaySchema,
    responses: { 201: relayAnswer, 200: relayAnswer },
  },
];

function senderOf(res: Response, clientId: string | undefined): EventSender {
  const principal = principalOf(res);
  return principal.kind === "ai"
    ? { kind: "ai", ai_uuid: principal.aiUuid, client_id: clientId ?? null }
    : { kind: principal.kind, user_id: principal.userId, client_id: clientId ?? null };
}

/** `POST /v1/relay`: the socket events a client sends, over HTTP; it listens to the room itself. */
export function relayRoutes(deps: AppDeps): Router {
  const router = Router();

  router.post("/relay", async (req, res) => {
    const body = parseInput(relaySchema, req.body);
    const principal = principalOf(res);
    const aiUuid =
      body.ai_uuid ?? (principal.kind === "ai" ? principal.aiUuid : parseInput(aiUuidSchema, undefined, "ai_uuid"));
    await accessAi(deps, res, aiUuid);
    const sender = senderOf(res, body.client_id);

    if (body.action === "emit") {
      const data = body.data ?? null;
      assertSize("data", jsonBytes(data), RELAY_DATA_BYTES, "bytes");
      const { event, replayed } = await emitEvent(deps.db, aiUuid, {
        event: body.event,
        data,
        sender,
        clientEventId: body.event_id,
      });
      res
        .status(replayed ? 200 : 201)
        .json({ ack: true, event_id: event.id, at: event.at.toDate().toISOString(), event: toEventView(event) });
      return;
    }
    if (body.action === "join") {
      const joined = await joinRoom(deps.db, aiUuid);
      if (body.client_id) await heartbeat(deps.db, aiUuid, { clientId: body.client_id, sender, status: "online" });
      res.json(joined);
      return;
    }
    if (body.action === "leave") {
      await leave(deps.db, aiUuid, body.client_id);
      res.json({ left: true, client_id: body.client_id });
      return;
    }
    const presence = await heartbeat(deps.db, aiUuid, {
      clientId: body.client_id,
      sender,
      status: body.status ?? "online",
    });
    const online = await onlineClients(deps.db, aiUuid);
    res.json({ ...toPresenceView(presence), online: online.map(toPresenceView) });
  });

  return router;
}
