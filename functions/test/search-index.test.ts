import { FieldValue, Timestamp } from "firebase-admin/firestore";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { editMemory } from "../src/memory/memory-service";
import { memoryCollection, registryRef } from "../src/memory/registry-service";
import { clearIndexCache } from "../src/search/index-cache";
import { searchMemories } from "../src/search/memory-search";
import { reindexAi } from "../src/search/reindex-service";
import { ADMIN, app, bearer, db, HOSTING_URL, type HandshakeBody, newAi } from "../../test-support/emulator";
import { indexAndCollections } from "../../test-support/index-check";
import { createMemoryAs } from "../../test-support/memory-api";

const search = (ai: HandshakeBody, query: string, extra: Record<string, unknown> = {}) =>
  request(app)
    .post(`/v1/ais/${ai.ai_uuid}/memories/search`)
    .set("Authorization", bearer(ai))
    .send({ query, ...extra });
const idsOf = (response: request.Response) => (response.body.results as Array<{ id: string }>).map((hit) => hit.id);

describe("the per-AI search index", () => {
  it("finds a memory the moment its write is acknowledged, and follows its edits, moves and deletion", async () => {
    const ai = await newAi("Index Fresh");
    await createMemoryAs(ai, "working_memory", "warming the index with a first note");
    expect((await search(ai, "warming")).status).toBe(200); // the instance now holds a warm index
    const memory = await createMemoryAs(ai, "working_memory", "The user's cat is called Miso");
    expect(idsOf(await search(ai, "cat Miso"))).toEqual([memory.id]);

    const send = (path: string, body: Record<string, unknown>) =>
      request(app)
        .post(path)
        .set("Authorization", bearer(ai))
        .send({ ai_uuid: ai.ai_uuid, ...body });
    await send("/edit_memory", {
      memory_type: "working_memory",
      memory_id: memory.id,
      memory_data: "The user's dog is called Tofu",
    });
    expect(idsOf(await search(ai, "cat Miso"))).toEqual([]);
    expect(idsOf(await search(ai, "dog Tofu"))).toEqual([memory.id]);
    await send("/move_memory", {
      from_memory_type: "working_memory",
      to_memory_type: "archive",
      document_id: memory.id,
    });
    expect(idsOf(await search(ai, "dog Tofu", { memory_types: ["working_memory"] }))).toEqual([]);
    expect((await search(ai, "dog Tofu", { memory_types: ["archive"] })).body.results[0]).toMatchObject({
      id: memory.id,
      memory_type: "archive",
    });
    await send("/delete_memory", { memory_type: "archive", memory_id: memory.id });
    expect(idsOf(await search(ai, "dog Tofu"))).toEqual([]);
  });

  it("sees at once what another instance wrote (the Functions emulator's), while this one's index is warm", async () => {
    const ai = await newAi("Index Two Instances");
    await createMemoryAs(ai, "long_term_memory", "a first memory to warm this instance");
    expect((await search(ai, "first memory")).body.results).toHaveLength(1);
    const elsewhere = await fetch(`${HOSTING_URL}/v1/ais/${ai.ai_uuid}/memories/long_term_memory`, {
      method: "POST",
      headers: { Authorization: bearer(ai), "Content-Type": "application/json" },
      body: JSON.stringify({ content: "Written through the deployed function: the wifi password is on the fridge" }),
    });
    expect(elsewhere.status).toBe(201);
    const written = (await elsewhere.json()) as { id: string };
    expect(idsOf(await search(ai, "wifi password fridge"))).toEqual([written.id]);
  });

  it("ranks every memory, however many share a common word, and the same way warm or cold", async () => {
    const isolatedName = "Index Crowd";
    const ai = await newAi(isolatedName);
    const crowd = Array.from({ length: 600 }, (_, index) => ({
      memory_type: "archive" as const,
      content: `Alice said hello on day ${index} and talked about the weather`,
    }));
    for (let start = 0; start < crowd.length; start += 200) {
      const response = await request(app)
        .post(`/v1/ais/${ai.ai_uuid}/import`)
        .set("Authorization", ADMIN)
        .send({ memories: crowd.slice(start, start + 200) });
      expect(response.status).toBe(201);
    }
    const needle = await createMemoryAs(ai, "archive", "Alice said her passport expires in March");
    const warm = await search(ai, "When does Alice's passport expire?", { limit: 5 });
    expect(idsOf(warm)[0]).toBe(needle.id);
    clearIndexCache(ai.ai_uuid);
    const cold = await search(ai, "When does Alice's passport expire?", { limit: 5 });
    // The same ranking; scores move only by the recency of the moments apart the two ran.
    const ranking = (response: request.Response) =>
      response.body.results.map((hit: { id: string; score: number }) => [hit.id, Number(hit.score.toPrecision(6))]);
    expect(ranking(cold)).toEqual(ranking(warm));
  }, 60_000);

  it("leaves superseded and expired memories out, and finds superseded ones when asked", async () => {
    const ai = await newAi("Index Validity");
    const old = await createMemoryAs(ai, "long_term_memory", "The user lives in Lyon");
    const expired = await createMemoryAs(ai, "long_term_memory", {
      content: "The user lives in a hotel this week",
      expires_at: new Date(Date.now() + 1500).toISOString(),
    });
    await editMemory(
      db,
      ai.ai_uuid,
      "long_term_memory",
      old.id,
      { invalidated_at: Timestamp.now(), superseded_by: "newer" },
      { action: "superseded" },
    );
    expect(idsOf(await search(ai, "where does the user live"))).toEqual([expired.id]);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(idsOf(await search(ai, "where does the user live"))).toEqual([]);
    const past = await search(ai, "where does the user live", { include_superseded: true });
    expect(idsOf(past)).toEqual([old.id]);
    expect(past.body.results[0]).toMatchObject({ superseded_by: "newer", invalidated_at: expect.any(String) });
  });
});

