import { setGlobalOptions } from "firebase-functions/v2";
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { onRequest } from "firebase-functions/v2/https";
import { API_MIN_INSTANCES, FUNCTIONS_REGION, MAX_INSTANCES, OPENAI_API_KEY, SECRETS } from "./config";

/** Every function, triggers included: one region, and a ceiling on instances as a cost guard. */
setGlobalOptions({ region: FUNCTIONS_REGION, maxInstances: MAX_INSTANCES });

/**
 * The Cloud Functions of the backend, and nothing else. Each delegates to a handler that is loaded
 * on first use, so a cold start pays only for the functions SDK.
 */

/**
 * One vCPU, so an instance serves many requests at once (Cloud Run allows concurrency above 1 only
 * from 1 vCPU): they share the instance's warm search indexes, and changes of one memory take turns
 * in the instance instead of aborting each other in Firestore.
 */
export const api = onRequest(
  {
    secrets: SECRETS,
    timeoutSeconds: 120,
    memory: "1GiB",
    cpu: 1,
    concurrency: 80,
    cors: true,
    minInstances: API_MIN_INSTANCES,
  },
  async (req, res) => (await import("./http/api-handler")).handleApiRequest(req, res),
);

/**
 * One trigger per memory change: every change writes a `memory_update` event in the AI's room in
 * the same commit, and this runs on it (embedding, consolidation, fact extraction from chat
 * exchanges, folding the index log; a failed extraction throws to be retried). Client messages in
 * the room fire it too and return at once. 1 GiB: extraction ranks over the AI's whole index, held
 * in memory (about 1 KB an exchange-sized memory, 250 MB at the supported 250,000).
 */
export const onMemoryChange = onDocumentCreated(
  {
    document: "ai_registry/{ai_uuid}/events/{event_id}",
    retry: true,
    secrets: [OPENAI_API_KEY],
    timeoutSeconds: 300,
    memory: "1GiB",
  },
  async (event) => (await import("./triggers/memory-change-trigger")).handleRoomEvent(event),
);
