import { randomUUID } from "node:crypto";
import type { Express } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateAi } from "../src/memory/registry-service";
import { chatApp, chatAs } from "./support/chat-app";
import { ADMIN, db, newAi } from "./support/emulator";
import type { FakeOpenAi } from "./support/fake-openai-server";
import { scriptShared } from "./support/fake-openai-scripts";
import { decisions } from "./support/facts";

let app: Express;
let fake: FakeOpenAi;
beforeAll(async () => ({ app, fake } = await chatApp()));
afterAll(() => fake.close());

/** Polls until `check` holds (the deployed trigger runs in the Functions emulator, on its own time). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let wait = 0; wait < 120 && !check(value); wait += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    value = await read();
  }
  return value;
}

const longTermContents = async (aiUuid: string) =>
  (await db.collection(`ai_registry/${aiUuid}/long_term_memory`).get()).docs.map((doc) => ({ id: doc.id, ...doc.data() }) as { id: string; content: string; invalidated_at?: unknown });

describe("fact extraction through the deployed trigger", () => {
  it("learns a fact from a chat, then replaces it when a later session contradicts it", async () => {
    const ai = await newAi("Deployed learner");
    const model = `e2e-extract-${randomUUID()}`;
    await updateAi(db, ai.ai_uuid, { settings: { extraction_model: model } });

    await scriptShared(model, [decisions({ action: "add", fact: "The user lives in Lyon." })]);
    expect((await chatAs(app, ai, { messages: [{ role: "user", content: "I live in Lyon." }] })).status).toBe(200);
    const learnt = await eventually(() => longTermContents(ai.ai_uuid), (memories) => memories.length === 1);
    expect(learnt.map((memory) => memory.content)).toEqual(["The user lives in Lyon."]);

    await scriptShared(model, [decisions({ action: "supersede", memory_ref: "m1", fact: "The user lives in Paris." })]);
    expect((await chatAs(app, ai, { messages: [{ role: "user", content: "I live in Paris now." }] })).status).toBe(200);
    const now = await eventually(() => longTermContents(ai.ai_uuid), (memories) => memories.some((memory) => memory.invalidated_at));
    const lyon = now.find((memory) => memory.content === "The user lives in Lyon.")!;
    const paris = now.find((memory) => memory.content === "The user lives in Paris.")!;
    expect(lyon.invalidated_at).toBeTruthy();

    const next = await chatAs(app, ai, { messages: [{ role: "user", content: "Where do I live?" }] });
    expect(next.body.memory.context_memory_ids).toContain(paris.id);
    expect(next.body.memory.context_memory_ids).not.toContain(lyon.id);
    const records = await request(app).get(`/v1/ais/${ai.ai_uuid}/extractions?status=done`).set("Authorization", ADMIN);
    const outcomes = records.body.extractions.flatMap((record: { decisions: Array<{ outcome: string }> }) => record.decisions.map((decision) => decision.outcome));
    expect(outcomes.sort()).toEqual(["added", "superseded"]);
  }, 120_000);
});
