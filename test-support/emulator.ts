import request from "supertest";
import type { Handshake } from "../client/src/types";
import { openAiModels } from "../functions/src/models/model-client";
import type { AppConfig } from "../functions/src/config";
import { createApp } from "../functions/src/http/app";
import type { AppDeps } from "../functions/src/http/app-deps";
import { getApps, getAuth, getFirestore, initializeApp } from "./admin-sdk";

/** The project the emulators run (set by the runner); a `demo-` project never reaches production. */
export const PROJECT_ID = process.env.AI_MEMORY_PROJECT_ID ?? process.env.GCLOUD_PROJECT ?? "demo-ai-memory-test";
/** The Hosting emulator: the seed's paths at the site root, rewritten to the `api` function. */
export const HOSTING_URL = process.env.AI_MEMORY_HOSTING_URL ?? "http://127.0.0.1:5000";

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\``);
  return value;
};

if (getApps().length === 0) initializeApp({ projectId: PROJECT_ID });
export const db = getFirestore();
export const auth = getAuth();

/** The same configuration the runner gives the Functions emulator. */
export const config: AppConfig = {
  adminApiKey: required("ADMIN_API_KEY"),
  adminEmail: (process.env.ADMIN_EMAIL ?? "").toLowerCase(),
  signupPolicy: "admin_only",
  jwtSecret: required("JWT_SECRET_KEY"),
  aiTokenTtlSeconds: 3600,
  tools: { secretsKey: required("TOOL_SECRETS_KEY"), allowLoopback: true },
  openai: { apiKey: "test-openai-key", baseUrl: process.env.OPENAI_BASE_URL ?? "", model: "test-model" },
  embedding: { model: "", baseUrl: "", dimensions: 8 },
};

export const deps: AppDeps = { db, auth, config, models: openAiModels(config) };
export const app = createApp(deps);
export const ADMIN = `Bearer ${config.adminApiKey}`;

/** The handshake's answer, as the client SDK types it (generated from the server's own schema). */
export type HandshakeBody = Handshake;

/** Creates an AI as the admin and returns the handshake answer. */
export async function newAi(name = "Test AI"): Promise<HandshakeBody> {
  const response = await request(app).post("/v1/handshake").set("Authorization", ADMIN).send({ ai_name: name });
  if (response.status !== 201) throw new Error(`handshake failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as HandshakeBody;
}

export const bearer = (ai: HandshakeBody): string => `Bearer ${ai.tokens.ai_token}`;

/**
 * For the suites whose Node client SDK listens to Firestore: one retry. The emulator now and then
 * corrupts a Listen stream ("RESOURCE_EXHAUSTED: Received message larger than max",
 * firebase-tools#8654, open), after which the SDK waits about a minute before listening again; a
 * second attempt opens a new client.
 */
export const EMULATOR_LISTEN_RETRY = { retry: 1 };
