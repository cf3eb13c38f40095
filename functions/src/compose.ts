import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { openAiModels } from "./chat/model-client";
import { readAppConfig } from "./config";
import type { AppDeps } from "./http/app-deps";

/** Wires the real services once per instance: the Admin SDK and the params read at that moment. */
export function composeAppDeps(): AppDeps {
  if (getApps().length === 0) initializeApp();
  const db = getFirestore();
  db.settings({ ignoreUndefinedProperties: true });
  const config = readAppConfig();
  // The model clients are built on first use: most requests never talk to a model.
  return { db, auth: getAuth(), config, models: openAiModels(config) };
}
