import { z } from "zod";
import { contentToText } from "../search/text";

/** The four memory collections every AI has, as the seed names them. */
export const MEMORY_TYPES = ["working_memory", "long_term_memory", "personal_logs", "archive"] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

export const memoryTypeSchema = z.enum(MEMORY_TYPES, {
  error: () => `must be one of ${MEMORY_TYPES.join(", ")}`,
});

export const MEMORY_SOURCES = ["api", "chat", "consolidation", "reflection", "import", "extraction"] as const;
export type MemorySource = (typeof MEMORY_SOURCES)[number];

/** Size limits. Firestore caps a document at 1 MiB; these keep a memory well below it. */
export const LIMITS = {
  contentChars: 32_000,
  structuredContentBytes: 64_000,
  metadataBytes: 16_000,
  metadataKeys: 64,
  tags: 32,
  tagChars: 64,
  bodyBytes: 256_000,
  retrieveDefault: 20,
  retrieveMax: 200,
} as const;

/**
 * A memory as stored in Firestore (`ai_registry/{ai_uuid}/{memory_type}/{memory_id}`). `text`, the
 * plain-text projection, is stored only for structured content: a string content is its own text.
 * Search terms live in the AI's search index and embeddings in `embeddings`, not here.
 */
export interface StoredMemory {
  id: string;
  ai_uuid: string;
  memory_type: MemoryType;
  content: string | Record<string, unknown>;
  text?: string;
  metadata: Record<string, unknown>;
  tags: string[];
  importance: number;
  source: MemorySource;
  session_id: string | null;
  created_at: FirebaseFirestore.Timestamp;
  updated_at: FirebaseFirestore.Timestamp;
  version: number;
  expires_at: FirebaseFirestore.Timestamp | null;
  moved_from?: MemoryType;
  moved_at?: FirebaseFirestore.Timestamp;
  /** Set when a newer fact superseded this one: it stays readable and searchable on request. */
  invalidated_at?: FirebaseFirestore.Timestamp | null;
  superseded_by?: string | null;
}

/** The plain text of a memory: what search, embeddings and the chat context read. */
export const memoryText = (memory: Pick<StoredMemory, "content" | "text">): string =>
  typeof memory.content === "string" ? memory.content : (memory.text ?? contentToText(memory.content));

/** A memory as the API answers it: timestamps as ISO strings, no index fields. */
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
  source: MemorySource;
  session_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  expires_at: string | null;
  moved_from?: MemoryType;
  moved_at?: string;
  invalidated_at?: string | null;
  superseded_by?: string | null;
}

export function toMemory(stored: StoredMemory): Memory {
  const memory: Memory = {
    id: stored.id,
    memory_id: stored.id,
    ai_uuid: stored.ai_uuid,
    memory_type: stored.memory_type,
    content: stored.content,
    text: memoryText(stored),
    metadata: stored.metadata ?? {},
    tags: stored.tags ?? [],
    importance: stored.importance,
    source: stored.source,
    session_id: stored.session_id ?? null,
    created_at: stored.created_at.toDate().toISOString(),
    updated_at: stored.updated_at.toDate().toISOString(),
    version: stored.version,
    expires_at: stored.expires_at ? stored.expires_at.toDate().toISOString() : null,
  };
  if (stored.moved_from) memory.moved_from = stored.moved_from;
  if (stored.moved_at) memory.moved_at = stored.moved_at.toDate().toISOString();
  if (stored.invalidated_at) {
    memory.invalidated_at = stored.invalidated_at.toDate().toISOString();
    memory.superseded_by = stored.superseded_by ?? null;
  }
  return memory;
}
