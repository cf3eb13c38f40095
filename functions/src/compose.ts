import { getAuth } from "firebase-admin/auth";
import { type Firestore, getFirestore } from "firebase-admin/firestore";
import { adminApp } from "./admin-app";
import { type ModelDeps, openAiModels } from "./models/model-client";
import { readAppConfig } from "./config";
import type { AppDeps } from "./http/app-deps";

/** The composition roots: the real services, wired once per instance on first use, never at module load. */

function firestore(): Firestore {
  const db = getFirestore(adminApp());
  db.settings({ ignoreUndefinedProperties: true });
  return db;
}

let appDeps: AppDeps | null = null;

/** The HTTP app's: the Admin SDK and the params read at that moment; model clients are built on first use. */
export function composeAppDeps(): AppDeps {
  if (appDeps) return appDeps;
  const app = adminApp();
  const config = readAppConfig();
  appDeps = { db: firestore(), auth: getAuth(app), config, models: openAiModels(config) };
  return appDeps;
}

/** What the triggers use: Firestore and the models. */
export interface TriggerDeps {
  db: Firestore;
  models: ModelDeps;
}

let triggerDeps: TriggerDeps | null = null;

export function composeTriggerDeps(): TriggerDeps {
  triggerDeps ??= { db: firestore(), models: openAiModels(readAppConfig()) };
  return triggerDeps;
}
