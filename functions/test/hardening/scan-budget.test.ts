import { Query } from "firebase-admin/firestore";
import { afterEach, describe, expect, it, vi } from "vitest";
import { retrieveMemories, SCAN_LIMIT } from "../../src/memory/memory-query";
import { importMemories } from "../../src/memory/memory-transfer";
import { MEMORY_TYPES } from "../../src/memory/memory-types";
import { db, newAi } from "../../../test-support/emulator";

afterEach(() => vi.restoreAllMocks());

/** Documents the queries of `work` read, counted where every query reads: Query.get. */
async function documentsRead(work: () => Promise<unknown>): Promise<number> {
  let read = 0;
  const get = Query.prototype.get;
  vi.spyOn(Query.prototype, "get").mockImplementation(async function (this: Query) {
    const snapshot = await get.call(this);
    read += snapshot.size;
    return snapshot;
  });
  await work();
  vi.restoreAllMocks();
  return read;
}

describe("retrieve across every memory type", () => {
  it(`reads at most ${SCAN_LIMIT} documents in all when the filter matches nothing, and hands back a cursor`, async () => {
    const ai = await newAi("Wide scan");
    // Working memory is left out: the deployed trigger would consolidate it meanwhile.
    const perType = 350;
    for (const memory_type of MEMORY_TYPES.filter((type) => type !== "working_memory")) {
      for (let start = 0; start < perType; start += 175) {
        const batch = Array.from({ length: 175 }, (_, index) => ({
          memory_type,
          content: `note ${start + index}`,
        }));
        await importMemories(db, ai.ai_uuid, batch);
      }
    }
    let answer: Awaited<ReturnType<typeof retrieveMemories>> | undefined;
    const read = await documentsRead(async () => {
      answer = await retrieveMemories(db, ai.ai_uuid, {
        types: [...MEMORY_TYPES],
        limit: 10,
        filter: { tags: ["nowhere"] },
      });
    });
    expect(read).toBeLessThanOrEqual(SCAN_LIMIT);
    expect(answer?.memories).toEqual([]);
    expect(answer?.next_cursor).toEqual(expect.any(String));

    // Following the cursors reaches the end, never past the budget on any call.
    let pages = 1;
    while (answer?.next_cursor) {
      const cursor = JSON.parse(Buffer.from(answer.next_cursor, "base64url").toString("utf8"));
      const pageRead = await documentsRead(async () => {
        answer = await retrieveMemories(db, ai.ai_uuid, {
          types: [...MEMORY_TYPES],
          limit: 10,
          filter: { tags: ["nowhere"] },
          cursor,
        });
      });
      expect(pageRead).toBeLessThanOrEqual(SCAN_LIMIT);
      pages += 1;
      expect(pages).toBeLessThan(10);
    }
  });
});
