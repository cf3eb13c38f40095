import { Timestamp } from "firebase-admin/firestore";
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { buildMemory } from "../src/memory/memory-versions";
import { app, bearer, db, type HandshakeBody, newAi } from "../../test-support/emulator";
import { retrieveAs } from "../../test-support/memory-api";

/** 60 memories a minute apart, written directly so their created_at order is known. */
async function seedMemories(ai: HandshakeBody): Promise<string[]> {
  const batch = db.batch();
  const start = Date.parse("2026-01-01T00:00:00Z");
  const ids: string[] = [];
  for (let i = 0; i < 60; i += 1) {
    const ref = db.collection(`ai_registry/${ai.ai_uuid}/long_term_memory`).doc(`m${String(i).padStart(3, "0")}`);
    const memory = buildMemory(
      ai.ai_uuid,
      "long_term_memory",
      ref.id,
      {
        content: i % 10 === 0 ? `Trip number ${i} to the Alps` : `Ordinary note ${i}`,
        tags: i % 2 === 0 ? ["even"] : ["odd"],
        metadata: { bucket: i % 3 },
        source: i % 5 === 0 ? "import" : "api",
      },
      Timestamp.fromMillis(start + i * 60_000),
    );
    batch.create(ref, memory);
    ids.push(ref.id);
  }
  await batch.commit();
  return ids.reverse();
}

describe("POST /retrieve_memories", () => {
  let ai: HandshakeBody;
  let newestFirst: string[];
  beforeAll(async () => {
    ai = await newAi("Retriever");
    newestFirst = await seedMemories(ai);
  });

  it("returns the newest 20 by default, then pages with the cursor without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await retrieveAs(ai, { memory_type: "long_term_memory", ...(cursor ? { cursor } : {}) });
      expect(page.memories.length).toBeLessThanOrEqual(20);
      seen.push(...page.memories.map((memory) => memory.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(newestFirst);
  });

  it("honours limit and rejects one over 200", async () => {
    const page = await retrieveAs(ai, { memory_type: "long_term_memory", limit: 7 });
    expect(page.memories.map((memory) => memory.id)).toEqual(newestFirst.slice(0, 7));
    const tooMany = await request(app)
      .post("/retrieve_memories")
      .set("Authorization", bearer(ai))
      .send({ ai_uuid: ai.ai_uuid, memory_type: "long_term_memory", limit: 201 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain("limit: must be at most 200");
  });

  it("filters on tags, metadata, source, created_at range and text, newest first", async () => {
    const filtered = await retrieveAs(ai, {
      memory_type: "long_term_memory",
      limit: 200,
      filter_query: {
        tags: ["even"],
        metadata: { bucket: 0 },
        created_after: "2026-01-01T00:05:00Z",
        created_before: "2026-01-01T00:50:00Z",
      },
    });
    // even, divisible by 3, minutes 6..48
    expect(filtered.memories.map((memory) => memory.id)).toEqual([
      "m048",
      "m042",
      "m036",
      "m030",
      "m024",
      "m018",
      "m012",
      "m006",
    ]);

    const bySource = await retrieveAs(ai, {
      memory_type: "long_term_memory",
      limit: 200,
      filter_query: { source: "import" },
    });
    expect(bySource.memories).toHaveLength(12);

    const byText = await retrieveAs(ai, { memory_type: "long_term_memory", filter_query: "alps" });
    expect(byText.memories.map((memory) => memory.id)).toEqual(["m050", "m040", "m030", "m020", "m010", "m000"]);
  });

  it("pages a filtered listing with a small limit", async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await retrieveAs(ai, {
        memory_type: "long_term_memory",
        limit: 4,
        filter_query: { tags: ["odd"] },
        ...(cursor ? { cursor } : {}),
      });
      ids.push(...page.memories.map((memory) => memory.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(ids).toEqual(newestFirst.filter((id) => Number(id.slice(1)) % 2 === 1));
  });

  it("merges every type with memory_type all", async () => {
    const other = await newAi("Merger");
    await seedMemories(other);
    await db
      .doc(`ai_registry/${other.ai_uuid}/archive/newest`)
      .set(
        buildMemory(
          other.ai_uuid,
          "archive",
          "newest",
          { content: "archived last" },
          Timestamp.fromMillis(Date.parse("2026-02-01T00:00:00Z")),
        ),
      );
    const page = await retrieveAs(other, { memory_type: "all", limit: 3 });
    expect(page.memories.map((memory) => memory.id)).toEqual(["newest", "m059", "m058"]);
  });

  it("rejects an unknown memory type naming the four, and a forged cursor", async () => {
    const badType = await request(app)
      .post("/retrieve_memories")
      .set("Authorization", bearer(ai))
      .send({ ai_uuid: ai.ai_uuid, memory_type: "dreams" });
    expect(badType.status).toBe(400);
    expect(badType.body.error.message).toContain("working_memory, long_term_memory, personal_logs, archive");
    const badCursor = await request(app)
      .post("/retrieve_memories")
      .set("Authorization", bearer(ai))
      .send({ ai_uuid: ai.ai_uuid, memory_type: "archive", cursor: "garbage" });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toContain("cursor");
  });
});
