import request from "supertest";
import { describe, expect, it } from "vitest";
import { encodeEntry, entryOf } from "../../src/search/index-entry";
import { clearIndexCache } from "../../src/search/index-cache";
import { compactIndex, writeSegments } from "../../src/search/index-compaction";
import {
  indexLog,
  indexSegments,
  legacyShards,
  manifestOf,
  manifestRef,
  OVERLAP_MS,
  segmentOf,
  totalOf,
} from "../../src/search/index-store";
import { segmentEntries } from "../../src/search/index-segment";
import { reindexAi } from "../../src/search/reindex-service";
import { ADMIN, app, bearer, db, type HandshakeBody, newAi } from "../../../test-support/emulator";
import { indexAndCollections } from "../../../test-support/index-check";
import { createMemoryAs } from "../../../test-support/memory-api";

/**
 * Compaction folds the index log into segments while the AI is written to: whatever it races,
 * the index and the collections agree afterwards, a compaction that dies half way loses nothing,
 * and an AI still on the 64 legacy shards is served and migrated.
 */

/**
 * A compaction that folds everything committed so far (as if OVERLAP_MS had passed); the trigger
 * (Functions emulator) may hold the lease for a moment with a compaction of its own.
 */
const compactAll = () => async (aiUuid: string) => {
  for (let attempt = 0; ; attempt += 1) {
    const report = await compactIndex(db, aiUuid, Date.now() + OVERLAP_MS + 1_000);
    if (report.reason !== "leased" || attempt >= 40) return report;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

const searchIds = async (ai: HandshakeBody, query: string, limit = 10) => {
  const response = await request(app)
    .post(`/v1/ais/${ai.ai_uuid}/memories/search`)
    .set("Authorization", bearer(ai))
    .send({ query, limit, memory_types: ["working_memory", "long_term_memory", "personal_logs", "archive"] });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.results as Array<{ id: string }>).map((hit) => hit.id);
};

const call = async (path: string, ai: HandshakeBody, body: object) => {
  const response = await request(app)
    .post(path)
    .set("Authorization", bearer(ai))
    .send({ ai_uuid: ai.ai_uuid, ...body });
  expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
};

/** What the segments alone hold (id -> type), read as the manifest names them. */
async function segmentsView(aiUuid: string) {
  const manifest = manifestOf(await manifestRef(db, aiUuid).get())!;
  const docs = await Promise.all(Object.keys(manifest.segments).map((id) => indexSegments(db, aiUuid).doc(id).get()));
  const view: Record<string, string> = {};
  for (const doc of docs) {
    for (const [id, encoded] of segmentEntries(segmentOf(doc))) view[id] = encoded;
  }
  return { manifest, view };
}

const typesOf = (view: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(view)
      .map(([id, encoded]) => [
        id,
        ["working_memory", "long_term_memory", "personal_logs", "archive"][Number(encoded.split("|")[1])],
      ])
      .sort(),
  );

describe("compaction while the AI is written to", () => {
  it("leaves index and collections in agreement after concurrent creates, edits, moves, deletes and imports", {
    timeout: 240_000,
  }, async () => {
    const ai = await newAi("Compaction Race");
    const seeded = [];
    for (let index = 0; index < 24; index += 1)
      seeded.push(await createMemoryAs(ai, "working_memory", `seeded harbour note ${index}`));
    await compactAll()(ai.ai_uuid);

    let writing = true;
    const reports: Array<{ compacted: boolean }> = [];
    const compacting = (async () => {
      while (writing) reports.push(await compactIndex(db, ai.ai_uuid, Date.now() + OVERLAP_MS + 1_000));
    })();
    const imports = [0, 1].map((batch) =>
      request(app)
        .post(`/v1/ais/${ai.ai_uuid}/import`)
        .set("Authorization", ADMIN)
        .send({
          memories: Array.from({ length: 40 }, (_, index) => ({
            memory_type: "archive",
            content: `imported lighthouse record ${batch}-${index}`,
          })),
        })
        .then((response) => expect(response.status, JSON.stringify(response.body)).toBe(201)),
    );
    await Promise.all([
      ...imports,
      ...Array.from({ length: 12 }, (_, index) => createMemoryAs(ai, "long_term_memory", `new orchard fact ${index}`)),
      ...seeded.slice(0, 8).map((memory, index) =>
        call("/edit_memory", ai, {
          memory_type: "working_memory",
          memory_id: memory.id,
          memory_data: `edited harbour note ${index} with a copper bell`,
        }),
      ),
      ...seeded.slice(8, 14).map((memory) =>
        call("/move_memory", ai, {
          from_memory_type: "working_memory",
          to_memory_type: "personal_logs",
          document_id: memory.id,
        }),
      ),
      ...seeded
        .slice(14, 20)
        .map((memory) => call("/delete_memory", ai, { memory_type: "working_memory", memory_id: memory.id })),
    ]);
    writing = false;
    await compacting;
    expect(reports.some((report) => report.compacted)).toBe(true);

    // Folded to the end, the segments alone hold exactly the collections.
    await compactAll()(ai.ai_uuid);
    const { collections, index } = await indexAndCollections(ai.ai_uuid);
    expect(Object.keys(collections)).toHaveLength(24 + 80 + 12 - 6);
    expect(index).toEqual(collections);
    const { manifest, view } = await segmentsView(ai.ai_uuid);
    expect(typesOf(view)).toEqual(collections);
    expect(totalOf(manifest.counts)).toBe(Object.keys(collections).length);
    expect(manifest.lease_until).toBeNull();
    // The counts the API shows come from the index, and agree with the collections.
    const shown = await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN);
    const perType = { working_memory: 0, long_term_memory: 0, personal_logs: 0, archive: 0 };
    for (const type of Object.values(collections)) perType[type as keyof typeof perType] += 1;
    expect(shown.body.stats).toEqual(perType);

    // A fresh instance and this warm one rank the same, edits included.
    const warm = await searchIds(ai, "copper bell", 20);
    clearIndexCache(ai.ai_uuid);
    expect(await searchIds(ai, "copper bell", 20)).toEqual(warm);
    expect(warm).toHaveLength(8);
  });
});

