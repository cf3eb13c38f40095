import type { components, operations } from "./openapi-types.js";

/**
 * The API's shapes, generated from its /openapi.json (openapi-types.ts): a test regenerates them
 * from the server and fails when they differ, so they cannot drift from what the server answers.
 */
type Schemas = components["schemas"];
type JsonOf<T> = T extends { content: { "application/json": infer Body } } ? Body : never;

/** The JSON body an operation takes. */
export type RequestBody<Op extends keyof operations> = JsonOf<NonNullable<operations[Op]["requestBody"]>>;
/** The JSON answer of an operation's success. */
export type Answer<Op extends keyof operations> = JsonOf<
  operations[Op]["responses"][Extract<keyof operations[Op]["responses"], 200 | 201>]
>;
/** The query parameters of an operation. */
export type Query<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["query"]>;

export type MemoryType = Schemas["Memory"]["memory_type"];
/** The four memory types, as a value to iterate over; `satisfies` holds each to the generated type. */
export const MEMORY_TYPES = [
  "working_memory",
  "long_term_memory",
  "personal_logs",
  "archive",
] as const satisfies readonly MemoryType[];

export type Memory = Schemas["Memory"];
export type MemoryData = RequestBody<"createMemory">["memory_data"];
export type RetrieveResult = Schemas["MemoryList"];
export type SearchHit = Schemas["SearchHit"];
export type ExtractionRecord = Schemas["ExtractionRecord"];
export type AppliedDecision = Schemas["AppliedDecision"];
export type Ai = Schemas["Ai"];
export type Handshake = Schemas["Handshake"];
export type Session = Schemas["Session"];
export type Chat = Schemas["Chat"];
export type SessionItem = Schemas["SessionItem"];
export type MemoryReport = Schemas["MemoryReport"];
export type ChatCompletion = Schemas["ChatCompletion"];
export type Model = Schemas["Model"];
export type ExportedMemory = Schemas["Export"];
export type EventSender = Schemas["EventSender"];
export type EmitAck = Schemas["EmitAck"];
export type JoinAnswer = Schemas["JoinAnswer"];
/** A place in a room: the commit time of an event (to the nanosecond) and its id. */
export type RoomPosition = Schemas["RoomPosition"];
export type Presence = Schemas["Presence"];
export type HeartbeatAnswer = Schemas["HeartbeatAnswer"];
export type LeaveAnswer = Schemas["LeaveAnswer"];
export type RelayRequest = RequestBody<"relay">;

/** The chat request: OpenAI's, plus `session_id` (or the X-Session-Id header) and, for the admin, `ai_uuid`. */
export type ChatCompletionRequest = RequestBody<"createChatCompletion">;

/** One chunk of a streamed chat completion (OpenAI's shape); the last one carries `memory`. */
export type ChatCompletionChunk = Schemas["ChatCompletionChunk"];

/**
 * One event of an AI's room, as a Firestore listener reads it: `at` and `expires_at` are Dates there.
 * The room's order is (`at`, `id`): `at` is the commit time of the write that made the event.
 */
export type RoomEvent<D = unknown> = Omit<Schemas["RoomEvent"], "data" | "at" | "expires_at"> & {
  data: D;
  at: Date | string;
  expires_at: Date | string;
};

/** The data of a `memory_update` event. */
export type MemoryUpdate = Schemas["MemoryUpdate"];
