import request from "supertest";
import { describe, expect, it } from "vitest";
import { MEMORY_TYPES } from "../src/memory/memory-types";
import { ADMIN, app, bearer, db, newAi } from "../../test-support/emulator";
import { persistedEntries } from "../../test-support/index-check";
import { countIn, createMemoryAs } from "../../test-support/memory-api";

describe("POST /create_memory", () => {
  it("stores a string, an object with content and metadata, and structured content", async () => {
    const ai = await newAi("Creator");
    const plain = await createMemoryAs(ai, "working_memory", "The user likes green tea");
    expect(plain).toMatchObject({
      content: "The user likes green tea",
      version: 1,
      memory_type: "working_memory",
      source: "api",
    });

    const rich = await createMemoryAs(ai, "long_term_memory", {
      content: "Birthday is 12 March",
      metadata: { topic: "personal" },
      tags: ["birthday"],
      importance: 0.9,
    });
    expect(rich).toMatchObject({ metadata: { topic: "personal" }, tags: ["birthday"], importance: 0.9 });

    const structured = await createMemoryAs(ai, "personal_logs", { mood: "curious", notes: ["first day"] });
    expect(structured.content).toEqual({ mood: "curious", notes: ["first day"] });

    const stored = await db.doc(`ai_registry/${ai.ai_uuid}/long_term_memory/${rich.id}`).get();
    expect(stored.data()).toMatchObject({ content: "Birthday is 12 March", ai_uuid: ai.ai_uuid });
    // A string content is its own text: no second copy, and the search terms live in the AI's index.
    expect(stored.data()).not.toHaveProperty("text");
    expect(stored.data()).not.toHaveProperty("terms");
    const entry = (await persistedEntries(ai.ai_uuid)).find((each) => each.id === rich.id);
    expect([...entry!.terms.keys()]).toEqual(expect.arrayContaining(["birthday", "march"]));
  });

  it("is accepted from the admin too", async () => {
    const ai = await newAi("Admin writes");
    const response = await request(app)
      .post("/create_memory")
      .set("Authorization", ADMIN)
      .send({ ai_name: "Admin writes", ai_uuid: ai.ai_uuid, memory_type: "archive", memory_data: "old note" });
    expect(response.status).toBe(201);
  });

  it.each([
    [{ memory_type: "short_term" }, "memory_type", "working_memory, long_term_memory, personal_logs, archive"],
    [{ memory_data: "" }, "memory_data.content", "empty"],
    [
      { memory_data: { content: "x", colour: "red" } },
      "colour",
      "allowed: content, metadata, tags, importance, expires_at",
    ],
    [{ memory_data: { content: "x", importance: 2 } }, "memory_data.importance", "between 0 and 1"],
    [{ memory_data: { content: "x", tags: [""] } }, "memory_data.tags.0", "empty"],
    [{ memory_data: { content: "x", metadata: { nested: [[1]] } } }, "memory_data.metadata", "nested arrays"],
    [{ ai_uuid: "nope" }, "ai_uuid", "UUID"],
    [{ extra: true }, "extra", "unknown field"],
    [{ memory_data: undefined }, "memory_data", ""],
  ])("rejects %j with a 400 naming %s", async (override, field, rule) => {
    const ai = await newAi("Validator");
    const body = {
      ai_name: "Validator",
      ai_uuid: ai.ai_uuid,
      memory_type: "working_memory",
      memory_data: "ok",
      ...override,
    };
    const response = await request(app).post("/create_memory").set("Authorization", bearer(ai)).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_argument");
    expect(response.body.error.message).toContain(field);
    expect(response.body.error.message).toContain(rule);
    for (const type of MEMORY_TYPES) expect(await countIn(ai.ai_uuid, type)).toBe(0);
  });

  it("answers 413 for content, metadata or a body over the limits, and stores nothing", async () => {
    const ai = await newAi("Big");
    const send = (memoryData: unknown) =>
      request(app)
        .post("/create_memory")
        .set("Authorization", bearer(ai))
        .send({ ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_data: memoryData });
    const longContent = await send("x".repeat(32_001));
    expect(longContent.status).toBe(413);
    expect(longContent.body.error).toMatchObject({ code: "payload_too_large" });
    expect(longContent.body.error.message).toContain("memory_data.content");
    const bigMetadata = await send({ content: "x", metadata: { blob: "y".repeat(17_000) } });
    expect(bigMetadata.status).toBe(413);
    expect(bigMetadata.body.error.message).toContain("memory_data.metadata");
    const hugeBody = await send("z".repeat(300_000));
    expect(hugeBody.status).toBe(413);
    expect(hugeBody.body.error.message).toContain("body");
    expect(await countIn(ai.ai_uuid, "working_memory")).toBe(0);
  });

  it("answers a malformed JSON body with a 400 in the error shape", async () => {
    const ai = await newAi("Malformed");
    const response = await request(app)
      .post("/create_memory")
      .set("Authorization", bearer(ai))
      .set("Content-Type", "application/json")
      .send('{"ai_uuid": "');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "invalid_argument", message: "body: malformed JSON" });
  });

  it("rejects an ai_name that is not the AI's", async () => {
    const ai = await newAi("Right name");
    const response = await request(app)
      .post("/create_memory")
      .set("Authorization", bearer(ai))
      .send({ ai_name: "Wrong name", ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_data: "x" });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain("ai_name");
    expect(await countIn(ai.ai_uuid, "working_memory")).toBe(0);
  });
});

