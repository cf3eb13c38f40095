import { Timestamp } from "firebase-admin/firestore";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { ADMIN, app, bearer, db, type HandshakeBody, newAi } from "../../../test-support/emulator";
import { roomOf } from "./room";

const relay = (credential: string, body: Record<string, unknown>) =>
  request(app).post("/v1/relay").set("Authorization", credential).send(body);
const asAi = (ai: HandshakeBody, body: Record<string, unknown>) => relay(bearer(ai), body);

describe("POST /v1/relay", () => {
  it("emit writes the event stamped with sender and time, and acks with its id", async () => {
    const ai = await newAi("Relay Emit");
    const response = await asAi(ai, { action: "emit", event: "message", data: { text: "hi" }, client_id: "proc-1" });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({ ack: true, event_id: expect.stringMatching(/^c-/) });
    const [stored] = await roomOf(ai.ai_uuid);
    // `at` is the commit time of the write: what the ack says is what listeners order by.
    expect(stored.at.toDate().toISOString()).toBe(response.body.at);
    expect(stored).toMatchObject({
      id: response.body.event_id,
      event: "message",
      data: { text: "hi" },
      sender: { kind: "ai", ai_uuid: ai.ai_uuid, client_id: "proc-1" },
    });
    expect(Date.parse(response.body.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("a retried emit with the same event_id is written once", async () => {
    const ai = await newAi("Relay Retry");
    const body = { action: "emit", event: "note.saved", data: "once", event_id: "retry-me-123" };
    const answers = await Promise.all(Array.from({ length: 5 }, () => asAi(ai, body)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((answer) => answer.body.event_id)).size).toBe(1);
    expect(await roomOf(ai.ai_uuid)).toHaveLength(1);
  });

  it("rejects reserved or malformed event names, bad data and oversized payloads, writing nothing", async () => {
    const ai = await newAi("Relay Invalid");
    for (const event of ["memory_update", "join", "Message", "", "x".repeat(65)]) {
      const response = await asAi(ai, { action: "emit", event, data: 1 });
      expect(response.status, event).toBe(400);
      expect(response.body.error.message).toMatch(/^event: /);
    }
    expect((await asAi(ai, { action: "emit", event: "message", data: [[1]] })).status).toBe(400);
    expect((await asAi(ai, { action: "shout", event: "message" })).status).toBe(400);
    expect((await asAi(ai, { action: "emit", event: "message", extra: true })).status).toBe(400);
    const big = await asAi(ai, { action: "emit", event: "message", data: "x".repeat(20_000) });
    expect(big.status).toBe(413);
    expect(big.body.error.details).toMatchObject({ field: "data", limit: 16_000 });
    expect(await roomOf(ai.ai_uuid)).toEqual([]);
  });

  it("an AI reaches only its own room; the admin names the room", async () => {
    const [mine, other] = await Promise.all([newAi("Relay Mine"), newAi("Relay Other")]);
    expect((await asAi(mine, { action: "emit", ai_uuid: other.ai_uuid, event: "message", data: "x" })).status).toBe(
      403,
    );
    expect((await asAi(mine, { action: "join", ai_uuid: other.ai_uuid })).status).toBe(403);
    expect((await asAi(mine, { action: "heartbeat", ai_uuid: other.ai_uuid, client_id: "c" })).status).toBe(403);
    expect((await relay("Bearer not-a-token", { action: "join" })).status).toBe(401);
    expect((await relay(ADMIN, { action: "join" })).status).toBe(400);
    const asAdmin = await relay(ADMIN, {
      action: "emit",
      ai_uuid: other.ai_uuid,
      event: "message",
      data: "from the admin",
    });
    expect(asAdmin.status).toBe(201);
    expect((await roomOf(other.ai_uuid))[0].sender).toEqual({ kind: "admin", user_id: "admin", client_id: null });
    expect(await roomOf(mine.ai_uuid)).toEqual([]);
  });

  it("join answers the room and the newest event to resume after, to the nanosecond", async () => {
    const ai = await newAi("Relay Join");
    expect((await asAi(ai, { action: "join" })).body.resume_after).toBeNull();
    await asAi(ai, { action: "emit", event: "message", data: 1 });
    const second = await asAi(ai, { action: "emit", event: "message", data: 2 });
    const joined = await asAi(ai, { action: "join", client_id: "joiner" });
    expect(joined.status).toBe(200);
    const newest = (await roomOf(ai.ai_uuid)).at(-1)!;
    expect(joined.body).toMatchObject({
      ai_uuid: ai.ai_uuid,
      room: `ai_registry/${ai.ai_uuid}/events`,
      presence: `ai_registry/${ai.ai_uuid}/presence`,
      order_by: ["at", "__name__"],
      resume_after: {
        event_id: second.body.event_id,
        at: second.body.at,
        at_timestamp: { seconds: newest.at.seconds, nanoseconds: newest.at.nanoseconds },
      },
    });
    expect((await db.doc(`ai_registry/${ai.ai_uuid}/presence/joiner`).get()).exists).toBe(true);
  });

  it("heartbeat keeps presence with an expiry, lists only live clients, and leave removes it", async () => {
    const ai = await newAi("Relay Presence");
    const stale = Timestamp.fromMillis(Date.now() - 1000);
    await db
      .doc(`ai_registry/${ai.ai_uuid}/presence/gone`)
      .set({ client_id: "gone", last_seen: stale, expires_at: stale });
    const beat = await asAi(ai, { action: "heartbeat", client_id: "alive", status: "busy" });
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({ client_id: "alive", status: "busy", ai_uuid: ai.ai_uuid });
    expect(Date.parse(beat.body.expires_at)).toBeGreaterThan(Date.parse(beat.body.last_seen));
    expect(beat.body.online.map((presence: { client_id: string }) => presence.client_id)).toEqual(["alive"]);
    const again = await asAi(ai, { action: "heartbeat", client_id: "alive" });
    expect(again.body.connected_at).toBe(beat.body.connected_at);
    expect((await asAi(ai, { action: "leave", client_id: "alive" })).body).toEqual({ left: true, client_id: "alive" });
    expect((await db.doc(`ai_registry/${ai.ai_uuid}/presence/alive`).get()).exists).toBe(false);
  });

  it("is documented in /openapi.json", async () => {
    const response = await request(app).get("/openapi.json");
    expect(response.body.paths["/v1/relay"].post.summary).toMatch(/emit/);
  });
});
