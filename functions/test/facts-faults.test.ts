import { Tiktoken } from "js-tiktoken/lite";
import o200k from "js-tiktoken/ranks/o200k_base";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXTRACTION_PROMPT_BUDGET, MAX_KNOWN } from "../src/facts/extraction-prompt";
import { MAX_ATTEMPTS } from "../src/facts/extraction-record";
import { importMemories } from "../src/memory/memory-transfer";
import { updateAi } from "../src/memory/registry-service";
import { extractionRecord } from "../src/http/response-schemas";
import { ADMIN } from "../../test-support/emulator";
import {
  decisions,
  deliver,
  extractionRequests,
  factsAi,
  factsDb,
  factsHarness,
  type FactsHarness,
  longTerm,
  memoryState,
  promptData,
  recordOf,
  say,
} from "../../test-support/facts";

let harness: FactsHarness;
beforeAll(async () => {
  harness = await factsHarness(1000);
});
afterAll(() => harness.fake.close());

const ADA = decisions({ action: "add", fact: "The user's sister is called Ada." });

describe("fact extraction when the model fails", () => {
  it("changes nothing on malformed JSON, a 500 or a timeout, and extracts the exchange once on a later delivery", async () => {
    const ai = await factsAi(harness);
    const { chatId } = await say(harness, ai, "My sister is called Ada.");
    harness.fake.script(ai.model, [
      { content: "Sure! Your sister is Ada." },
      { status: 500 },
      { content: ADA.content, delay_ms: 2500 },
      ADA,
    ]);
    const before = await memoryState(ai.ai_uuid);
    const reasons = [/no JSON object/, /HTTP 500/, /did not answer within 1 s/];
    for (const [index, reason] of reasons.entries()) {
      await expect(deliver(harness, ai.ai_uuid, chatId)).rejects.toThrow(reason);
      expect(await memoryState(ai.ai_uuid)).toEqual(before);
      expect(await recordOf(ai.ai_uuid, chatId)).toMatchObject({
        status: "retrying",
        attempts: index + 1,
        last_error: expect.stringMatching(reason),
      });
    }
    await deliver(harness, ai.ai_uuid, chatId);
    expect((await longTerm(ai.ai_uuid)).map((memory) => memory.content)).toEqual(["The user's sister is called Ada."]);
    expect(await recordOf(ai.ai_uuid, chatId)).toMatchObject({ status: "done", attempts: 4, last_error: null });
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts, recorded as failed for the admin to see`, async () => {
    const ai = await factsAi(harness);
    const { chatId } = await say(harness, ai, "I am allergic to peanuts.");
    harness.fake.script(
      ai.model,
      Array.from({ length: MAX_ATTEMPTS }, () => ({ status: 500 })),
    );
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1)
      await expect(deliver(harness, ai.ai_uuid, chatId)).rejects.toThrow(/HTTP 500/);
    // The last attempt fails without an error, so the platform stops redelivering.
    await deliver(harness, ai.ai_uuid, chatId);
    await deliver(harness, ai.ai_uuid, chatId);
    expect(extractionRequests(harness.fake, ai.model)).toHaveLength(MAX_ATTEMPTS);
    expect(await longTerm(ai.ai_uuid)).toEqual([]);

    const listed = await request(harness.app)
      .get(`/v1/ais/${ai.ai_uuid}/extractions?status=failed`)
      .set("Authorization", ADMIN);
    expect(listed.status).toBe(200);
    expect(listed.body.extractions).toEqual([
      expect.objectContaining({
        chat_id: chatId,
        status: "failed",
        attempts: MAX_ATTEMPTS,
        last_error: expect.stringContaining("HTTP 500"),
      }),
    ]);
    const one = await request(harness.app)
      .get(`/v1/ais/${ai.ai_uuid}/extractions/${chatId}`)
      .set("Authorization", ADMIN);
    expect(one.body).toMatchObject({ chat_id: chatId, status: "failed" });
    expect(extractionRecord.safeParse(one.body).error?.issues ?? []).toEqual([]);
    const asAi = await request(harness.app)
      .get(`/v1/ais/${ai.ai_uuid}/extractions`)
      .set("Authorization", `Bearer ${ai.tokens.ai_token}`);
    expect(asAi.status).toBe(403);
    const bad = await request(harness.app)
      .get(`/v1/ais/${ai.ai_uuid}/extractions?status=lost&limit=0`)
      .set("Authorization", ADMIN);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/query\.limit: must be at least 1.*query\.status: must be one of/);
  });

  it("reads an answer wrapped in prose, and asks again without structured output a server that refuses it", async () => {
    const ai = await factsAi(harness);
    const { chatId } = await say(harness, ai, "My sister is called Ada.");
    harness.fake.script(ai.model, [
      { status: 400 },
      { content: `Here you go:\n\`\`\`json\n${ADA.content}\n\`\`\`\nAnything else?` },
    ]);
    await deliver(harness, ai.ai_uuid, chatId);
    expect((await longTerm(ai.ai_uuid)).map((memory) => memory.content)).toEqual(["The user's sister is called Ada."]);
    const [structured, plain] = extractionRequests(harness.fake, ai.model);
    expect(structured.body.response_format).toBeDefined();
    expect(plain.body.response_format).toBeUndefined();
    expect(await recordOf(ai.ai_uuid, chatId)).toMatchObject({ status: "done", attempts: 1 });
  });
});

