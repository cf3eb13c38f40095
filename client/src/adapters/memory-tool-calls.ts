import type { AiMemory } from "../http-client.js";

/**
 * The two memory tools every adapter offers, framework-neutral: what the model sees (name,
 * description, a strict JSON schema) and what a call does. Each adapter wraps them in its
 * framework's tool type.
 */
export interface MemoryToolsOptions {
  /** The client: an AI's token, or the admin's key (its retries, idempotency keys and auth apply). */
  client: AiMemory;
  aiUuid: string;
}

/** A tool as the model sees it: its input is a strict JSON schema (every field required, null for "not given"). */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: {
    type: "object";
    properties: Record<string, Record<string, unknown>>;
    required: string[];
    additionalProperties: false;
  };
}

export const SEARCH_MEMORY: ToolSpec = {
  name: "search_memory",
  description:
    "Search your long-term memory (facts, preferences, past conversations) by meaning and keywords. Use it before answering anything that may depend on earlier conversations.",
  parameters: {
    type: "object",
    properties: {
      query: { type: "string", description: "what to look for" },
      limit: { type: ["integer", "null"], description: "how many memories at most (default 5)" },
    },
    required: ["query", "limit"],
    additionalProperties: false,
  },
};

export const SAVE_MEMORY: ToolSpec = {
  name: "save_memory",
  description:
    "Save a durable fact worth remembering in later conversations (a preference, a decision, a fact about the user). One short, self-contained sentence per call.",
  parameters: {
    type: "object",
    properties: {
      content: { type: "string", description: "the fact, one self-contained sentence" },
      tags: { type: ["array", "null"], items: { type: "string" }, description: "optional tags" },
    },
    required: ["content", "tags"],
    additionalProperties: false,
  },
};

export interface SearchInput {
  query: string;
  limit?: number | null;
}
export interface SaveInput {
  content: string;
  tags?: string[] | null;
}

/** The hits, short enough for a model's context: id, type, text and score. */
export async function searchMemory({ client, aiUuid }: MemoryToolsOptions, input: SearchInput) {
  const found = await client.memories.search(aiUuid, { query: input.query, limit: input.limit ?? 5 });
  return found.results.map((hit) => ({
    id: hit.id,
    memory_type: hit.memory_type,
    text: hit.text,
    score: hit.score,
  }));
}

export async function saveMemory({ client, aiUuid }: MemoryToolsOptions, input: SaveInput) {
  const memory = await client.memories.create({
    ai_uuid: aiUuid,
    memory_type: "long_term_memory",
    memory_data: { content: input.content, tags: input.tags ?? [] },
  });
  return { saved: true, id: memory.id };
}

/** Both tools, each with what the model sees and what a call does; the adapters wrap each in their framework's type. */
export const MEMORY_TOOLS = [
  {
    spec: SEARCH_MEMORY,
    run: (options: MemoryToolsOptions, input: unknown) => searchMemory(options, input as SearchInput),
  },
  { spec: SAVE_MEMORY, run: (options: MemoryToolsOptions, input: unknown) => saveMemory(options, input as SaveInput) },
];
