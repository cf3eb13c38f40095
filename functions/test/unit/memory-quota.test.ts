import type { Firestore } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { MemoryQuota } from "../../src/memory/memory-quota";
import type { AiRecord } from "../../src/memory/registry-service";
import { INDEX_MAX_MEMORIES } from "../../src/search/index-limits";

const ai = { ai_uuid: "ai-1", settings: { max_memories: 1_000_000 } } as unknown as AiRecord;
const db = {} as Firestore;

describe("the memory quota", () => {
  it("holds an AI to what its search index supports when its setting allows more", async () => {
    const quota = new MemoryQuota(async () => INDEX_MAX_MEMORIES - 2);
    await quota.reserve(db, ai, 2, 0);
    await expect(quota.reserve(db, ai, 1, 0)).rejects.toMatchObject({
      code: "resource_exhausted",
      details: { field: "index", limit: INDEX_MAX_MEMORIES, count: INDEX_MAX_MEMORIES },
      message: expect.stringMatching(/search index supports at most 250000/),
    });
  });

  it("names settings.max_memories first when the AI's own limit is lower", async () => {
    const quota = new MemoryQuota(async () => 10);
    const small = { ...ai, settings: { max_memories: 10 } } as unknown as AiRecord;
    await expect(quota.reserve(db, small, 1, 0)).rejects.toMatchObject({
      code: "resource_exhausted",
      details: { field: "settings.max_memories", limit: 10, count: 10 },
    });
  });
});
