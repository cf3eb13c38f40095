import request from "supertest";
import { describe, expect, it } from "vitest";
import { appendItems } from "../src/chat/session-items";
import { putMemory } from "../src/memory/memory-upsert";
import { ADMIN, app, bearer, db, newAi } from "../../test-support/emulator";

const user = (text: string) => ({ role: "user", content: text });
const assistant = (text: string) => ({
  type: "message",
  role: "assistant",
  status: "completed",
  content: [{ type: "output_text", text }],
});

describe("session items (an agent framework's conversation)", () => {
  it("appends in order, pages newest first, pops and clears; a user then assistant message is an exchange", async () => {
    const ai = await newAi("Item keeper");
    const base = `/v1/ais/${ai.ai_uuid}/sessions/thread-1/items`;
    const auth = bearer(ai);
    const first = await request(app)
      .post(base)
      .set("Authorization", auth)
      .send({ items: [user("I live in Lyon.")] });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ positions: [0], chat_ids: [], replayed: false });
    const tool = { type: "function_call", callId: "c1", name: "lookup", arguments: '{"q":[[1,2]]}' };
    const second = await request(app)
      .post(base)
      .set("Authorization", auth)
      .set("Idempotency-Key", "append-2")
      .send({ items: [tool, assistant("Noted: Lyon.")], model: "gpt-test" });
    expect(second.body).toMatchObject({ positions: [1, 2], replayed: false });
    expect(second.body.chat_ids).toHaveLength(1);
    const retry = await request(app)
      .post(base)
      .set("Authorization", auth)
      .set("Idempotency-Key", "append-2")
      .send({ items: [tool, assistant("Noted: Lyon.")], model: "gpt-test" });
    expect(retry.body).toEqual({ positions: [], chat_ids: [], replayed: true });

    const chats = await request(app).get(`/v1/ais/${ai.ai_uuid}/sessions/thread-1/chats`).set("Authorization", auth);
    expect(chats.body.session).toMatchObject({ session_id: "thread-1", message_count: 1 });
    expect(chats.body.chats).toMatchObject([
      { message: "I live in Lyon.", response: "Noted: Lyon.", model: "gpt-test" },
    ]);
    const memory = await db.doc(`ai_registry/${ai.ai_uuid}/working_memory/${second.body.chat_ids[0]}`).get();
    expect(memory.data()).toMatchObject({ source: "chat", session_id: "thread-1" });

    const page = await request(app).get(`${base}?limit=2`).set("Authorization", auth);
    expect(page.body.items.map((item: { item: unknown }) => item.item)).toEqual([tool, assistant("Noted: Lyon.")]);
    expect(page.body.next_before).toBe(1);
    const older = await request(app).get(`${base}?limit=2&before=1`).set("Authorization", auth);
    expect(older.body).toMatchObject({ items: [{ position: 0, item: user("I live in Lyon.") }], next_before: null });

    const popped = await request(app).delete(`${base}/last`).set("Authorization", auth);
    expect(popped.body.item).toMatchObject({ position: 2, item: assistant("Noted: Lyon.") });
    const next = await request(app)
      .post(base)
      .set("Authorization", auth)
      .send({ items: [user("And Paris?")] });
    expect(next.body.positions).toEqual([3]);
    const cleared = await request(app).delete(base).set("Authorization", auth);
    expect(cleared.body).toEqual({ deleted: 3 });
    expect((await request(app).get(base).set("Authorization", auth)).body).toEqual({ items: [], next_before: null });
    expect((await request(app).delete(`${base}/last`).set("Authorization", auth)).body).toEqual({ item: null });
  });

  it("refuses bad items by field, another AI, and no token; an unknown session has no items", async () => {
    const ai = await newAi("Item owner");
    const other = await newAi("Item stranger");
    const base = `/v1/ais/${ai.ai_uuid}/sessions/s1/items`;
    const bad = await request(app)
      .post(base)
      .set("Authorization", ADMIN)
      .send({ items: ["text"], extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("items.0: must be an object");
    expect(bad.body.error.message).toContain("unknown field extra");
    const empty = await request(app).post(base).set("Authorization", ADMIN).send({ items: [] });
    expect(empty.body.error.message).toBe("items: must hold at least one item");
    const badQuery = await request(app).get(`${base}?limit=0`).set("Authorization", ADMIN);
    expect(badQuery.status).toBe(400);
    const calls = () => [
      request(app).get(base),
      request(app)
        .post(base)
        .send({ items: [user("hi")] }),
      request(app).delete(`${base}/last`),
      request(app).delete(base),
    ];
    for (const call of calls()) expect((await call).status).toBe(401);
    for (const call of calls()) expect((await call.set("Authorization", bearer(other))).status).toBe(403);
    expect((await request(app).get(base).set("Authorization", ADMIN)).body).toEqual({ items: [], next_before: null });
    const stored = await db.collection(`chat_sessions/${ai.ai_uuid}:s1/items`).get();
    expect(stored.size).toBe(0);
  });
});

describe("PUT a memory by the caller's id", () => {
  it("creates it, then replaces it whole as its next version; another type's id is a 409", async () => {
    const ai = await newAi("Upserter");
    const path = `/v1/ais/${ai.ai_uuid}/memories/long_term_memory/prefs-editor`;
    const made = await request(app)
      .put(path)
      .set("Authorization", bearer(ai))
      .send({ content: { editor: "vim" }, tags: ["prefs"] });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: "prefs-editor", version: 1, tags: ["prefs"] });
    const replaced = await request(app)
      .put(path)
      .set("Authorization", bearer(ai))
      .send({ content: { editor: "emacs" } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ content: { editor: "emacs" }, tags: [], version: 2 });
    const history = await request(app).get(`${path}/history`).set("Authorization", bearer(ai));
    expect(history.body.versions).toMatchObject([{ version: 1, content: { editor: "vim" } }]);

    const clash = await request(app)
      .put(`/v1/ais/${ai.ai_uuid}/memories/working_memory/prefs-editor`)
      .set("Authorization", bearer(ai))
      .send({ content: "x" });
    expect(clash.status).toBe(409);
    const bad = await request(app).put(path).set("Authorization", bearer(ai)).send({ contents: "x" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("contents");
    const other = await newAi("Upsert stranger");
    expect((await request(app).put(path).set("Authorization", bearer(other)).send({ content: "x" })).status).toBe(403);
    expect((await request(app).put(path).send({ content: "x" })).status).toBe(401);
  });
});

describe("session items of a deleted AI", () => {
  it("go with the AI, and nothing is written under it afterwards", async () => {
    const ai = await newAi("Items doomed");
    const items = `/v1/ais/${ai.ai_uuid}/sessions/s1/items`;
    await request(app)
      .post(items)
      .set("Authorization", ADMIN)
      .send({ items: [user("hi"), assistant("hello")] })
      .expect(201);
    await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).expect(200);
    expect((await db.collection(`chat_sessions/${ai.ai_uuid}:s1/items`).get()).size).toBe(0);
    expect((await db.doc(`chat_sessions/${ai.ai_uuid}:s1`).get()).exists).toBe(false);
    const late = await appendItems(db, {
      aiUuid: ai.ai_uuid,
      sessionId: "s1",
      userId: "admin",
      items: [user("late")],
    }).catch((error) => error);
    expect(late).toMatchObject({ code: "not_found" });
    await expect(putMemory(db, ai.ai_uuid, "archive", "late-id", { content: "late" })).rejects.toMatchObject({
      code: "not_found",
    });
    expect((await db.collection(`chat_sessions/${ai.ai_uuid}:s1/items`).get()).size).toBe(0);
  });
});
