import { onDocumentWritten } from "firebase-functions/v2/firestore";
import { onRequest } from "firebase-functions/v2/https";
import { OPENAI_API_KEY, SECRETS } from "./config";

/**
 * The Cloud Functions of the backend, and nothing else. Each delegates to a handler that is loaded
 * on first use, so a cold start pays only for the functions SDK.
 */
export const api = onRequest({ secrets: SECRETS, timeoutSeconds: 120, memory: "512MiB", cors: true }, async (req, res) => {
  const { handleApiRequest } = await import("./http/api-handler");
  return handleApiRequest(req, res);
});

/** Memory triggers: one per memory collection (a wildcard would also fire on events and presence). */
export const onWorkingMemoryWritten = onDocumentWritten({ document: "ai_registry/{ai_uuid}/working_memory/{memory_id}", retry: true }, async (event) => (await import("./events/memory-fanout")).handleMemoryWrite("working_memory", event));
export const onLongTermMemoryWritten = onDocumentWritten({ document: "ai_registry/{ai_uuid}/long_term_memory/{memory_id}", retry: true }, async (event) => (await import("./events/memory-fanout")).handleMemoryWrite("long_term_memory", event));
export const onPersonalLogsWritten = onDocumentWritten({ document: "ai_registry/{ai_uuid}/personal_logs/{memory_id}", retry: true }, async (event) => (await import("./events/memory-fanout")).handleMemoryWrite("personal_logs", event));
export const onArchiveWritten = onDocumentWritten({ document: "ai_registry/{ai_uuid}/archive/{memory_id}", retry: true }, async (event) => (await import("./events/memory-fanout")).handleMemoryWrite("archive", event));

/** Index triggers: embeddings (when EMBEDDING_MODEL is set) and working-memory consolidation. */
export const indexWorkingMemory = onDocumentWritten({ document: "ai_registry/{ai_uuid}/working_memory/{memory_id}", secrets: [OPENAI_API_KEY], timeoutSeconds: 300 }, async (event) => (await import("./memory/memory-triggers")).handleMemoryIndexing("working_memory", event));
export const indexLongTermMemory = onDocumentWritten({ document: "ai_registry/{ai_uuid}/long_term_memory/{memory_id}", secrets: [OPENAI_API_KEY] }, async (event) => (await import("./memory/memory-triggers")).handleMemoryIndexing("long_term_memory", event));
export const indexPersonalLogs = onDocumentWritten({ document: "ai_registry/{ai_uuid}/personal_logs/{memory_id}", secrets: [OPENAI_API_KEY] }, async (event) => (await import("./memory/memory-triggers")).handleMemoryIndexing("personal_logs", event));
export const indexArchive = onDocumentWritten({ document: "ai_registry/{ai_uuid}/archive/{memory_id}", secrets: [OPENAI_API_KEY] }, async (event) => (await import("./memory/memory-triggers")).handleMemoryIndexing("archive", event));
