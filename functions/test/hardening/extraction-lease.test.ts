import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimAttempt, LEASE_MS } from "../../src/facts/extraction-record";
import { ExtractionRetry, extractFacts } from "../../src/facts/extraction-service";
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

let harness: FactsHarness;
beforeAll(async () => {
  harness = await factsHarness(1000);
});
afterAll(() => harness.fake.close());

describe("an extraction whose instance died mid-attempt", () => {
  it("is retried by the platform while the lease holds, and taken over once it ran out", async () => {
    const ai = await factsAi(harness);
    const { chatId } = await say(harness, ai, "My sister is called Ada.");
    // A delivery claims the attempt, then its instance dies: nothing records an outcome.
    const claim = await claimAttempt(factsDb, ai.ai_uuid, { id: chatId, session_id: null }, ai.model);
    expect(claim).toEqual({ go: true, attempt: 1 });

    // The redelivery, seconds later: it must fail, or the platform never delivers the event again.
    await expect(deliver(harness, ai.ai_uuid, chatId)).rejects.toBeInstanceOf(ExtractionRetry);
    expect(extractionRequests(harness.fake, ai.model)).toHaveLength(0);
    expect(await recordOf(ai.ai_uuid, chatId)).toMatchObject({ status: "running", attempts: 1 });

    harness.fake.script(ai.model, [decisions({ action: "add", fact: "The user's sister is called Ada." })]);
    const later = Date.now() + LEASE_MS + 1000;
    expect(await extractFacts({ db: factsDb, models: harness.models }, ai.ai_uuid, chatId, later)).toBe("done");
    expect((await longTerm(ai.ai_uuid)).map((memory) => memory.content)).toEqual(["The user's sister is called Ada."]);
    expect(await recordOf(ai.ai_uuid, chatId)).toMatchObject({ status: "done", attempts: 2 });
  });
});
