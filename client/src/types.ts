/** The API's shapes, as the SDK's callers see them (see GET /openapi.json for every field). */

export const MEMORY_TYPES = ["working_memory", "long_term_memory", "personal_logs", "archive"] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

export interface Memory {
  id: string;
  memory_id: string;
  ai_uuid: string;
  memory_type: MemoryType;
  content: string | Record<string, unknown>;
  text: string;
  metadata: Record<string, unknown>;
  tags: string[];
  importance: number;
  source: string;
  session_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  expires_at: string | null;
  moved_from?: MemoryType;
  moved_at?: string;
}

/** `memory_data` of the seed routes: the content, or an object with content and its fields. */
export type MemoryData =
  | string
  | Record<string, unknown>
  | { content: string | Record<string, unknown>; metadata?: Record<string, unknown>; tags?: string[]; importance?: number; expires_at?: string | null };

export interface Session {
  session_id: string;
  [field: string]: unknown;
}

export interface Handshake {
  ai_uuid: string;
  ai_name: string;
  created_at: string;
  status?: string;
  session: Session;
  tokens: { ai_token: string; token_type?: string; expires_at: string; firebase_custom_token: string };
  database_paths: {
    registry: string;
    memories: Record<MemoryType, string>;
    room: string;
    presence: string;
    chat_sessions: string;
    chats: string;
  };
}

export interface RetrieveResult {
  memories: Memory[];
  next_cursor: string | null;
}

/** Who wrote an event: the memory triggers, or a client through the relay. */
export type EventSender =
  | { kind: "system" }
  | { kind: "ai"; ai_uuid: string; client_id: string | null }
  | { kind: "admin"; user_id: string; client_id: string | null };

/**
 * One event of an AI's room. The room's order is (`at`, `id`): `at` is the commit time of the write
 * that made the event. `at` and `expires_at` are Dates when read from Firestore.
 */
export interface RoomEvent<D = unknown> {
  id: string;
  ai_uuid: string;
  event: string;
  data: D;
  sender: EventSender;
  at: Date | string;
  expires_at: Date | string;
}

export interface MemoryUpdate {
  action: "created" | "updated" | "deleted" | "moved" | "superseded" | "restored";
  memory_type: MemoryType;
  memory_id: string;
  version: number;
  source?: string;
  /** On `moved`: where the memory came from and where it is now (= memory_type). */
  from?: MemoryType;
  to?: MemoryType;
}

export interface EmitAck {
  ack: true;
  event_id: string;
  at: string;
}

/** A place in a room: the commit time of an event (to the nanosecond) and its id. */
export interface RoomPosition {
  event_id: string;
  at: string;
  at_timestamp: { seconds: number; nanoseconds: number };
}

export interface JoinAnswer {
  ai_uuid: string;
  room: string;
  presence: string;
  order_by: ["at", "__name__"];
  /** The newest event when joining (null in an empty room): listen after it. */
  resume_after: RoomPosition | null;
  heartbeat_interval_ms: number;
  presence_ttl_ms: number;
}

export interface Presence {
  client_id: string;
  ai_uuid: string;
  sender: EventSender;
  status: string;
  connected_at: string;
  last_seen: string;
  expires_at: string;
}

export type RelayRequest =
  | { action: "emit"; ai_uuid?: string; client_id?: string; event: string; data?: unknown; event_id?: string }
  | { action: "join"; ai_uuid?: string; client_id?: string }
  | { action: "heartbeat"; ai_uuid?: string; client_id: string; status?: string }
  | { action: "leave"; ai_uuid?: string; client_id: string };
