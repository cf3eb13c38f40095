import { exchangeMemoryDocument } from "../../../test-support/memory-fixture";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Timestamp } from "firebase-admin/firestore";
import { clearIndexCache } from "../../src/search/index-cache";
import { encodeEntry, entryOf, type IndexEntry } from "../../src/search/index-entry";
import { compactIndex, countsOf, swapManifest, writeSegments } from "../../src/search/index-compaction";
import { emptyManifest, indexSegments, manifestOf, manifestRef, OVERLAP_MS } from "../../src/search/index-store";
import { chatApp, chatAs, systemPromptOf } from "../../../test-support/chat-app";
import { ADMIN, app, bearer, db, type HandshakeBody, newAi } from "../../../test-support/emulator";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";
import { exchangeTexts } from "../../../test-support/locomo";
import { countIn, createMemoryAs } from "../../../test-support/memory-api";

/**
 * An AI of 200,000 exchange-sized memories is served without a 5xx: searched, chatted with,
 * written to, compacted, and loaded cold by a fresh instance. The fixture is written straight
 * into the emulator: the index (segments of 200,000 entries, built by the product's own segment
 * writer, and a manifest) and the documents of 2,000 of those memories. The emulator stores
 * about 500 documents a second, so all 200,000 would take seven minutes; the index is what
 * grows with the AI, and a search reads only the documents of its winners (a winner with no
 * document is left out of an answer, as one deleted since would be).
 */

const SIZE = 200_000;
const WITH_DOCUMENTS = 2_000;
const DISTINCT_TEXTS = 10_000;

let ai: HandshakeBody;
let chat: Awaited<ReturnType<typeof chatApp>>;
let fake: FakeOpenAi;

const search = (query: string, limit = 10) =>
  request(app)
    .post(`/v1/ais/${ai.ai_uuid}/memories/search`)
    .set("Authorization", bearer(ai))
    .send({ query, limit, memory_types: ["working_memory", "long_term_memory"] });

beforeAll(async () => {
  chat = await chatApp();
  fake = chat.fake;
  ai = await newAi("Two Hundred Thousand");
  const settings = await request(app)
    .patch(`/v1/ais/${ai.ai_uuid}`)
    .set("Authorization", ADMIN)
    .send({ settings: { max_memories: 1_000_000 } });
  expect(settings.status).toBe(200);

  const textOf = exchangeTexts();
  const nowMs = Date.now();
  const templates: IndexEntry[] = [];
  for (let index = 0; index < DISTINCT_TEXTS; index += 1) {
    const text = textOf(index);
    templates.push(
      entryOf({ id: "", memory_type: "working_memory", text, importance: 0.5, created_at: { toMillis: () => 0 } }),
    );
  }
  const entries = new Map<string, string>();
  const idOf = (index: number) => `fixture-${index.toString(36).padStart(5, "0")}`;
  for (let index = 0; index < SIZE; index += 1) {
    const id = idOf(index);
    entries.set(id, encodeEntry({ ...templates[index % DISTINCT_TEXTS], id, createdAtMs: nowMs - index * 60_000 }));
  }
  const segments = await writeSegments(db, ai.ai_uuid, 1, [{ prefix: "", entries }]);
  const folded = {
    epoch: 0,
    counts: countsOf(segments),
    segments,
    folded_through: Timestamp.fromMillis(nowMs - OVERLAP_MS),
  };
  await swapManifest(db, ai.ai_uuid, emptyManifest(), folded, nowMs);
  const writer = db.bulkWriter();
  for (let index = 0; index < WITH_DOCUMENTS; index += 1) {
    const created = Timestamp.fromMillis(nowMs - index * 60_000);
    void writer.set(
      db.doc(`ai_registry/${ai.ai_uuid}/working_memory/${idOf(index)}`),
      exchangeMemoryDocument(ai.ai_uuid, textOf(index % DISTINCT_TEXTS), created),
    );
  }
  await writer.close();
  clearIndexCache(ai.ai_uuid);
}, 600_000);

afterAll(() => fake?.close());

describe("an AI of 200,000 exchange-sized memories", () => {
  it("is searched, written to, chatted with, compacted and loaded cold without a 5xx", {
    timeout: 600_000,
  }, async () => {
    const manifest = manifestOf(await manifestRef(db, ai.ai_uuid).get())!;
    const sizes = Object.values(manifest.segments).map((segment) => segment.bytes);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThan(900 * 1024);

    // Cold: this instance reads every segment.
    const common = await search("What did Caroline research about adoption agencies?");
    expect(common.status, JSON.stringify(common.body)).toBe(200);
    expect(common.body.results.length).toBeGreaterThan(0);

    const planted = await createMemoryAs(ai, "long_term_memory", "The lighthouse keeper's cat is called Marmalade");
    const found = await search("what is the cat called? Marmalade");
    expect(found.status).toBe(200);
    expect(found.body.results[0].id).toBe(planted.id);

    const turn = await chatAs(chat.app, ai, {
      messages: [{ role: "user", content: "What is my cat Marmalade like?" }],
    });
    expect(turn.status, JSON.stringify(turn.body)).toBe(200);
    const sent = fake.requests.filter((each) => each.path.endsWith("/chat/completions")).at(-1)!;
    expect(systemPromptOf(sent.body)).toContain("Marmalade");

    // The new log folds into the 200,000 entries' segments: only the touched ones are written.
    const report = await compactIndex(db, ai.ai_uuid, Date.now() + OVERLAP_MS + 1_000);
    expect(report).toMatchObject({ compacted: true, count: SIZE + 2 });
    expect(report.segments_written).toBeLessThanOrEqual(2);
    const segments = await indexSegments(db, ai.ai_uuid).select("count").get();
    expect(segments.size).toBeGreaterThan(1);

    // A fresh instance loads it all cold, the fold included.
    clearIndexCache(ai.ai_uuid);
    const again = await search("Marmalade");
    expect(again.status).toBe(200);
    // The planted fact, and the chat exchange that named it.
    expect(again.body.results.map((hit: { id: string }) => hit.id)).toContain(planted.id);
    expect(again.body.results).toHaveLength(2);
    const more = await request(app)
      .post(`/v1/ais/${ai.ai_uuid}/import`)
      .set("Authorization", ADMIN)
      .send({ memories: [{ memory_type: "archive", content: "One more after the fold" }] });
    expect(more.status, JSON.stringify(more.body)).toBe(201);
    // Its counts come from the index, not from count() over 200,000 documents.
    const view = await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN);
    expect(view.status).toBe(200);
    const held = Object.fromEntries(
      await Promise.all(
        ["working_memory", "long_term_memory", "personal_logs", "archive"].map(
          async (type) => [type, await countIn(ai.ai_uuid, type)] as const,
        ),
      ),
    );
    // Every memory but the 198,000 fixture entries without a document is in a collection.
    expect(JSON.stringify(view.body.stats)).toBe(
      JSON.stringify({ ...held, working_memory: held.working_memory + SIZE - WITH_DOCUMENTS }),
    );
  });
});
