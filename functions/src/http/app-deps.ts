import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import type { ModelDeps } from "../models/model-client";
import type { AppConfig } from "../config";

/** What the HTTP app is built from: the real services in production, the emulators' in tests. */
export interface AppDeps {
  db: Firestore;
  auth: Auth;
  config: AppConfig;
  /** The language model and embedder (each null when not configured). */
  models: ModelDeps;
}
