/**
 * The product as the bench drives it: the real Express app (createApp) served in-process on
 * 127.0.0.1 against the Firestore and Auth emulators, its Firestore metered, and the same app
 * behind the Hosting and Functions emulators at HOSTING_URL.
 */
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { config as emulatorConfig, deps, HOSTING_URL, newAi, type HandshakeBody } from "../../test-support/emulator";
import { createApp } from "../../functions/src/http/app";
import { importMemories } from "../../functions/src/memory/memory-transfer";
import type { AppDeps } from "../../functions/src/http/app-deps";
import { FirestoreMeter } from "./firestore-meter";

export { HOSTING_URL, newAi, type HandshakeBody };

type Firestore = AppDeps["db"];
const admin = createRequire(new URL("../../functions/package.json", import.meta.url));
const { getApp } = admin("firebase-admin/app") as { getApp(): unknown };
const { getFirestore } = admin("firebase-admin/firestore") as { getFirestore(app: unknown, databaseId: string): Firestore };

/**
 * The in-process app's database: a named database of the same emulator, where no trigger is
 * registered. Bulk loads of 10k memories there do not queue 10k trigger runs (each memory write
 * fans out one event) that would share this machine's 2 cores with the requests being timed.
 * Requests are timed and counted there; the trigger path is measured on (default) (events, writes).
 */
export const db = getFirestore(getApp(), "bench");
/** The `api` function on the Functions emulator (Hosting in front of it logs every request). */
export const FUNCTIONS_URL = `http://127.0.0.1:${5001 + Number(process.env.EMULATOR_PORT_OFFSET ?? 0)}/${process.env.AI_MEMORY_PROJECT_ID ?? "demo-ai-memory-bench"}/us-central1/api`;
export const ADMIN_BEARER = `Bearer ${emulatorConfig.adminApiKey}`;
export const meter = new FirestoreMeter(db);

/** An AI made through the in-process app (so it lives in the bench database). */
export async function newLocalAi(local: LocalApi, name: string): Promise<HandshakeBody> {
  return (await call(`${local.url}/v1/handshake`, ADMIN_BEARER, { ai_name: name }, { expect: 201 })) as unknown as HandshakeBody;
}

export interface LocalApi {
  url: string;
  close(): Promise<void>;
}

/** Serves createApp on a free port; `modelBaseUrl` is the OpenAI-compatible server it calls. */
export async function startLocalApi(modelBaseUrl: string): Promise<LocalApi> {
  const appDeps: AppDeps = {
    ...deps,
    db,
    config: { ...emulatorConfig, openai: { ...emulatorConfig.openai, baseUrl: modelBaseUrl } },
  };
  const server = createApp(appDeps).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  server.keepAliveTimeout = 60_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
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

const TOPICS = ["coffee", "hiking", "python", "birthday", "paris", "guitar", "budget", "marathon", "sister", "garden",
  "deadline", "novel", "piano", "allergy", "vacation", "interview", "recipe", "cat", "startup", "concert"];

/** A deterministic, varied memory text, so keyword search has something to find. */
export function memoryText(index: number): string {
  const a = TOPICS[index % TOPICS.length];
  const b = TOPICS[(index * 7 + 3) % TOPICS.length];
  return `Note ${index}: the user talked about ${a} and ${b} on day ${index % 365}, and wants a follow-up later.`;
}

/** Loads `count` memories into long_term_memory through the product's import service, in batches. */
export async function loadMemories(aiUuid: string, count: number, offset = 0): Promise<void> {
  const BATCH = 500;
  const batches: number[] = [];
  for (let start = 0; start < count; start += BATCH) batches.push(start);
  const PARALLEL = 4;
  for (let i = 0; i < batches.length; i += PARALLEL) {
    await Promise.all(
      batches.slice(i, i + PARALLEL).map((start) =>
        importMemories(
          db,
          aiUuid,
          Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => ({
            memory_type: "long_term_memory" as const,
            content: memoryText(offset + start + k),
            tags: ["bench"],
          })),
        ),
      ),
    );
  }
}

