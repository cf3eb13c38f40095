import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consolidateWorkingMemory } from "../src/memory/consolidation-service";
import { importMemories } from "../src/memory/memory-transfer";
import { memoryText, type StoredMemory } from "../src/memory/memory-types";
import { updateAi } from "../src/memory/registry-service";
import { historyCollection } from "../src/memory/memory-service";
import { systemPromptOf } from "./support/chat-app";
import { ADMIN } from "./support/emulator";
import {
  decisions, deliver, extractionRequests, factsAi, factsDb, factsHarness, type FactsHarness, longTerm, memoryState, promptData, recordOf, say, teach,
} from "./support/facts";

let harness: FactsHarness;
beforeAll(async () => {
  harness = await factsHarness();
});
afterAll(() => harness.fake.close());

const memoryOf = async (aiUuid: string, type: string, id: string) =>
  (await factsDb.doc(`ai_registry/${aiUuid}/${type}/${id}`).get()).data() as StoredMemory;
const actionsFor = async (aiUuid: string, memoryId: string) =>
  (await factsDb.collection(`ai_registry/${aiUuid}/events`).where("data.memory_id", "==", memoryId).get()).docs
    .map((doc) => doc.get("data.action") as string)
    .sort();
const search = (aiUuid: string, body: Record<string, unknown>) =>
  request(harness.app).post(`/v1/ais/${aiUuid}/memories/search`).set("Authorization", ADMIN).send(body);

/** An AI told it lives in Lyon, then (in another session) that it moved to Paris. */
async function movedToParis() {
  const ai = await factsAi(harness, "Mover");
  const { chatId: lyonChat } = await say(harness, ai, "I live in Lyon.");
  harness.fake.script(ai.model, [decisions({ action: "add", fact: "The user lives in Lyon." })]);
  await deliver(harness, ai.ai_uuid, lyonChat);
  const lyon = (await longTerm(ai.ai_uuid))[0];

  // No word in common with the fact it contradicts: the newest facts are shown to the model too.
  const { chatId: parisChat } = await say(harness, ai, "Big news: we moved to Paris in March 2025!");
  harness.fake.script(ai.model, [decisions({ action: "supersede", memory_ref: "m1", fact: "The user lives in Paris.", valid_from: "2025-03" })]);
  await deliver(harness, ai.ai_uuid, parisChat);
  const paris = (await longTerm(ai.ai_uuid)).find((memory) => memory.content === "The user lives in Paris.")!;
  return { ai, lyon, paris, lyonChat, parisChat };
}

