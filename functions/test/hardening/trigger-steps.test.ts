import type { Express } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roomCollection } from "../../src/events/room-events";
import { createMemory, moveMemory } from "../../src/memory/memory-service";
import type { ModelDeps } from "../../src/models/model-client";
import { embeddingsCollection } from "../../src/search/embedding-service";
import { handleRoomEvent } from "../../src/triggers/memory-change-trigger";
import { STEP_ATTEMPTS } from "../../src/triggers/trigger-steps";
import { chatApp } from "../../../test-support/chat-app";
import { ADMIN, db, newAi } from "../../../test-support/emulator";
import {
  decisions,
  deliver,
  extractionRequests,
  factsAi,
  factsDb,
  factsHarness,
  type FactsHarness,
  longTerm,
  recordOf,
  say,
} from "../../../test-support/facts";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";

let harness: FactsHarness;
let embedding: { app: Express; fake: FakeOpenAi; models: ModelDeps };
beforeAll(async () => {
  harness = await factsHarness(1000);
  embedding = await chatApp({ embeddingModel: "fake-embedding" });
});
afterAll(() => {
  harness.fake.close();
  embedding.fake.close();
});

describe("a memory moved before its trigger ran", () => {
  it("is embedded by the event of its move", async () => {
    const ai = await newAi("Moved early");
    const { memory } = await createMemory(db, ai.ai_uuid, "working_memory", { content: "Plays the cello" });
    await moveMemory(db, ai.ai_uuid, memory.id, "working_memory", "long_term_memory");
    const events = (await roomCollection(db, ai.ai_uuid).get()).docs;
    const eventOf = (action: string) => events.find((doc) => doc.get("data.action") === action)!;
    const run = (action: string) =>
      handleRoomEvent(
        { params: { ai_uuid: ai.ai_uuid, event_id: eventOf(action).id }, data: eventOf(action) },
        { db, models: embedding.models },
      );
    // The created event reads the memory where it was made, and finds nothing there.
    expect(await run("created")).toBe("gone");
    expect(await run("moved")).toBe("embedded");
    expect((await embeddingsCollection(db, ai.ai_uuid).doc(memory.id).get()).exists).toBe(true);
    expect(await run("moved")).toBe("unchanged");
  });
});

describe("a step that keeps failing", () => {
  it("does not stop the others, is retried on its own, shows to the admin, and is given up in the end", async () => {
    const ai = await factsAi(harness, "Broken consolidation");
    // Bad data that makes every consolidation of this AI throw.
    await factsDb.doc(`ai_registry/${ai.ai_uuid}`).update({ "settings.working_memory_limit": "broken" });
    const { chatId } = await say(harness, ai, "My sister is called Ada.");
    harness.fake.script(ai.model, [decisions({ action: "add", fact: "The user's sister is called Ada." })]);

    await expect(deliver(harness, ai.ai_uuid, chatId)).rejects.toThrow(/limit/);
    expect(await recordOf(ai.ai_uuid, chatId)).toMatchObject({ status: "done" });
    expect((await longTerm(ai.ai_uuid)).map((memory) => memory.content)).toEqual(["The user's sister is called Ada."]);

    const view = await request(harness.app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN);
    expect(view.body.failing_steps).toEqual([
      expect.objectContaining({
        step: "consolidation",
        status: "failing",
        attempts: 1,
        last_error: expect.any(String),
      }),
    ]);
    const own = await request(harness.app)
      .get(`/v1/ais/${ai.ai_uuid}`)
      .set("Authorization", `Bearer ${ai.tokens.ai_token}`);
    expect(own.status).toBe(200);
    expect(own.body.failing_steps).toBeUndefined();

    for (let attempt = 2; attempt < STEP_ATTEMPTS; attempt += 1) {
      await expect(deliver(harness, ai.ai_uuid, chatId)).rejects.toThrow(/limit/);
    }
    // The last delivery gives the step up: the event is settled, and the admin still sees why.
    await deliver(harness, ai.ai_uuid, chatId);
    expect(extractionRequests(harness.fake, ai.model)).toHaveLength(1);
    const after = await request(harness.app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN);
    expect(after.body.failing_steps).toEqual([
      expect.objectContaining({ step: "consolidation", status: "gave_up", attempts: STEP_ATTEMPTS }),
    ]);
  });
});
