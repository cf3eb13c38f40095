import type { Firestore } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { RequestBuckets } from "../../src/http/rate-limit";
import { MemoryQuota } from "../../src/memory/memory-quota";
import type { AiRecord } from "../../src/memory/registry-service";

describe("the request buckets of an instance", () => {
  it("hold a minute's allowance and refill at it: one request back every 60/N seconds", () => {
    const buckets = new RequestBuckets();
    expect([0, 0, 0].map(() => buckets.take("ai", 3, 0))).toEqual([0, 0, 0]);
    expect(buckets.take("ai", 3, 0)).toBe(20);
    expect(buckets.take("ai", 3, 15_000)).toBe(5);
    expect(buckets.take("ai", 3, 20_000)).toBe(0);
    expect(buckets.take("other", 3, 20_000)).toBe(0);
  });

  it("forget idle AIs when full, so memory stays bounded", () => {
    const buckets = new RequestBuckets(2);
    buckets.take("a", 1, 0);
    buckets.take("b", 1, 0);
    buckets.take("c", 1, 120_000);
    // a and b were idle for two minutes: forgotten, so a starts again with a full bucket.
    expect(buckets.take("a", 1, 120_000)).toBe(0);
  });
});

describe("the memory quota", () => {
  const db = {} as Firestore;
  const ai = { ai_uuid: "a", settings: { max_memories: 2 } } as unknown as AiRecord;

  it("counts again after a few seconds, and counts what it let through meanwhile", async () => {
    let stored = 0;
    const quota = new MemoryQuota(async () => stored);
    await quota.reserve(db, ai, 1, 0);
    await quota.reserve(db, ai, 1, 1_000);
    await expect(quota.reserve(db, ai, 1, 2_000)).rejects.toMatchObject({ code: "resource_exhausted", details: { field: "settings.max_memories" } });
    stored = 1; // one was deleted meanwhile: seen once the count is older than 5 s
    await expect(quota.reserve(db, ai, 1, 4_000)).rejects.toMatchObject({ code: "resource_exhausted" });
    await quota.reserve(db, ai, 1, 6_000);
  });

  it("uses the default for an AI registered before the setting existed", async () => {
    const quota = new MemoryQuota(async () => 99_999);
    const legacy = { ai_uuid: "b", settings: {} } as unknown as AiRecord;
    await quota.reserve(db, legacy, 1, 0);
    await expect(quota.reserve(db, legacy, 1, 0)).rejects.toMatchObject({ details: { limit: 100_000 } });
  });
});
