import { Timestamp } from "firebase-admin/firestore";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryCollection } from "../../src/memory/registry-service";
import { indexLog } from "../../src/search/index-store";
import { reindexAi } from "../../src/search/reindex-service";
import { app, bearer, config, db, type HandshakeBody, newAi } from "../../../test-support/emulator";
import { createMemoryAs } from "../../../test-support/memory-api";
import { type ApiProcess, startApiProcess } from "./api-process";

/**
 * A warm index misses no change: a log document that shows up after one with a later `at` (two
 * concurrent commits), a burst of concurrent creates, and a rebuild of the persisted index made by
 * another process, which leaves no event behind.
 */

const searchIds = async (ai: HandshakeBody, query: string, limit = 10) => {
  const response = await request(app)
    .post(`/v1/ais/${ai.ai_uuid}/memories/search`)
    .set("Authorization", bearer(ai))
    .send({ query, limit });
  expect(response.status).toBe(200);
  return (response.body.results as Array<{ id: string }>).map((hit) => hit.id);
};

/** The index log document of a memory's change (one create: one document). */
const logOf = async (aiUuid: string, memoryId: string) =>
  (await indexLog(db, aiUuid).get()).docs.find((doc) => memoryId in (doc.get("changes") ?? {}))!;

describe("catching up a warm index", () => {
  it("applies a change whose event shows up after the index caught up past a later commit", async () => {
    const ai = await newAi("Catch-up Overlap");
    await createMemoryAs(ai, "long_term_memory", "warming the index with a first note");
    expect(await searchIds(ai, "warming")).toHaveLength(1);
    const later = await createMemoryAs(ai, "long_term_memory", "The later commit: a blue kayak");
    expect(await searchIds(ai, "blue kayak")).toEqual([later.id]);
    // The earlier of two concurrent commits becomes visible only now: its `at` is before the later one's.
    const earlier = await createMemoryAs(ai, "long_term_memory", "The earlier commit: a red canoe");
    const laterAt = (await logOf(ai.ai_uuid, later.id)).get("at") as Timestamp;
    await (await logOf(ai.ai_uuid, earlier.id)).ref.update({ at: Timestamp.fromMillis(laterAt.toMillis() - 500) });
    expect(await searchIds(ai, "red canoe")).toEqual([earlier.id]);
    // Applied once: its own edit afterwards still wins.
    await request(app)
      .post("/edit_memory")
      .set("Authorization", bearer(ai))
      .send({
        ai_uuid: ai.ai_uuid,
        memory_type: "long_term_memory",
        memory_id: earlier.id,
        memory_data: "A green raft",
      })
      .expect(200);
    expect(await searchIds(ai, "red canoe")).toEqual([]);
    expect(await searchIds(ai, "green raft")).toEqual([earlier.id]);
  });

  it("finds every memory of a burst of concurrent creates acknowledged while searches ran", async () => {
    const ai = await newAi("Catch-up Burst");
    await createMemoryAs(ai, "long_term_memory", "warming the index with a first note");
    const searching = Array.from({ length: 8 }, () => searchIds(ai, "lantern"));
    const created = await Promise.all(
      Array.from({ length: 16 }, (_, index) => createMemoryAs(ai, "long_term_memory", `lantern number ${index}`)),
    );
    await Promise.all(searching);
    expect((await searchIds(ai, "lantern", 50)).sort()).toEqual(created.map((memory) => memory.id).sort());
  });
});

describe("a rebuild of the persisted index", () => {
  let api: ApiProcess;
  beforeAll(async () => {
    api = await startApiProcess(config);
  });
  afterAll(() => api?.stop());

  it("is seen by an instance whose index is warm", async () => {
    const ai = await newAi("Reindex Warm");
    const searchThere = async (query: string) => {
      const response = await fetch(`${api.url}/v1/ais/${ai.ai_uuid}/memories/search`, {
        method: "POST",
        headers: { Authorization: bearer(ai), "Content-Type": "application/json" },
        body: JSON.stringify({ query }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { results: Array<{ id: string }> }).results.map((hit) => hit.id);
    };
    const first = await createMemoryAs(ai, "long_term_memory", "The spare key is under the flowerpot");
    expect(await searchThere("spare key")).toEqual([first.id]);
    // A memory restored straight into its collection (no index entry, no event), then the index rebuilt.
    const stored = (await memoryCollection(db, ai.ai_uuid, "long_term_memory").doc(first.id).get()).data()!;
    const restored = memoryCollection(db, ai.ai_uuid, "long_term_memory").doc();
    await restored.set({ ...stored, id: restored.id, content: "The boat's papers are in the blue folder" });
    expect(await searchThere("boat papers")).toEqual([]);
    await reindexAi(db, ai.ai_uuid);
    expect(await searchThere("boat papers")).toEqual([restored.id]);
  });
});
