import { setGlobalOptions } from "firebase-functions/v2";
import { onDocumentWritten } from "firebase-functions/v2/firestore";
import { onRequest } from "firebase-functions/v2/https";
import { API_MIN_INSTANCES, FUNCTIONS_REGION, MAX_INSTANCES, OPENAI_API_KEY, SECRETS } from "./config";
import type { MemoryType } from "./memory/memory-types";

/** Every function, triggers included: one region, and a ceiling on instances as a cost guard. */
setGlobalOptions({ region: FUNCTIONS_REGION, maxInstances: MAX_INSTANCES });

/**
 * The Cloud Functions of the backend, and nothing else. Each delegates to a handler that is loaded
 * on first use, so a cold start pays only for the functions SDK.
 */
export const api = onRequest({ secrets: SECRETS, timeoutSeconds: 120, memory: "512MiB", cors: true, minInstances: API_MIN_INSTANCES }, async (req, res) =>
  (await import("./http/api-handler")).handleApiRequest(req, res),
);

/** One trigger per memory collection: a wildcard collection would also fire on events and presence. */
const memoryDocument = (type: MemoryType) => `ai_registry/{ai_uuid}/${type}/{memory_id}` as const;

/** Fan-out: one memory_update event per change in the AI's room, and the registry's stats. */
const fanOut = (type: MemoryType) =>
  onDocumentWritten({ document: memoryDocument(type), retry: true }, async (event) =>
    (await import("./events/memory-fanout")).handleMemoryWrite(type, event),
  );
export const onWorkingMemoryWritten = fanOut("working_memory");
export const onLongTermMemoryWritten = fanOut("long_term_memory");
export const onPersonalLogsWritten = fanOut("personal_logs");
export const onArchiveWritten = fanOut("archive");

/** Indexing: embeddings when EMBEDDING_MODEL is set, and consolidation of working memory. */
const indexing = (type: MemoryType, timeoutSeconds = 60) =>
  onDocumentWritten({ document: memoryDocument(type), secrets: [OPENAI_API_KEY], timeoutSeconds, retry: true }, async (event) =>
    (await import("./memory/memory-triggers")).handleMemoryIndexing(type, event),
  );
export const indexWorkingMemory = indexing("working_memory", 300);
export const indexLongTermMemory = indexing("long_term_memory");
export const indexPersonalLogs = indexing("personal_logs");
export const indexArchive = indexing("archive");
