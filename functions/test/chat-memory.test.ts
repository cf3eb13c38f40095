import { getApp } from "firebase-admin/app";
import { FieldValue, getFirestore } from "firebase-admin/firestore";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTokenCounter } from "../src/chat/token-counter";
import { consolidateWorkingMemory } from "../src/memory/consolidation-service";
import { embedMemory } from "../src/memory/embedding-service";
import { importMemories } from "../src/memory/memory-transfer";
import { handleMemoryIndexing } from "../src/memory/memory-triggers";
import { searchMemories } from "../src/memory/memory-search";
import { MEMORY_TYPES, type MemoryType, type StoredMemory } from "../src/memory/memory-types";
import { memoryCollection, updateAi } from "../src/memory/registry-service";
import { chatApp, chatAs, systemPromptOf } from "./support/chat-app";
import { createApp } from "../src/http/app";
import { ADMIN, db, deps, type HandshakeBody, newAi } from "./support/emulator";
import type { FakeOpenAi } from "./support/fake-openai-server";
import type { ModelDeps } from "../src/chat/model-client";
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
  it("holds with thousands of memories, counted with the model's tokenizer", async () => {
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
    for (let start = 0; start < memories.length; start += 500) await importMemories(isolated, ai.ai_uuid, memories.slice(start, start + 500));
    await request(budgetApp).post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory`).set("Authorization", ADMIN).send({ content: "The user's rare orchid is a Dracula vampira", importance: 0.9 });

    const answer = await chatAs(budgetApp, ai, { messages: [{ role: "user", content: "How do I water tomatoes and my Dracula orchid? b1" }] });
    expect(answer.status).toBe(200);
    const prompt = systemPromptOf(chatRequestWith("b1").body);
    const counter = await loadTokenCounter();
    expect(counter.count(memoryBlock(prompt))).toBeLessThanOrEqual(400);
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
    expect(summaries.every((summary) => summary.source === "consolidation" && summary.text.includes("sailing"))).toBe(true);
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
  it("embeds a memory once per text, and merges nearest neighbours into search", async () => {
    const ai = await newAi("Vectors");
    const ref = memoryCollection(db, ai.ai_uuid, "long_term_memory").doc();
    const created = await request(app).post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory`).set("Authorization", ADMIN).send({ content: "Kayaking on the fjord at dawn" });
    const memoryRef = memoryCollection(db, ai.ai_uuid, "long_term_memory").doc(created.body.id);
    const event = async () => ({ params: { ai_uuid: ai.ai_uuid, memory_id: created.body.id }, data: { after: await memoryRef.get() } });
    const deps = { db, models };
    await handleMemoryIndexing("long_term_memory", await event(), deps);
    const stored = (await memoryRef.get()).data()!;
    expect(stored.embedding.toArray()).toHaveLength(8);
    expect(stored.version).toBe(1);
    const calls = fake.requests.filter((recorded) => recorded.path.endsWith("/embeddings")).length;
    expect(await embedMemory(memoryRef, (await memoryRef.get()).data() as StoredMemory, models.embedder!)).toBe("unchanged");
    expect(fake.requests.filter((recorded) => recorded.path.endsWith("/embeddings")).length).toBe(calls);
    expect(await embedMemory(ref, { ...(stored as StoredMemory), text: "gone" }, models.embedder!)).toBe("gone");

    // A memory with no keyword in common is found by its vector alone.
    await memoryRef.update({ terms: FieldValue.delete() });
    const hits = await searchMemories(db, ai.ai_uuid, { query: "kayaking fjord dawn", types: MEMORY_TYPES, limit: 5, embedder: models.embedder });
    expect(hits[0]?.memory.id).toBe(created.body.id);
    expect(hits[0]?.distance).toBeLessThan(0.5);
  });
});
