import type { AddressInfo } from "node:net";
import type { Express } from "express";
import request from "supertest";
import { type ModelDeps, type ModelOptions, openAiModels } from "../../src/models/model-client";
import { createApp } from "../../src/http/app";
import { config, db, deps, type HandshakeBody } from "./emulator";
import { type FakeOpenAi, startFakeOpenAi } from "./fake-openai-server";

/** An in-process app whose language model is a fake server of its own, with short time limits. */
export async function chatApp(options: ModelOptions & { embeddingModel?: string } = {}): Promise<{ app: Express; fake: FakeOpenAi; models: ModelDeps }> {
  const fake = await startFakeOpenAi();
  const models = openAiModels(
    {
      ...config,
      openai: { apiKey: "test-openai-key", baseUrl: fake.url, model: "test-model" },
      embedding: { model: options.embeddingModel ?? "", baseUrl: fake.url, dimensions: 8 },
    },
    { timeoutMs: options.timeoutMs ?? 1500, maxRetries: options.maxRetries ?? 1 },
  );
  return { app: createApp({ ...deps, models }), fake, models };
}

/** The system prompt the model was sent in a recorded chat request. */
export const systemPromptOf = (body: Record<string, unknown>): string =>
  String((body.messages as Array<{ role: string; content: string }>)[0]?.content ?? "");

export async function chatAs(app: Express, ai: HandshakeBody, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  let call = request(app).post("/v1/chat/completions").set("Authorization", `Bearer ${ai.tokens.ai_token}`);
  for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
  return call.send({ model: "test-model", ...body });
}

/** What an AI has stored: its sessions (the handshake made one), chats and working memories. */
export async function storedFor(aiUuid: string) {
  const [sessions, chats, working] = await Promise.all([
    db.collection("chat_sessions").where("ai_uuid", "==", aiUuid).get(),
    db.collection("chats").where("ai_uuid", "==", aiUuid).get(),
    db.collection("ai_registry").doc(aiUuid).collection("working_memory").get(),
  ]);
  return { sessions: sessions.size, chats: chats.size, working: working.size };
}

/** storedFor() of an AI that only did its handshake. */
export const NOTHING_STORED = { sessions: 1, chats: 0, working: 0 };

/** chatApp() listening on a free port: for clients that need a URL (the openai SDK, MCP, our SDK). */
export async function chatServer(options: Parameters<typeof chatApp>[0] = {}) {
  const built = await chatApp(options);
  const server = built.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await built.fake.close();
  };
  return { ...built, url, close };
}
