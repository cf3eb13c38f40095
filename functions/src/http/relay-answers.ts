import { z } from "zod";
import { memoryUpdateSchema } from "../events/memory-update";
import { eventSenderSchema } from "../events/room-events";
import { named, time } from "./response-registry";

/** The answers of `POST /v1/relay`, and the shapes clients read from an AI's room. */

const sender = named("EventSender", eventSenderSchema);
const roomEvent = named(
  "RoomEvent",
  z.strictObject({
    id: z.string(),
    ai_uuid: z.string(),
    event: z.string(),
    data: z.unknown(),
    sender,
    at: time,
    expires_at: time,
  }),
);
/** The data of a `memory_update` event: not an answer of a route, a shape clients read from the room. */
named("MemoryUpdate", memoryUpdateSchema);
const roomPosition = named(
  "RoomPosition",
  z.strictObject({
    event_id: z.string(),
    at: time,
    at_timestamp: z
      .strictObject({ seconds: z.number().int(), nanoseconds: z.number().int() })
      .describe("`at` to the nanosecond"),
  }),
);
const presence = named(
  "Presence",
  z.strictObject({
    client_id: z.string(),
    ai_uuid: z.string(),
    sender,
    status: z.string(),
    connected_at: time,
    last_seen: time,
    expires_at: time,
  }),
);
export const relayAnswer = named(
  "RelayAnswer",
  z.union([
    named("EmitAck", z.strictObject({ ack: z.literal(true), event_id: z.string(), at: time, event: roomEvent })),
    named(
      "JoinAnswer",
      z.strictObject({
        ai_uuid: z.string(),
        room: z.string(),
        presence: z.string(),
        order_by: z.tuple([z.literal("at"), z.literal("__name__")]),
        resume_after: roomPosition.nullable().describe("the newest event when joining: listen after it"),
        heartbeat_interval_ms: z.number().int(),
        presence_ttl_ms: z.number().int(),
      }),
    ),
    named("HeartbeatAnswer", z.strictObject({ ...presence.shape, online: z.array(presence) })),
    named("LeaveAnswer", z.strictObject({ left: z.literal(true), client_id: z.string() })),
  ]),
);