describe("a compaction that dies half way", () => {
  it("loses nothing: its segments are never named, the next one does the work, a rebuild sweeps them", async () => {
    const ai = await newAi("Compaction Crash");
    const kept = await createMemoryAs(ai, "long_term_memory", "The garden gate squeaks in winter");
    await compactAll()(ai.ai_uuid);
    const before = manifestOf(await manifestRef(db, ai.ai_uuid).get())!;
    const later = await createMemoryAs(ai, "long_term_memory", "The attic holds a violin case");

    // It wrote its segments (here: wrong ones) and died before the manifest swap, holding the lease.
    const orphan = entryOf({
      id: "ghost",
      memory_type: "archive",
      text: "a ghost entry no manifest names",
      importance: 0.5,
      created_at: { toMillis: () => Date.now() },
    });
    await writeSegments(db, ai.ai_uuid, before.generation + 1, [
      { prefix: "", entries: new Map([["ghost", encodeEntry(orphan)]]) },
    ]);
    await manifestRef(db, ai.ai_uuid).update({ lease_until: new Date(Date.now() - 1) });

    clearIndexCache(ai.ai_uuid);
    expect(await searchIds(ai, "violin case")).toEqual([later.id]);
    expect(await searchIds(ai, "ghost entry")).toEqual([]);
    const report = await compactAll()(ai.ai_uuid);
    expect(report).toMatchObject({ compacted: true });
    const { view } = await segmentsView(ai.ai_uuid);
    expect(Object.keys(view).sort()).toEqual([kept.id, later.id].sort());

    // Whatever a dead compaction left, a rebuild leaves only segments a manifest names (or retired ones).
    await writeSegments(db, ai.ai_uuid, 99, [{ prefix: "", entries: new Map([["ghost", encodeEntry(orphan)]]) }]);
    await reindexAi(db, ai.ai_uuid);
    const after = manifestOf(await manifestRef(db, ai.ai_uuid).get())!;
    const left = (await indexSegments(db, ai.ai_uuid).get()).docs.map((doc) => doc.id);
    expect(left.filter((id) => !(id in after.segments) && !(id in after.retired))).toEqual([]);
  });

  it("is skipped while another holds the lease, and a rebuild is refused with a 409 then", async () => {
    const ai = await newAi("Compaction Lease");
    await createMemoryAs(ai, "long_term_memory", "The kettle whistles");
    await manifestRef(db, ai.ai_uuid).set({ lease_until: new Date(Date.now() + 60_000) }, { merge: true });
    expect(await compactAll()(ai.ai_uuid)).toMatchObject({ compacted: false, reason: "leased" });
    const rebuild = await request(app).post(`/v1/ais/${ai.ai_uuid}/reindex`).set("Authorization", ADMIN);
    expect(rebuild.status).toBe(409);
    expect(rebuild.body.error.message).toMatch(/being compacted or rebuilt/);
  });
});

