import { getApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { Tiktoken } from "js-tiktoken/lite";
import o200k from "js-tiktoken/ranks/o200k_base";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consolidateWorkingMemory } from "../src/memory/consolidation-service";
import { importMemories } from "../src/memory/memory-transfer";
import { MEMORY_TYPES, type MemoryType, memoryText, type StoredMemory } from "../src/memory/memory-types";
import { embeddingsCollection } from "../src/search/embedding-service";
import { searchMemories } from "../src/search/memory-search";
import { handleRoomEvent } from "../src/triggers/memory-change-trigger";
import { memoryCollection, updateAi } from "../src/memory/registry-service";
import { chatApp, chatAs, systemPromptOf } from "./support/chat-app";
import { createApp } from "../src/http/app";
import { ADMIN, db, deps, type HandshakeBody, newAi } from "./support/emulator";
import type { FakeOpenAi } from "./support/fake-openai-server";
import type { ModelDeps } from "../src/models/model-client";
import type { Express } from "express";

let app: Express;
let fake: FakeOpenAi;
let models: ModelDeps;
beforeAll(async () => ({ app, fake, models } = await chatApp({ embeddingModel: "fake-embedding" })));
afterAll(() => fake.close());

const chatRequestWith = (marker: string) =>
  fake.requests.find((recorded) => recorded.path.endsWith("/chat/completions") && JSON.stringify(recorded.body).includes(marker))!;

const memoryBlock = (prompt: string) => prompt.slice(prompt.lastIndexOf("<memory_data>\n") + 14, prompt.lastIndexOf("\n</memory_data>"));

/** Every memory id of an AI per type, read at one consistent moment. */
async function snapshotIds(aiUuid: string): Promise<Record<MemoryType, string[]>> {
  return db.runTransaction(async (tx) => {
    const lists = await Promise.all(MEMORY_TYPES.map((type) => tx.get(memoryCollection(db, aiUuid, type))));
    return Object.fromEntries(MEMORY_TYPES.map((type, index) => [type, lists[index].docs.map((doc) => doc.id)])) as Record<MemoryType, string[]>;
  }, { readOnly: true });
}