describe("POST /edit_memory", () => {
  it("bumps the version, keeps fields not given, and keeps the previous version readable", async () => {
    const ai = await newAi("Editor");
    const memory = await createMemoryAs(ai, "long_term_memory", { content: "Lives in Paris", tags: ["home"] });
    const edited = await request(app).post("/edit_memory").set("Authorization", bearer(ai)).send({
      ai_name: "Editor",
      ai_uuid: ai.ai_uuid,
      memory_type: "long_term_memory",
      memory_id: memory.id,
      memory_data: "Lives in Lyon",
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: memory.id, content: "Lives in Lyon", version: 2, tags: ["home"] });

    const history = await request(app)
      .get(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${memory.id}/history`)
      .set("Authorization", bearer(ai));
    expect(history.status).toBe(200);
    expect(history.body.versions).toHaveLength(1);
    expect(history.body.versions[0]).toMatchObject({ version: 1, content: "Lives in Paris" });
  });

  it("answers 404 for a memory that is not there, and 409 for a stale expected_version", async () => {
    const ai = await newAi("Editor 2");
    const base = { ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_data: "x" };
    const missing = await request(app)
      .post("/edit_memory")
      .set("Authorization", bearer(ai))
      .send({ ...base, memory_id: "missing" });
    expect(missing.status).toBe(404);
    const memory = await createMemoryAs(ai, "working_memory", "v1");
    const stale = await request(app)
      .post("/edit_memory")
      .set("Authorization", bearer(ai))
      .send({ ...base, memory_id: memory.id, expected_version: 7 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("failed_precondition");
    expect((await db.doc(`ai_registry/${ai.ai_uuid}/working_memory/${memory.id}`).get()).data()?.version).toBe(1);
  });
});

describe("POST /delete_memory", () => {
  it("removes the memory, then answers 404", async () => {
    const ai = await newAi("Deleter");
    const memory = await createMemoryAs(ai, "archive", "to be forgotten");
    const body = { ai_name: "Deleter", ai_uuid: ai.ai_uuid, memory_type: "archive", memory_id: memory.id };
    const deleted = await request(app).post("/delete_memory").set("Authorization", bearer(ai)).send(body);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: true, memory_id: memory.id });
    expect((await db.doc(`ai_registry/${ai.ai_uuid}/archive/${memory.id}`).get()).exists).toBe(false);
    const again = await request(app).post("/delete_memory").set("Authorization", bearer(ai)).send(body);
    expect(again.status).toBe(404);
  });
});

describe("POST /move_memory", () => {
  it("moves with the same id, content, metadata, version and history", async () => {
    const ai = await newAi("Mover");
    const memory = await createMemoryAs(ai, "working_memory", { content: "Important fact", metadata: { k: "v" } });
    await request(app).post("/edit_memory").set("Authorization", bearer(ai)).send({
      ai_uuid: ai.ai_uuid,
      memory_type: "working_memory",
      memory_id: memory.id,
      memory_data: "Important fact, edited",
    });
    const moved = await request(app).post("/move_memory").set("Authorization", bearer(ai)).send({
      ai_name: "Mover",
      ai_uuid: ai.ai_uuid,
      from_memory_type: "working_memory",
      to_memory_type: "long_term_memory",
      document_id: memory.id,
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      id: memory.id,
      memory_type: "long_term_memory",
      content: "Important fact, edited",
      metadata: { k: "v" },
      version: 2,
      moved_from: "working_memory",
    });
    expect((await db.doc(`ai_registry/${ai.ai_uuid}/working_memory/${memory.id}`).get()).exists).toBe(false);
    expect((await db.doc(`ai_registry/${ai.ai_uuid}/long_term_memory/${memory.id}`).get()).exists).toBe(true);
    const history = await request(app)
      .get(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${memory.id}/history`)
      .set("Authorization", bearer(ai));
    expect(history.body.versions.map((v: { content: string }) => v.content)).toEqual(["Important fact"]);
  });

  it("refuses a move to the same type (400) and of a missing memory (404)", async () => {
    const ai = await newAi("Mover 2");
    const memory = await createMemoryAs(ai, "archive", "x");
    const same = await request(app)
      .post("/move_memory")
      .set("Authorization", bearer(ai))
      .send({ ai_uuid: ai.ai_uuid, from_memory_type: "archive", to_memory_type: "archive", document_id: memory.id });
    expect(same.status).toBe(400);
    expect(same.body.error.message).toContain("to_memory_type");
    const missing = await request(app).post("/move_memory").set("Authorization", bearer(ai)).send({
      ai_uuid: ai.ai_uuid,
      from_memory_type: "working_memory",
      to_memory_type: "archive",
      document_id: memory.id,
    });
    expect(missing.status).toBe(404);
    expect((await db.doc(`ai_registry/${ai.ai_uuid}/archive/${memory.id}`).get()).exists).toBe(true);
  });
});