describe("fact extraction's guarantees", () => {
  it("is idempotent on the chat id: deliveries at once or later extract and apply once", async () => {
    const ai = await factsAi(harness);
    const { chatId } = await say(harness, ai, "My sister is called Ada.");
    harness.fake.script(ai.model, [ADA, ADA, ADA]);
    const both = await Promise.allSettled([deliver(harness, ai.ai_uuid, chatId), deliver(harness, ai.ai_uuid, chatId)]);
    // A delivery that finds the other's attempt running fails, so the platform delivers it again.
    expect(both.filter((each) => each.status === "rejected").length).toBeLessThanOrEqual(1);
    await deliver(harness, ai.ai_uuid, chatId);
    expect(extractionRequests(harness.fake, ai.model)).toHaveLength(1);
    expect(await longTerm(ai.ai_uuid)).toHaveLength(1);
    expect(await recordOf(ai.ai_uuid, chatId)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("keeps the prompt within its token budget, however long the exchange and the related memories", async () => {
    const ai = await factsAi(harness);
    const long = (topic: string, words: number) =>
      Array.from({ length: words }, (_, index) => `${topic} detail ${index}`).join(", ");
    const crops = ["tomato", "basil", "carrot", "onion", "pepper", "garlic"];
    const notes = crops.flatMap((crop) =>
      Array.from({ length: 5 }, (_, index) => ({
        memory_type: "long_term_memory" as const,
        content: `Garden note on ${crop} ${index}: ${long(crop, 200)}`,
      })),
    );
    await importMemories(factsDb, ai.ai_uuid, notes);
    const { chatId } = await say(
      harness,
      ai,
      `${crops.map((crop) => `My ${crop} plans changed.`).join(" ")} ${long("garden", 3000)}`,
    );
    await deliver(harness, ai.ai_uuid, chatId);

    const [sent] = extractionRequests(harness.fake, ai.model);
    const messages = sent.body.messages as Array<{ content: string }>;
    const tokens = new Tiktoken(o200k);
    expect(tokens.encode(messages[0].content).length).toBeLessThan(2000);
    expect(messages.reduce((sum, message) => sum + tokens.encode(message.content).length, 0)).toBeLessThanOrEqual(
      EXTRACTION_PROMPT_BUDGET,
    );
    expect(promptData(sent).known).toHaveLength(MAX_KNOWN);
    expect(promptData(sent).exchange.user.endsWith("…")).toBe(true);
  });

  it("respects the AI's settings: off, and a daily cap past which exchanges are recorded as skipped", async () => {
    const ai = await factsAi(harness);
    await updateAi(factsDb, ai.ai_uuid, { settings: { extraction_enabled: false } });
    const { chatId: off } = await say(harness, ai, "My sister is called Ada.");
    await deliver(harness, ai.ai_uuid, off);
    expect(await recordOf(ai.ai_uuid, off)).toBeUndefined();

    const patched = await request(harness.app)
      .patch(`/v1/ais/${ai.ai_uuid}`)
      .set("Authorization", ADMIN)
      .send({ settings: { extraction_enabled: true, extraction_daily_cap: 1 } });
    expect(patched.body.settings).toMatchObject({
      extraction_enabled: true,
      extraction_daily_cap: 1,
      extraction_model: ai.model,
    });
    const { chatId: first } = await say(harness, ai, "My brother is called Bo.");
    const { chatId: second } = await say(harness, ai, "My cousin is called Cy.");
    await deliver(harness, ai.ai_uuid, first);
    await deliver(harness, ai.ai_uuid, second);
    expect(extractionRequests(harness.fake, ai.model)).toHaveLength(1);
    expect(await recordOf(ai.ai_uuid, first)).toMatchObject({ status: "done" });
    expect(await recordOf(ai.ai_uuid, second)).toMatchObject({
      status: "skipped",
      last_error: expect.stringContaining("daily cap of 1"),
    });

    const invalid = await request(harness.app)
      .patch(`/v1/ais/${ai.ai_uuid}`)
      .set("Authorization", ADMIN)
      .send({ settings: { extraction_daily_cap: -1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toContain("settings.extraction_daily_cap");
  });
});
