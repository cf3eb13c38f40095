/**
 * The shapes the console reads. The API's answers are the client SDK's types, generated from the
 * server's /openapi.json; the rest are how the console holds what it reads from Firestore.
 */
import type {
  Ai,
  Chat,
  EventSender,
  Handshake,
  Memory,
  MemoryReport,
  MemoryType,
  MemoryUpdate,
  SearchHit,
  Session,
} from "../../client/src/types";
import { MEMORY_TYPES } from "../../client/src/types";

export { MEMORY_TYPES };
export type { EventSender, Memory, MemoryReport, MemoryType, MemoryUpdate };
export type AiView = Ai;
export type AiSettings = Ai["settings"];
export type HandshakeAnswer = Handshake;
export type SearchResult = SearchHit;
export type ChatSession = Session;
export type ChatExchange = Chat;

export const MEMORY_TYPE_LABELS: Record<MemoryType, string> = {
  working_memory: "Working memory",
  long_term_memory: "Long-term memory",
  personal_logs: "Personal logs",
  archive: "Archive",
};

/** The sources the board filters by; `satisfies` holds each to the generated type. */
export const MEMORY_SOURCES = [
  "api",
  "chat",
  "consolidation",
  "reflection",
  "import",
] as const satisfies readonly Memory["source"][];

/** A room event as the console shows it, read from Firestore (ordered by `at`, then id). */
export interface RoomEvent {
  id: string;
  event: string;
  data: unknown;
  sender: EventSender;
  at: string;
}

/** A connected client, read from `ai_registry/{ai}/presence`. */
export interface PresenceEntry {
  client_id: string;
  sender: EventSender;
  status: string;
  expires_at: number;
}

type Schemas = import("../../client/src/openapi-types").components["schemas"];
/** Who the signed-in person is to the API (`GET /v1/me`), and a user as the administrator lists them. */
export type Me = Schemas["Me"];
export type UserSummary = Schemas["UserSummary"];
export type UserLimits = Schemas["UserLimits"];
