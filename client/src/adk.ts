import type { BaseMemoryService, Event, SearchMemoryRequest, SearchMemoryResponse, Session } from "@google/adk";
import { AiMemoryError } from "./errors.js";
import type { AiMemory } from "./http-client.js";

export interface AiMemoryServiceOptions {
  client: AiMemory;
  /** The AI of an ADK app's user (default: the AI whose ai_token the client carries). */
  aiUuidFor?: (who: { appName: string; userId: string }) => string | Promise<string>;
  /** How many memories a search answers (default 10). */
  limit?: number;
}

const APPEND_PAGE = 100;

/** The AI an ai_token names: its `sub` (the server verifies the token; this only reads it). */
function aiOfToken(client: AiMemory): string {
  const payload = client.apiKey?.split(".")[1];
  const sub = payload
    ? (JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { sub?: unknown }).sub
    : null;
  if (typeof sub !== "string") {
    throw new AiMemoryError("AiMemoryService: the client carries no ai_token; pass aiUuidFor to name each user's AI");
  }
  return sub;
}

/** Our session id for an ADK session: ids take letters, digits, _ and -. */
const sessionIdOf = (session: Session) => `adk-${session.id}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 128);

/** An ADK event as a session item: a user or model message with its text, or the event's bare facts. */
function itemOf(event: Event): Record<string, unknown> {
  const text = (event.content?.parts ?? []).flatMap((part) => (part.text && !part.thought ? [part.text] : [])).join("");
  const facts = { event_id: event.id, author: event.author ?? null, timestamp: event.timestamp ?? null };
  if (!text) return { type: "adk_event", ...facts };
  return { type: "message", role: event.author === "user" ? "user" : "assistant", content: text, ...facts };
}

/**
 * A Google ADK `BaseMemoryService` over AI Memory: `addSessionToMemory` appends the session's
 * events not stored yet to the AI's session of the same id (so adding a session twice stores
 * nothing twice), and each user message with the agent's answer becomes an exchange that fact
 * extraction reconciles with what the AI knows; `searchMemory` runs the product's retrieval.
 */
export class AiMemoryService implements BaseMemoryService {
  private readonly client: AiMemory;
  private readonly aiUuidFor: NonNullable<AiMemoryServiceOptions["aiUuidFor"]>;
  private readonly limit: number;

  constructor(options: AiMemoryServiceOptions) {
    this.client = options.client;
    this.aiUuidFor = options.aiUuidFor ?? (() => aiOfToken(options.client));
    this.limit = options.limit ?? 10;
  }

  async addSessionToMemory(session: Session): Promise<void> {
    const aiUuid = await this.aiUuidFor(session);
    const sessionId = sessionIdOf(session);
    const newest = await this.client.sessions.items.list(aiUuid, sessionId, { limit: 1 });
    const stored = (newest.items[0]?.position ?? -1) + 1;
    for (let start = stored; start < session.events.length; start += APPEND_PAGE) {
      const events = session.events.slice(start, start + APPEND_PAGE);
      await this.client.sessions.items.append(
        aiUuid,
        sessionId,
        { items: events.map(itemOf), session_name: `ADK ${session.appName} / ${session.userId}` },
        { idempotencyKey: `${sessionId}:${start}:${events.length}` },
      );
    }
  }

  async searchMemory(request: SearchMemoryRequest): Promise<SearchMemoryResponse> {
    const aiUuid = await this.aiUuidFor(request);
    const { results } = await this.client.memories.search(aiUuid, { query: request.query, limit: this.limit });
    return {
      memories: results.map((hit) => ({
        content: { role: "user", parts: [{ text: hit.text }] },
        author: "memory",
        timestamp: hit.updated_at,
      })),
    };
  }
}
