import { onRequest } from "firebase-functions/v2/https";
import { SECRETS } from "./config";

/**
 * The Cloud Functions of the backend, and nothing else. Each delegates to a handler that is loaded
 * on first use, so a cold start pays only for the functions SDK.
 */
export const api = onRequest({ secrets: SECRETS, timeoutSeconds: 120, memory: "512MiB", cors: true }, async (req, res) => {
  const { handleApiRequest } = await import("./http/api-handler");
  return handleApiRequest(req, res);
});
