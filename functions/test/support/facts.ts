import { randomUUID } from "node:crypto";
import { getApp } from "firebase-admin/app";
import { type Firestore, getFirestore, Timestamp } from "firebase-admin/firestore";
import type { Express } from "express";
import request from "supertest";
import { type ModelDeps, openAiModels } from "../../src/models/model-client";
import type { ExtractionRecord } from "../../src/facts/extraction-record";
import { supersededBy } from "../../src/facts/supersession";
import { createApp } from "../../src/http/app";
import { editMemory } from "../../src/memory/memory-service";
import type { StoredMemory } from "../../src/memory/memory-types";
import { memoryCollection, updateAi } from "../../src/memory/registry-service";
import { handleRoomEvent } from "../../src/triggers/memory-change-trigger";
import { ADMIN, config, deps, type HandshakeBody } from "./emulator";
import { type FakeOpenAi, type RecordedRequest, startFakeOpenAi } from "./fake-openai-server";
import type { ScriptedReply } from "./fake-openai-scripts";

/**
 * Fact extraction driven by hand: a database of its own, which no deployed trigger watches, so a
 * test delivers each room event to the trigger's handler itself (and again, to redeliver it),
 * with the in-process fake model answering what the test scripted.
 */
export const factsDb = getFirestore(getApp(), "facts");

export interface FactsHarness {
  app: Express;
  fake: FakeOpenAi;
  models: ModelDeps;
}

/** The app on the facts database; the model times out after `timeoutMs` and is never retried by the SDK. */
export async function factsHarness(timeoutMs = 1000): Promise<FactsHarness> {
  const fake = await startFakeOpenAi();
  const models = openAiModels(
    { ...config, openai: { apiKey: "test-openai-key", baseUrl: fake.url, model: "test-model" }, embedding: { model: "", baseUrl: "", dimensions: 8 } },
    { timeoutMs, maxRetries: 0 },
  );
  return { app: createApp({ ...deps, db: factsDb, models }), fake, models };
}

/** A new AI whose extraction asks a model name of its own, so its scripts touch no other AI. */
export async function factsAi(harness: FactsHarness, name = "Learner"): Promise<HandshakeBody & { model: string }> {
  const made = await request(harness.app).post("/v1/handshake").set("Authorization", ADMIN).send({ ai_name: name });
  const ai = made.body as HandshakeBody;
  const model = `extract-${randomUUID()}`;
  await updateAi(factsDb, ai.ai_uuid, { settings: { extraction_model: model } });
  return { ...ai, model };
}

/** One chat turn in a new session (no X-Session-Id); answers the chat id and the whole answer. */
export async function say(harness: FactsHarness, ai: HandshakeBody, content: string) {
  const answer = await request(harness.app)
    .post("/v1/chat/completions")
    .set("Authorization", `Bearer ${ai.tokens.ai_token}`)
    .send({ model: "test-model", messages: [{ role: "user", content }] });
  if (answer.status !== 200) throw new Error(`chat failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { chatId: answer.body.memory.stored_memory_ids[0] as string, body: answer.body };
}

/** Delivers the `created` event of an exchange's working memory to the trigger's handler, as the platform would. */
export async function deliver(harness: FactsHarness, aiUuid: string, chatId: string): Promise<string> {
  const events = await factsDb.collection(`ai_registry/${aiUuid}/events`).where("data.memory_id", "==", chatId).get();
  const created = events.docs.find((doc) => doc.get("data.action") === "created")!;
  return handleRoomEvent({ params: { ai_uuid: aiUuid, event_id: created.id }, data: created }, { db: factsDb, models: harness.models });
}

/** A scripted answer of the model: these decisions, as JSON. */
export const decisions = (...list: Array<{ action: string; fact: string; memory_ref?: string | null; valid_from?: string | null }>): ScriptedReply & { content: string } => ({
  content: JSON.stringify({ decisions: list.map((each) => ({ valid_from: null, memory_ref: null, ...each })) }),
});

/** Chats and extracts one fact, so the AI knows it; answers the fact's memory. */
export async function teach(harness: FactsHarness, ai: HandshakeBody & { model: string }, said: string, fact: string): Promise<StoredMemory> {
  const { chatId } = await say(harness, ai, said);
  harness.fake.script(ai.model, [decisions({ action: "add", fact })]);
  await deliver(harness, ai.ai_uuid, chatId);
  return (await longTerm(ai.ai_uuid)).find((memory) => memory.content === fact)!;
}

export async function longTerm(aiUuid: string): Promise<StoredMemory[]> {
  return (await memoryCollection(factsDb, aiUuid, "long_term_memory").get()).docs.map((doc) => doc.data() as StoredMemory);
}

export async function recordOf(aiUuid: string, chatId: string): Promise<ExtractionRecord | undefined> {
  return (await factsDb.doc(`ai_registry/${aiUuid}/extractions/${chatId}`).get()).data() as ExtractionRecord | undefined;
}

/** The extraction requests the fake model received for this model name. */
export const extractionRequests = (fake: FakeOpenAi, model: string): RecordedRequest[] =>
  fake.requests.filter((recorded) => recorded.path.endsWith("/chat/completions") && recorded.body.model === model);

/** The data an extraction request carried: the exchange and the known memories it showed. */
export function promptData(recorded: RecordedRequest): { exchange: { user: string; assistant: string }; known: Array<{ ref: string; text: string }> } {
  const messages = recorded.body.messages as Array<{ role: string; content: string }>;
  return JSON.parse(messages[1].content);
}

/** Every memory of an AI with its version, and its memory_update events: what "nothing changed" compares. */
export async function memoryState(aiUuid: string) {
  const types = ["working_memory", "long_term_memory", "personal_logs", "archive"] as const;
  const lists = await Promise.all(types.map((type) => memoryCollection(factsDb, aiUuid, type).get()));
  const events = await factsDb.collection(`ai_registry/${aiUuid}/events`).get();
  return {
    memories: lists.flatMap((list) => list.docs.map((doc) => `${doc.ref.parent.id}/${doc.id}@${doc.get("version")}`)).sort(),
    events: events.size,
  };
}

/** What reconciliation does to a contradicted long-term fact, done by hand (for tests of what follows). */
export const supersedeByHand = (database: Firestore, aiUuid: string, id: string, replacement: string) =>
  editMemory(database, aiUuid, "long_term_memory", id, supersededBy(replacement, Timestamp.now()), { action: "superseded" });
