import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { onRequest } from "firebase-functions/v2/https";
import { OPENAI_API_KEY, SECRETS } from "./config";

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
  { secrets: SECRETS, timeoutSeconds: 120, memory: "1GiB", cpu: 1, concurrency: 80, cors: true },
  async (req, res) => (await import("./http/api-handler")).handleApiRequest(req, res),
);

/**
 * One trigger per memory change: every change writes a `memory_update` event in the AI's room in
 * the same commit, and this runs on it (embedding, consolidation). Client messages in the room
 * fire it too and return at once.
 */
export const onMemoryChange = onDocumentCreated(
  { document: "ai_registry/{ai_uuid}/events/{event_id}", retry: true, secrets: [OPENAI_API_KEY], timeoutSeconds: 300 },
  async (event) => (await import("./triggers/memory-change-trigger")).handleRoomEvent(event),
);