/** The id's shard as the index before segments placed it (FNV-1a mod 64). */
function legacyShardOf(memoryId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < memoryId.length; i += 1) {
    hash ^= memoryId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `s${((hash >>> 0) % 64).toString().padStart(2, "0")}`;
}

describe("an AI written before segments (64 legacy shards)", () => {
  it("is served from its shards, migrated by its first compaction or by npm run reindex, twice", async () => {
    const ai = await newAi("Legacy Shards");
    const created = [];
    for (const text of ["The canoe is red", "The tent is green", "The stove runs on gas"])
      created.push(await createMemoryAs(ai, "long_term_memory", text));
    // Rewritten as the old code kept it: entries in shards, no manifest, no segments, no log.
    const { view } = await (async () => {
      await compactAll()(ai.ai_uuid);
      return segmentsView(ai.ai_uuid);
    })();
    const shards = new Map<string, Record<string, string>>();
    for (const [id, encoded] of Object.entries(view))
      shards.set(legacyShardOf(id), { ...(shards.get(legacyShardOf(id)) ?? {}), [id]: encoded });
    await db.recursiveDelete(indexSegments(db, ai.ai_uuid));
    await db.recursiveDelete(indexLog(db, ai.ai_uuid));
    await manifestRef(db, ai.ai_uuid).delete();
    for (const [shard, entries] of shards) await legacyShards(db, ai.ai_uuid).doc(shard).set({ entries });
    await legacyShards(db, ai.ai_uuid).doc("epoch").set({ epoch: 3 });
    clearIndexCache(ai.ai_uuid);

    expect(await searchIds(ai, "canoe")).toEqual([created[0].id]);
    const added = await createMemoryAs(ai, "long_term_memory", "The canoe paddle is spare");
    expect((await searchIds(ai, "canoe")).sort()).toEqual([created[0].id, added.id].sort());

    // The first compaction migrates: segments from the shards and the log, the shards gone.
    expect(await compactAll()(ai.ai_uuid)).toMatchObject({ compacted: true, count: 4 });
    expect((await legacyShards(db, ai.ai_uuid).get()).docs.map((doc) => doc.id)).toEqual(["manifest"]);
    const { collections, index } = await indexAndCollections(ai.ai_uuid);
    expect(index).toEqual(collections);
    clearIndexCache(ai.ai_uuid);
    expect((await searchIds(ai, "canoe")).sort()).toEqual([created[0].id, added.id].sort());

    // npm run reindex, twice, while the AI is written to.
    const [first] = await Promise.all([
      reindexAi(db, ai.ai_uuid),
      createMemoryAs(ai, "long_term_memory", "The canoe trailer needs a tyre"),
    ]);
    expect(first).toMatchObject({ ai_uuid: ai.ai_uuid, segments: 1 });
    const second = await reindexAi(db, ai.ai_uuid);
    expect(second).toMatchObject({ indexed: 5, segments: 1, documents_migrated: 0 });
    // Counts right after a rebuild: the log written just before it is in its segments, not counted twice.
    const shown = await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN);
    expect(shown.body.stats).toEqual({ working_memory: 0, long_term_memory: 5, personal_logs: 0, archive: 0 });
    expect((await indexAndCollections(ai.ai_uuid)).index).toEqual((await indexAndCollections(ai.ai_uuid)).collections);
    expect(await searchIds(ai, "canoe")).toHaveLength(3);
  });
});