describe("fact extraction and reconciliation", () => {
  it("adds the facts of an exchange to long-term memory, with the chat they came from", async () => {
    const ai = await factsAi(harness);
    const fact = await teach(harness, ai, "My sister Ada was born on 1990-05-02.", "The user's sister Ada was born on 1990-05-02.");
    expect(fact).toMatchObject({ source: "extraction", tags: ["fact"], version: 1, memory_type: "long_term_memory" });
    const chatId = fact.metadata.chat_id as string;
    expect(await recordOf(ai.ai_uuid, chatId)).toMatchObject({
      status: "done",
      attempts: 1,
      model: ai.model,
      decisions: [{ action: "add", outcome: "added", result_memory_id: fact.id }],
      stated_memory_ids: [fact.id],
    });
    // The raw exchange is kept as it was.
    expect((await memoryOf(ai.ai_uuid, "working_memory", chatId)).content).toContain("My sister Ada");
    // One call, with structured output, carrying the exchange.
    const [sent] = extractionRequests(harness.fake, ai.model);
    expect(sent.body.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "memory_extraction", strict: true } });
    expect(promptData(sent).exchange.user).toBe("My sister Ada was born on 1990-05-02.");
  });

  it("supersedes a contradicted fact: the next chat's context has the new one only, the old stays in history and in search on request", async () => {
    const { ai, lyon, paris, lyonChat, parisChat } = await movedToParis();
    // The model was shown what the AI knew, found by the product's own retrieval.
    const shown = promptData(extractionRequests(harness.fake, ai.model)[1]).known;
    expect(shown).toEqual([expect.objectContaining({ ref: "m1", text: "The user lives in Lyon." })]);

    const old = await memoryOf(ai.ai_uuid, "long_term_memory", lyon.id);
    expect(old).toMatchObject({ content: "The user lives in Lyon.", version: 2, superseded_by: paris.id });
    expect(old.invalidated_at).toBeTruthy();
    expect(paris.metadata).toMatchObject({ valid_from: "2025-03", supersedes: lyon.id, chat_id: parisChat });
    expect(await actionsFor(ai.ai_uuid, lyon.id)).toEqual(["created", "superseded"]);
    const history = await request(harness.app).get(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${lyon.id}/history`).set("Authorization", ADMIN);
    expect(history.body.versions).toEqual([expect.objectContaining({ version: 1, content: "The user lives in Lyon." })]);
    // The exchange that said Lyon leaves the context with its fact.
    expect((await memoryOf(ai.ai_uuid, "working_memory", lyonChat)).superseded_by).toBe(paris.id);
    expect((await recordOf(ai.ai_uuid, parisChat))?.hidden_exchange_ids).toEqual([lyonChat]);

    const next = await say(harness, ai, "Where do I live?");
    const ids = next.body.memory.context_memory_ids as string[];
    expect(ids).toContain(paris.id);
    expect(ids).not.toContain(lyon.id);
    expect(ids).not.toContain(lyonChat);
    const prompt = systemPromptOf(harness.fake.requests.find((recorded) => JSON.stringify(recorded.body.messages).includes("Where do I live?") && recorded.body.model === "test-model")!.body);
    expect(prompt).toContain("Paris");
    expect(prompt).not.toContain("Lyon");

    const current = await search(ai.ai_uuid, { query: "where does the user live Lyon", memory_types: ["long_term_memory"] });
    expect(current.body.results.map((hit: { id: string }) => hit.id)).not.toContain(lyon.id);
    const past = await search(ai.ai_uuid, { query: "where does the user live Lyon", memory_types: ["long_term_memory"], include_superseded: true });
    expect(past.body.results.find((hit: { id: string }) => hit.id === lyon.id)).toMatchObject({ superseded_by: paris.id, invalidated_at: expect.any(String) });
  });

  it("lets the admin undo a supersession: the fact and its exchange are current again", async () => {
    const { ai, lyon, paris, lyonChat } = await movedToParis();
    const asAi = await request(harness.app).post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${lyon.id}/restore`).set("Authorization", `Bearer ${ai.tokens.ai_token}`);
    expect(asAi.status).toBe(403);
    const restored = await request(harness.app).post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${lyon.id}/restore`).set("Authorization", ADMIN);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id: lyon.id, version: 3, content: "The user lives in Lyon.", restored_exchange_ids: [lyonChat] });
    expect(restored.body).not.toHaveProperty("invalidated_at");
    expect(await actionsFor(ai.ai_uuid, lyon.id)).toEqual(["created", "restored", "superseded"]);
    expect((await memoryOf(ai.ai_uuid, "working_memory", lyonChat)).invalidated_at).toBeNull();
    const found = await search(ai.ai_uuid, { query: "Lyon", memory_types: ["long_term_memory"] });
    expect(found.body.results.map((hit: { id: string }) => hit.id)).toEqual([lyon.id]);
    expect((await memoryOf(ai.ai_uuid, "long_term_memory", paris.id)).invalidated_at).toBeUndefined();

    const again = await request(harness.app).post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${lyon.id}/restore`).set("Authorization", ADMIN);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("not superseded");
  });

  it("keeps a superseded exchange out of the consolidation summary, and archives it still superseded", async () => {
    const { ai, lyonChat } = await movedToParis();
    await updateAi(factsDb, ai.ai_uuid, { settings: { working_memory_limit: 5 } });
    await importMemories(factsDb, ai.ai_uuid, Array.from({ length: 6 }, (_, index) => ({ memory_type: "working_memory" as const, content: `A chat about the weather, ${index}` })));
    const result = await consolidateWorkingMemory(factsDb, ai.ai_uuid, harness.models.chat);
    expect(result?.archived).toContain(lyonChat);
    const summary = await memoryOf(ai.ai_uuid, "long_term_memory", result!.summary_id!);
    expect(memoryText(summary)).toContain("Paris");
    expect(memoryText(summary)).not.toContain("Lyon");
    expect((await memoryOf(ai.ai_uuid, "archive", lyonChat)).invalidated_at).toBeTruthy();
  });

  it("adds nothing for a fact it already knows, whether the model says so or repeats it", async () => {
    const ai = await factsAi(harness);
    const ada = await teach(harness, ai, "My sister is called Ada.", "The user's sister is called Ada.");
    const before = await memoryState(ai.ai_uuid);

    const { chatId: toldAgain } = await say(harness, ai, "As I said, my sister is called Ada.");
    harness.fake.script(ai.model, [decisions({ action: "none", memory_ref: "m1", fact: "The user's sister is called Ada." })]);
    await deliver(harness, ai.ai_uuid, toldAgain);
    const { chatId: repeated } = await say(harness, ai, "My sister's name? Ada, of course.");
    harness.fake.script(ai.model, [decisions({ action: "add", fact: "the user's sister is called  Ada" })]);
    await deliver(harness, ai.ai_uuid, repeated);
    const { chatId: confused } = await say(harness, ai, "Ada is my sister.");
    harness.fake.script(ai.model, [decisions({ action: "supersede", memory_ref: "m1", fact: "The user's sister is called Ada." })]);
    await deliver(harness, ai.ai_uuid, confused);

    expect((await longTerm(ai.ai_uuid)).map((memory) => `${memory.id}@${memory.version}`)).toEqual([`${ada.id}@1`]);
    expect((await recordOf(ai.ai_uuid, repeated))?.decisions).toEqual([expect.objectContaining({ action: "add", outcome: "known", result_memory_id: ada.id })]);
    expect((await recordOf(ai.ai_uuid, confused))?.decisions).toEqual([expect.objectContaining({ action: "supersede", outcome: "known", result_memory_id: ada.id })]);
    // Only the three new exchanges were stored (each one working memory and its event).
    const after = await memoryState(ai.ai_uuid);
    expect(after.events - before.events).toBe(3);
    expect(after.memories.filter((each) => each.startsWith("long_term_memory/"))).toEqual(before.memories.filter((each) => each.startsWith("long_term_memory/")));
  });

  it("updates a fact the exchange refines: a new version, the old one in its history", async () => {
    const ai = await factsAi(harness);
    const job = await teach(harness, ai, "I work at Acme.", "The user works at Acme.");
    const { chatId } = await say(harness, ai, "I was promoted at Acme: I lead the engineering team now.");
    harness.fake.script(ai.model, [decisions({ action: "update", memory_ref: "m1", fact: "The user works at Acme and leads its engineering team." })]);
    await deliver(harness, ai.ai_uuid, chatId);

    const now = await memoryOf(ai.ai_uuid, "long_term_memory", job.id);
    expect(now).toMatchObject({ content: "The user works at Acme and leads its engineering team.", version: 2 });
    expect(now.invalidated_at).toBeUndefined();
    expect(now.metadata.chat_id).toBe(chatId);
    const history = await historyCollection(factsDb, ai.ai_uuid, job.id).get();
    expect(history.docs.map((doc) => doc.data().content)).toEqual(["The user works at Acme."]);
    expect(await actionsFor(ai.ai_uuid, job.id)).toEqual(["created", "updated"]);
  });

  it("never touches another AI's memory, even when the model names a memory it was not shown", async () => {
    const mine = await factsAi(harness, "Mine");
    const other = await factsAi(harness, "Other");
    await teach(harness, mine, "I live in Lyon.", "The user lives in Lyon.");
    const theirs = await teach(harness, other, "I live in Lyon with my cat Zed.", "The user lives in Lyon with a cat named Zed.");
    const otherBefore = await memoryState(other.ai_uuid);

    const { chatId } = await say(harness, mine, "I live in Paris now.");
    harness.fake.script(mine.model, [
      decisions({ action: "supersede", memory_ref: "m2", fact: "The user lives in Paris." }),
      decisions({ action: "supersede", memory_ref: "m1", fact: "The user lives in Paris." }),
    ]);
    const mineBefore = await memoryState(mine.ai_uuid);
    await expect(deliver(harness, mine.ai_uuid, chatId)).rejects.toThrow(/memory_ref "m2" is none of the memories shown/);
    expect(await memoryState(mine.ai_uuid)).toEqual(mineBefore);
    await deliver(harness, mine.ai_uuid, chatId);

    const [first, second] = extractionRequests(harness.fake, mine.model).map((sent) => JSON.stringify(promptData(sent)));
    expect(first).not.toContain("Zed");
    expect(second).not.toContain("Zed");
    expect(await memoryState(other.ai_uuid)).toEqual(otherBefore);
    expect((await memoryOf(other.ai_uuid, "long_term_memory", theirs.id)).invalidated_at).toBeUndefined();
    expect((await longTerm(mine.ai_uuid)).map((memory) => memory.content).sort()).toEqual(["The user lives in Lyon.", "The user lives in Paris."]);
  });
});
