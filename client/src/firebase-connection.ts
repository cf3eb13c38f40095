import { type FirebaseApp, type FirebaseOptions, initializeApp } from "firebase/app";
import { type Auth, connectAuthEmulator, inMemoryPersistence, initializeAuth } from "firebase/auth";
import { connectFirestoreEmulator, type DocumentData, type Firestore, initializeFirestore, type Timestamp } from "firebase/firestore";
import { hostAndPort, readEnv } from "./env.js";
import { AiMemoryError } from "./errors.js";
import type { RoomEvent } from "./types.js";

export interface FirebaseConnectionOptions {
  /** The web app's Firebase config; projectId defaults to AI_MEMORY_FIREBASE_PROJECT_ID, apiKey to AI_MEMORY_FIREBASE_API_KEY. */
  firebase?: FirebaseOptions;
  /** Emulator "host:port"s; default FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST. */
  emulators?: { firestore?: string; auth?: string };
}

/**
 * A Firebase app of its own (named after the client), so two clients in one process keep separate
 * sign-ins; in-memory auth persistence works the same in Node and browsers.
 */
export function openFirebase(name: string, options: FirebaseConnectionOptions): { app: FirebaseApp; auth: Auth; db: Firestore } {
  const config: FirebaseOptions = {
    projectId: readEnv("AI_MEMORY_FIREBASE_PROJECT_ID"),
    apiKey: readEnv("AI_MEMORY_FIREBASE_API_KEY") ?? "emulator-api-key",
    ...options.firebase,
  };
  if (!config.projectId) throw new AiMemoryError("firebase.projectId is missing: pass it or set AI_MEMORY_FIREBASE_PROJECT_ID");
  const app = initializeApp(config, `ai-memory-${name}`);
  const auth = initializeAuth(app, { persistence: inMemoryPersistence });
  const db = initializeFirestore(app, {});
  const authHost = options.emulators?.auth ?? readEnv("FIREBASE_AUTH_EMULATOR_HOST");
  const firestoreHost = options.emulators?.firestore ?? readEnv("FIRESTORE_EMULATOR_HOST");
  if (authHost) connectAuthEmulator(auth, `http://${authHost.replace(/^https?:\/\//, "")}`, { disableWarnings: true });
  if (firestoreHost) {
    const { host, port } = hostAndPort(firestoreHost);
    connectFirestoreEmulator(db, host, port);
  }
  return { app, auth, db };
}

/** A room event as read from Firestore, with its timestamps as Dates. */
export function toRoomEvent(raw: DocumentData): RoomEvent {
  const date = (value: unknown) => ((value as Timestamp | undefined)?.toDate ? (value as Timestamp).toDate() : (value as Date));
  return { ...(raw as RoomEvent), at: date(raw.at), expires_at: date(raw.expires_at) };
}
