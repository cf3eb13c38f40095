import { type AgentInputItem, type Session, tool } from "@openai/agents";
import { MEMORY_TOOLS, type MemoryToolsOptions } from "./adapters/memory-tool-calls.js";
import type { AiMemory } from "./http-client.js";
import { randomId } from "./transport.js";

export type { MemoryToolsOptions };

export interface AiMemorySessionOptions {
  client: AiMemory;
  aiUuid: string;
  /** The AI's session id (e.g. your thread id); a new one when absent. */
  sessionId?: string;
  /** Stored with the exchanges, as the chat log's model. */
  model?: string;
}

/** The server takes at most this many items per call. */
const APPEND_PAGE = 100;
const READ_PAGE = 200;

/**
 * An OpenAI Agents SDK `Session` stored by AI Memory: the items in order under the AI's session
 * (the console's Conversations shows it), and each user message with the assistant's answer
 * stored as an exchange of the session, which feeds working memory and fact extraction.
 */
export class AiMemorySession implements Session {
  private readonly client: AiMemory;
  private readonly aiUuid: string;
  private readonly sessionId: string;
  private readonly model: string | undefined;

  constructor(options: AiMemorySessionOptions) {
    this.client = options.client;
    this.aiUuid = options.aiUuid;
    this.sessionId = options.sessionId ?? `agents-${randomId()}`;
    this.model = options.model;
  }

  async getSessionId(): Promise<string> {
    return this.sessionId;
  }

  /** The newest `limit` items (all when absent), oldest first. */
  async getItems(limit?: number): Promise<AgentInputItem[]> {
    if (limit !== undefined && limit <= 0) return [];
    const pages: AgentInputItem[][] = [];
    let before: number | undefined;
    let wanted = limit ?? Number.POSITIVE_INFINITY;
    do {
      const page = await this.client.sessions.items.list(this.aiUuid, this.sessionId, {
        limit: Math.min(wanted, READ_PAGE),
        ...(before === undefined ? {} : { before }),
      });
      pages.unshift(page.items.map((stored) => stored.item as unknown as AgentInputItem));
      wanted -= page.items.length;
      before = page.next_before ?? undefined;
    } while (before !== undefined && wanted > 0);
    return pages.flat();
  }

  async addItems(items: AgentInputItem[]): Promise<void> {
    for (let start = 0; start < items.length; start += APPEND_PAGE) {
      await this.client.sessions.items.append(this.aiUuid, this.sessionId, {
        items: items.slice(start, start + APPEND_PAGE) as unknown as Array<Record<string, unknown>>,
        ...(this.model ? { model: this.model } : {}),
      });
    }
  }

  async popItem(): Promise<AgentInputItem | undefined> {
    const { item } = await this.client.sessions.items.pop(this.aiUuid, this.sessionId);
    return (item?.item as unknown as AgentInputItem) ?? undefined;
  }

  async clearSession(): Promise<void> {
    await this.client.sessions.items.clear(this.aiUuid, this.sessionId);
  }
}

/** Agents SDK function tools over the AI's memory: `search_memory` and `save_memory`. */
export function memoryTools(options: MemoryToolsOptions) {
  return MEMORY_TOOLS.map(({ spec, run }) =>
    tool({ ...spec, strict: true, execute: async (input) => JSON.stringify(await run(options, input)) }),
  );
}
