/**
 * The alternative users would pick instead, set up as its docs suggest for a local, in-memory run:
 * Mem0's TypeScript OSS library (its "memory" vector store and history in SQLite `:memory:`,
 * `infer: false`, its OpenAI LLM and embedder on our zero-latency server). It runs in this
 * process and touches no network beyond 127.0.0.1.
 */
import { Memory } from "mem0ai/oss";
import { EMBEDDING_DIMENSIONS } from "./fake-model";

// Mem0 sends usage telemetry to its analytics host unless told not to: nothing leaves this machine.
process.env.MEM0_TELEMETRY = "false";

export type Mem0 = Memory;

export function newMem0(modelBaseUrl: string): Memory {
  return new Memory({
    version: "v1.1",
    embedder: {
      provider: "openai",
      config: {
        apiKey: "bench-key",
        baseURL: modelBaseUrl,
        model: "bench-embedding",
        embeddingDims: EMBEDDING_DIMENSIONS,
      },
    },
    vectorStore: {
      provider: "memory",
      config: { collectionName: "bench", dimension: EMBEDDING_DIMENSIONS, dbPath: ":memory:" },
    },
    llm: { provider: "openai", config: { apiKey: "bench-key", baseURL: modelBaseUrl, model: "bench-model" } },
    historyStore: { provider: "sqlite", config: { historyDbPath: ":memory:" } },
  });
}

/** Mem0's add without inference: embeds the text and stores it (plus its history row). */
export const mem0Add = (mem0: Memory, userId: string, text: string) => mem0.add(text, { userId, infer: false });
