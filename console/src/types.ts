/** The shapes the console reads from the API and from Firestore; the client SDK's where they exist. */
import { type EventSender, type Handshake, MEMORY_TYPES, type Memory, type MemoryType, type MemoryUpdate } from "../../client/src/types";

export { MEMORY_TYPES };
export type { EventSender, Memory, MemoryType, MemoryUpdate };
export type HandshakeAnswer = Handshake;

export const MEMORY_TYPE_LABELS: Record<MemoryType, string> = {
  working_memory: "Working memory",
  long_term_memory: "Long-term memory",
  personal_logs: "Personal logs",
  archive: "Archive",
};

export const MEMORY_SOURCES = ["api", "chat", "consolidation", "reflection", "import"] as const;

export interface AiSettings {
  model: string | null;
  system_prompt: string | null;
  memory_token_budget: number;
  working_memory_limit: number;
  reflections: boolean;
}

export interface AiView {
  ai_uuid: string;
  ai_name: string;
  status: "active" | "disabled";
  created_at: string;
  updated_at: string;
  settings: AiSettings;
  stats: Record<MemoryType, number>;
  /** The newest room event's time; answered once the new memory engine has landed. */
  last_activity_at?: string | null;
}

export interface SearchResult extends Memory {
  score: number;
  distance: number | null;
}

export interface ChatSession {
  session_id: string;
  name: string | null;
  created_at: string;
  updated_at: string;
  message_count: number;
}

export interface ChatExchange {
  chat_id: string;
  session_id: string;
  message: string;
  response: string;
  model: string;
  timestamp: string;
  context_memory_ids: string[];
  stored_memory_ids: string[];
}

/** What a chat completion adds to OpenAI's answer. */
export interface MemoryReport {
  session_id: string;
  context_memory_ids: string[];
  stored_memory_ids: string[];
}

/** A room event as the console shows it (read from Firestore; the engine orders by `at`, not `seq`). */
export interface RoomEvent {
  id: string;
  event: string;
  data: unknown;
  sender: EventSender;
  at: string;
}

export interface PresenceEntry {
  client_id: string;
  sender: EventSender;
  status: string;
  expires_at: number;
}
