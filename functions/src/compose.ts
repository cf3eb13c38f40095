import { adminApp } from "./admin-app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { openAiModels } from "./chat/model-client";
import { readAppConfig } from "./config";
import type { AppDeps } from "./http/app-deps";

/** Wires the real services once per instance: the Admin SDK and the params read at that moment. */
export function composeAppDeps(): AppDeps {
  const app = adminApp();
  const db = getFirestore(app);
  db.settings({ ignoreUndefinedProperties: true });
  const config = readAppConfig();
  // The model clients are built on first use: most requests never talk to a model.
  return { db, auth: getAuth(app), config, models: openAiModels(config) };
}
