import type { Firestore } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/memory/ai-settings";
import { MemoryQuota } from "../../src/memory/memory-quota";
import type { AiRecord } from "../../src/memory/registry-service";
import { INDEX_MAX_MEMORIES } from "../../src/search/index-limits";

const aiWith = (maxMemories: number) =>
  ({ ai_uuid: "ai-1", settings: { ...DEFAULT_SETTINGS, max_memories: maxMemories } }) as unknown as AiRecord;
const db = {} as Firestore;

describe("the memory quota", () => {
  it("holds an AI to the search index's supported maximum when its setting allows more", async () => {
    const quota = new MemoryQuota(async () => INDEX_MAX_MEMORIES - 1);
    await quota.reserve(db, aiWith(1_000_000), 1, 0);
    await expect(quota.reserve(db, aiWith(1_000_000), 1, 0)).rejects.toMatchObject({
      code: "resource_exhausted",
      details: { field: "settings.max_memories", limit: INDEX_MAX_MEMORIES, supported_max: INDEX_MAX_MEMORIES },
      message: expect.stringMatching(/search index supports 50000 memories per AI/),
    });
  });

  it("names the setting alone when it is the lower limit", async () => {
    const quota = new MemoryQuota(async () => 10);
    await expect(quota.reserve(db, aiWith(10), 1, 0)).rejects.toMatchObject({
      details: { limit: 10 },
      message: expect.stringMatching(/raise the limit/),
    });
  });
});
