import request from "supertest";
import { describe, expect, it } from "vitest";
import { app, bearer, db, newAi } from "./support/emulator";

describe("POST /v1/relay without an action", () => {
  it("is an emit when it names an event, as a socket's emit(event, data)", async () => {
    const ai = await newAi("Relay Default");
    const answer = await request(app).post("/v1/relay").set("Authorization", bearer(ai)).send({ event: "message", data: { text: "hi" } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({ ack: true, event: { event: "message", data: { text: "hi" } } });
    const room = await db.collection(`ai_registry/${ai.ai_uuid}/events`).get();
    expect(room.docs.map((doc) => doc.get("event"))).toEqual(["message"]);
  });

  it("still needs the event: a body with neither action nor event is a 400 naming event, and writes nothing", async () => {
    const ai = await newAi("Relay Nothing");
    const answer = await request(app).post("/v1/relay").set("Authorization", bearer(ai)).send({ data: { text: "hi" } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^event: /);
    expect((await db.collection(`ai_registry/${ai.ai_uuid}/events`).get()).empty).toBe(true);
  });
});