describe("the memory token budget", () => {
  it("holds with thousands of memories, counted with the model's own tokenizer (o200k)", async () => {
    // A database of its own, which no trigger watches: thousands of writes would otherwise queue
    // thousands of trigger runs in the Functions emulator, ahead of every other suite's.
    const isolated = getFirestore(getApp(), "chat-budget");
    const budgetApp = createApp({ ...deps, db: isolated, models });
    const made = await request(budgetApp).post("/v1/handshake").set("Authorization", ADMIN).send({ ai_name: "Hoarder" });
    const ai = made.body as HandshakeBody;
    await updateAi(isolated, ai.ai_uuid, { settings: { memory_token_budget: 400 } });
    const memories = Array.from({ length: 3000 }, (_, index) => ({
      memory_type: "long_term_memory" as const,
      content: `Gardening note ${index}: tomatoes on bed ${index % 37} need water and compost, with more words to make it long.`,
    }));
    for (let start = 0; start < memories.length; start += 200) await importMemories(isolated, ai.ai_uuid, memories.slice(start, start + 200));
    await request(budgetApp).post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory`).set("Authorization", ADMIN).send({ content: "The user's rare orchid is a Dracula vampira", importance: 0.9 });

    const answer = await chatAs(budgetApp, ai, { messages: [{ role: "user", content: "How do I water tomatoes and my Dracula orchid? b1" }] });
    expect(answer.status).toBe(200);
    const prompt = systemPromptOf(chatRequestWith("b1").body);
    expect(new Tiktoken(o200k).encode(memoryBlock(prompt)).length).toBeLessThanOrEqual(400);
    expect(answer.body.memory.context_memory_ids.length).toBeGreaterThan(3);
    expect(prompt).toContain("Dracula vampira");
  }, 120_000);
});

describe("working-memory consolidation", () => {
  it("is done by the deployed trigger after chats", async () => {
    const ai = await newAi("Chatty");
    await updateAi(db, ai.ai_uuid, { settings: { working_memory_limit: 3 } });
    for (let index = 0; index < 6; index += 1) {
      expect((await chatAs(app, ai, { messages: [{ role: "user", content: `fact number ${index}` }] })).status).toBe(200);
    }
    let now = await snapshotIds(ai.ai_uuid);
    for (let wait = 0; wait < 200 && now.archive.length === 0; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      now = await snapshotIds(ai.ai_uuid);
    }
    expect(now.archive.length).toBeGreaterThan(0);
    expect(now.working_memory.length + now.archive.length).toBe(6);
  }, 120_000);

  it("summarizes the oldest overflow into long-term memory and archives the originals, losing none even when run concurrently", async () => {
    const ai = await newAi("Consolidator");
    await updateAi(db, ai.ai_uuid, { settings: { working_memory_limit: 10, reflections: true } });
    const { memory_ids: ids } = await importMemories(db, ai.ai_uuid, Array.from({ length: 25 }, (_, index) => ({ memory_type: "working_memory" as const, content: `Exchange ${index} about sailing` })));
    // The deployed trigger runs too (every create fires it); three more runs race it here.
    await Promise.all([1, 2, 3].map(() => consolidateWorkingMemory(db, ai.ai_uuid, models.chat)));
    while (await consolidateWorkingMemory(db, ai.ai_uuid, models.chat)) { /* until under the limit */ }

    const now = await snapshotIds(ai.ai_uuid);
    expect(now.working_memory.length).toBeLessThanOrEqual(10);
    const everywhere = [...now.working_memory, ...now.archive];
    expect(everywhere.sort()).toEqual([...ids].sort());
    const summaries = (await memoryCollection(db, ai.ai_uuid, "long_term_memory").get()).docs.map((doc) => doc.data() as StoredMemory);
    expect(summaries.length).toBeGreaterThan(0);
    const covered = summaries.flatMap((summary) => summary.metadata.consolidated_from as string[]);
    expect(new Set(covered).size).toBe(covered.length);
    expect(covered.sort()).toEqual([...now.archive].sort());
    expect(summaries.every((summary) => summary.source === "consolidation" && memoryText(summary).includes("sailing"))).toBe(true);
    const archived = (await memoryCollection(db, ai.ai_uuid, "archive").doc(now.archive[0]).get()).data() as StoredMemory;
    expect(archived).toMatchObject({ moved_from: "working_memory", memory_type: "archive", version: 1 });
    expect((await memoryCollection(db, ai.ai_uuid, "personal_logs").get()).docs.every((doc) => doc.data().source === "reflection")).toBe(true);
  });

  it("without a model, moves the overflow to the archive", async () => {
    const ai = await newAi("NoSummary");
    await updateAi(db, ai.ai_uuid, { settings: { working_memory_limit: 5 } });
    const { memory_ids: ids } = await importMemories(db, ai.ai_uuid, Array.from({ length: 8 }, (_, index) => ({ memory_type: "working_memory" as const, content: `note ${index}` })));
    while (await consolidateWorkingMemory(db, ai.ai_uuid, null)) { /* until under the limit */ }
    const now = await snapshotIds(ai.ai_uuid);
    expect([...now.working_memory, ...now.archive].sort()).toEqual([...ids].sort());
    expect(now.archive.length).toBeGreaterThanOrEqual(3);
  });

});

describe("embeddings and vector search", () => {
  it("embeds a memory once per text, even when its event is delivered twice, and finds it by its vector", async () => {
    const ai = await newAi("Vectors");
    const created = await request(app).post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory`).set("Authorization", ADMIN).send({ content: "Kayaking on the fjord at dawn" });
    const [event] = (await db.collection(`ai_registry/${ai.ai_uuid}/events`).get()).docs;
    const delivery = { params: { ai_uuid: ai.ai_uuid, event_id: event.id }, data: event };
    const embeddingCalls = () => fake.requests.filter((recorded) => recorded.path.endsWith("/embeddings")).length;
    const before = embeddingCalls();
    expect(await handleRoomEvent(delivery, { db, models })).toBe("embedded");
    expect(await handleRoomEvent(delivery, { db, models })).toBe("unchanged");
    expect(embeddingCalls()).toBe(before + 1);
    const stored = await embeddingsCollection(db, ai.ai_uuid).doc(created.body.id).get();
    expect(stored.get("embedding").toArray()).toHaveLength(8);
    // The memory itself carries no vector, and its version did not move.
    const memory = (await memoryCollection(db, ai.ai_uuid, "long_term_memory").doc(created.body.id).get()).data()!;
    expect(memory).not.toHaveProperty("embedding");
    expect(memory.version).toBe(1);

    // Only stop words: the keyword ranking finds nothing, the vector finds the memory.
    const hits = await searchMemories(db, ai.ai_uuid, { query: "on the at", types: MEMORY_TYPES, limit: 5, embedder: models.embedder });
    expect(hits[0]?.memory.id).toBe(created.body.id);
    expect(hits[0]?.distance).toBeLessThan(0.6);

    // Deleting the memory takes its embedding away (its `deleted` event runs the same step).
    await request(app).delete(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${created.body.id}`).set("Authorization", ADMIN);
    const deleted = (await db.collection(`ai_registry/${ai.ai_uuid}/events`).get()).docs.find((doc) => doc.get("data.action") === "deleted")!;
    expect(await handleRoomEvent({ params: { ai_uuid: ai.ai_uuid, event_id: deleted.id }, data: deleted }, { db, models })).toBe("removed");
    expect((await embeddingsCollection(db, ai.ai_uuid).doc(created.body.id).get()).exists).toBe(false);
  });
});