describe("npm run reindex: the migration of a database written before the index", () => {
  it("indexes every memory, moves legacy fields out, removes stale entries, and changes nothing when run again", async () => {
    const ai = await newAi("Legacy");
    const now = Timestamp.now();
    const legacy = (id: string, type: string, content: string, extra: Record<string, unknown> = {}) =>
      memoryCollection(db, ai.ai_uuid, type as "archive")
        .withConverter(null)
        .doc(id)
        .set({
          id,
          ai_uuid: ai.ai_uuid,
          memory_type: type,
          content,
          text: content,
          terms: content.toLowerCase().split(" "),
          metadata: {},
          tags: [],
          importance: 0.5,
          source: "api",
          session_id: null,
          created_at: now,
          updated_at: now,
          version: 3,
          expires_at: null,
          ...extra,
        });
    await legacy("old-1", "long_term_memory", "the lighthouse keeper retired in 1998");
    await legacy("old-2", "archive", "a parrot named Captain", {
      embedding: FieldValue.vector([0.1, 0.2, 0.3]),
      embedding_hash: "h",
      embedding_model: "m",
    });
    await registryRef(db, ai.ai_uuid).update({ stats: { archive: 7 }, event_seq: 12 });
    await registryRef(db, ai.ai_uuid).collection("event_cursors").doc("old-1").set({ version: 3 });
    // An entry for a memory that no longer exists anywhere.
    await registryRef(db, ai.ai_uuid)
      .collection("search_index")
      .doc("s01")
      .set({ entries: { ghost: "1|3|1f4|0||||" } }, { merge: true });

    const first = await reindexAi(db, ai.ai_uuid);
    expect(first).toEqual({ ai_uuid: ai.ai_uuid, indexed: 2, segments: 1, documents_migrated: 2 });
    const { collections, index } = await indexAndCollections(ai.ai_uuid);
    expect(index).toEqual(collections);
    expect(index).toEqual({ "old-1": "long_term_memory", "old-2": "archive" });
    const migrated = (await memoryCollection(db, ai.ai_uuid, "archive").doc("old-2").get()).data()!;
    expect(migrated).toMatchObject({ content: "a parrot named Captain", version: 3 });
    for (const field of ["terms", "text", "embedding", "embedding_hash"]) expect(migrated).not.toHaveProperty(field);
    expect(
      (await registryRef(db, ai.ai_uuid).collection("embeddings").doc("old-2").get()).get("embedding").toArray(),
    ).toHaveLength(3);
    const registry = (await registryRef(db, ai.ai_uuid).get()).data()!;
    expect(registry).not.toHaveProperty("stats");
    expect((await registryRef(db, ai.ai_uuid).collection("event_cursors").get()).size).toBe(0);
    expect(
      (await searchMemories(db, ai.ai_uuid, { query: "lighthouse keeper", types: ["long_term_memory"], limit: 3 }))[0]
        ?.memory.id,
    ).toBe("old-1");

    const again = await reindexAi(db, ai.ai_uuid);
    expect(again).toEqual({ ai_uuid: ai.ai_uuid, indexed: 2, segments: 1, documents_migrated: 0 });
    expect((await indexAndCollections(ai.ai_uuid)).index).toEqual(index);
  });

  it("is also an admin route, refused to an AI's own token", async () => {
    const ai = await newAi("Reindex Route");
    await createMemoryAs(ai, "personal_logs", "something to index");
    expect((await request(app).post(`/v1/ais/${ai.ai_uuid}/reindex`).set("Authorization", bearer(ai))).status).toBe(
      403,
    );
    const answer = await request(app).post(`/v1/ais/${ai.ai_uuid}/reindex`).set("Authorization", ADMIN);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ai_uuid: ai.ai_uuid, indexed: 1 });
  });
});
