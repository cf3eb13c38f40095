import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { readAppConfig } from "./config";
import type { AppDeps } from "./http/app-deps";

/** Wires the real services once per instance: the Admin SDK and the params read at that moment. */
export function composeAppDeps(): AppDeps {
  if (getApps().length === 0) initializeApp();
  const db = getFirestore();
  db.settings({ ignoreUndefinedProperties: true });
  return { db, auth: getAuth(), config: readAppConfig() };
}
