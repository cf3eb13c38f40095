/**
 * The product as the bench drives it: the real Express app (createApp) served in-process on
 * 127.0.0.1 against the Firestore and Auth emulators, with its Firestore metered.
 */
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import {
  config as emulatorConfig,
  db as defaultDb,
  deps,
  type HandshakeBody,
  newAi,
  PROJECT_ID,
} from "../../test-support/emulator";
import type { RoomEvent } from "../../functions/src/events/room-events";
import type { AppDeps } from "../../functions/src/http/app-deps";
import { EMBEDDING_DIMENSIONS } from "./fake-model";
import { FirestoreMeter } from "./firestore-meter";
import { createApp, openAiModels } from "./functions";

/** `newAi` makes an AI in (default), through the test app. */
export { type HandshakeBody, newAi };

export type Firestore = AppDeps["db"];
const admin = createRequire(new URL("../../functions/package.json", import.meta.url));
const { getApp, initializeApp } = admin("firebase-admin/app") as {
  getApp(): unknown;
  initializeApp(options: { projectId: string }, name: string): unknown;
};
const firestore = admin("firebase-admin/firestore") as {
  getFirestore(app: unknown, databaseId: string): Firestore;
  FieldValue: { vector(values: number[]): unknown; serverTimestamp(): unknown };
  Timestamp: { now(): RoomEvent["at"]; fromMillis(ms: number): RoomEvent["at"] };
};
export const { FieldValue, Timestamp } = firestore;

/**
 * The named database the sized AIs live in, which no trigger watches (the Functions emulator runs
 * `onMemoryChange` for (default) only): bulk loads of 50k memories there do not queue 50k trigger
 * runs that would share this machine's 2 cores with the requests being timed. The trigger path
 * runs on (default) in the event burst.
 */
export const BENCH_DATABASE = "bench";
export const db = firestore.getFirestore(getApp(), BENCH_DATABASE);
/**
 * The event burst's own database. The emulator's queries and listeners slow as its database fills
 * (it scans where production reads indexes: the burst's p95 went from 0.67 s to 1.1 s here after
 * the sustained creates had written their memories), so the burst is measured apart from what
 * earlier sections left behind.
 */
export const eventsDb = firestore.getFirestore(getApp(), `${BENCH_DATABASE}-events`);
/**
 * The same database through a client of its own, for listeners: one Admin SDK instance multiplexes
 * all its calls on one gRPC channel, and a client that listens to a room has a connection of its
 * own, not the API's.
 */
const listenerApp = initializeApp({ projectId: PROJECT_ID }, "bench-listener");
export const listenerDb = (database: Firestore) => firestore.getFirestore(listenerApp, database.databaseId);
export { defaultDb };
export const ADMIN_BEARER = `Bearer ${emulatorConfig.adminApiKey}`;
/** The `api` function on the Functions emulator, where the deployed triggers run beside it. */
export const FUNCTIONS_URL = `http://127.0.0.1:${5001 + Number(process.env.EMULATOR_PORT_OFFSET ?? 0)}/${process.env.AI_MEMORY_PROJECT_ID ?? "demo-ai-memory-bench"}/us-central1/api`;
export const meter = new FirestoreMeter(db);
/**
 * The exchange-sized AIs' own database (exchange-ai.ts): their fixtures are written straight into
 * it, and the emulator's scans of the sized AI's 50k memories and embeddings stay out of their figures.
 */
export const EXCHANGE_DATABASE = `${BENCH_DATABASE}-exchange`;
export const exchangeDb = firestore.getFirestore(getApp(), EXCHANGE_DATABASE);
export const exchangeMeter = new FirestoreMeter(exchangeDb);
/** The embedding model the bench configures; the fake model serves it. */
export const EMBEDDING_MODEL = "bench-embedding";

export interface LocalApi {
  url: string;
  deps: AppDeps;
  /**
   * CPU (user + system, ms) of each request, from the handler's start until its response was sent:
   * `process.cpuUsage` of this process, so a figure of requests made one after another only.
   */
  cpuMs: number[];
  close(): Promise<void>;
}

/**
 * Serves createApp on a free port, its models on the fake model at `modelBaseUrl`; with `embedder`,
 * an embedding model is configured too (vector search joins every search and chat turn).
 */
export async function startLocalApi(
  modelBaseUrl: string,
  options: { embedder?: boolean; database?: Firestore } = {},
): Promise<LocalApi> {
  const config = {
    ...emulatorConfig,
    openai: { ...emulatorConfig.openai, baseUrl: modelBaseUrl },
    embedding: options.embedder
      ? { model: EMBEDDING_MODEL, baseUrl: "", dimensions: EMBEDDING_DIMENSIONS }
      : { model: "", baseUrl: "", dimensions: EMBEDDING_DIMENSIONS },
  };
  const appDeps: AppDeps = { ...deps, db: options.database ?? db, config, models: openAiModels(config) };
  const app = createApp(appDeps);
  const cpuMs: number[] = [];
  const server = createServer((req, res) => {
    const start = process.cpuUsage();
    res.once("finish", () => {
      const used = process.cpuUsage(start);
      cpuMs.push((used.user + used.system) / 1000);
    });
    app(req, res);
  }).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  server.keepAliveTimeout = 60_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps: appDeps,
    cpuMs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** POSTs JSON (or another method) and fails loudly on an unexpected status. */
export async function call(
  url: string,
  bearer: string,
  body?: unknown,
  options: { method?: string; expect?: number } = {},
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers: { authorization: bearer, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const expected = options.expect ?? (response.status === 201 ? 201 : 200);
  if (response.status !== expected) throw new Error(`${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export const aiBearer = (ai: HandshakeBody): string => `Bearer ${ai.tokens.ai_token}`;

/** An AI made through an in-process app, in that app's database. */
export async function newLocalAi(local: LocalApi, name: string): Promise<HandshakeBody> {
  return (await call(
    `${local.url}/v1/handshake`,
    ADMIN_BEARER,
    { ai_name: name },
    { expect: 201 },
  )) as unknown as HandshakeBody;
}

/** Creates one long-term memory through the REST API and returns its id. */
export async function createMemory(base: string, ai: HandshakeBody, content: string): Promise<string> {
  const memory = await call(
    `${base}/v1/ais/${ai.ai_uuid}/memories/long_term_memory`,
    aiBearer(ai),
    { content },
    { expect: 201 },
  );
  return memory.id as string;
}
