import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consolidateWorkingMemory } from "../../src/memory/consolidation-service";
import { importMemories } from "../../src/memory/memory-transfer";
import { memoryCollection, updateAi } from "../../src/memory/registry-service";
import { factsAi, factsDb, factsHarness, type FactsHarness } from "../../../test-support/facts";

let harness: FactsHarness;
beforeAll(async () => {
  harness = await factsHarness(3000);
});
afterAll(() => harness.fake.close());

describe("concurrent consolidations of one AI", () => {
  it("pay for each summary once, and still archive the whole overflow", async () => {
    // The facts database: no deployed trigger consolidates here, only the runs of this test.
    const ai = await factsAi(harness, "Consolidated once");
    await updateAi(factsDb, ai.ai_uuid, { settings: { working_memory_limit: 10, model: "slow-600" } });
    await importMemories(
      factsDb,
      ai.ai_uuid,
      Array.from({ length: 25 }, (_, index) => ({
        memory_type: "working_memory" as const,
        content: `Exchange ${index}`,
      })),
    );
    await Promise.all([1, 2, 3].map(() => consolidateWorkingMemory(factsDb, ai.ai_uuid, harness.models.chat)));

    const asked = harness.fake.requests
      .filter((recorded) => recorded.body.model === "slow-600")
      .map((recorded) => JSON.stringify(recorded.body.messages));
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked).size).toBe(asked.length);
    const working = await memoryCollection(factsDb, ai.ai_uuid, "working_memory").count().get();
    expect(working.data().count).toBeLessThanOrEqual(10);
  });
});
