import type { Firestore } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { MemoryQuota } from "../../src/memory/memory-quota";
import type { AiRecord } from "../../src/memory/registry-service";
import { INDEX_MAX_BYTES, RESERVED_ENTRY_BYTES } from "../../src/search/index-limits";

const ai = { ai_uuid: "ai-1", settings: { max_memories: 1_000_000 } } as unknown as AiRecord;
const db = {} as Firestore;

describe("the memory quota", () => {
  it("holds an AI to what its search index supports, in bytes, when its setting allows more", async () => {
    const nearlyFull = INDEX_MAX_BYTES - 2 * RESERVED_ENTRY_BYTES;
    const quota = new MemoryQuota(async () => ({ count: 60_000, indexBytes: nearlyFull }));
    await quota.reserve(db, ai, 2, 0);
    await expect(quota.reserve(db, ai, 1, 0)).rejects.toMatchObject({
      code: "resource_exhausted",
      details: { field: "index", limit_bytes: INDEX_MAX_BYTES, count: 60_002 },
      message: expect.stringMatching(/search index holds 40\.0 MiB of at most 40\.0 MiB/),
    });
  });
});
