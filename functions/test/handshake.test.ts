import request from "supertest";
import { describe, expect, it } from "vitest";
import { ADMIN, app, bearer, db, newAi } from "../../test-support/emulator";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const AUTH_EMULATOR = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`;

describe("POST /v1/handshake", () => {
  it("creates an AI with a UUID v4, its registry entry, a first session and tokens", async () => {
    const response = await request(app)
      .post("/v1/handshake")
      .set("Authorization", ADMIN)
      .send({ ai_name: "Assistant Name" });
    expect(response.status).toBe(201);
    const body = response.body;
    expect(body.ai_uuid).toMatch(UUID_V4);
    expect(body.ai_name).toBe("Assistant Name");
    expect(new Date(body.created_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(body.session.session_id).toEqual(expect.any(String));
    expect(body.tokens.ai_token.split(".")).toHaveLength(3);
    expect(new Date(body.tokens.expires_at).getTime()).toBeGreaterThan(Date.now());
    expect(body.tokens.firebase_custom_token).toEqual(expect.any(String));
    expect(body.database_paths.registry).toBe(`ai_registry/${body.ai_uuid}`);
    expect(body.database_paths.memories.long_term_memory).toBe(`ai_registry/${body.ai_uuid}/long_term_memory`);
    expect(body.database_paths.room).toBe(`ai_registry/${body.ai_uuid}/events`);

    const registry = await db.doc(`ai_registry/${body.ai_uuid}`).get();
    expect(registry.data()).toMatchObject({ name: "Assistant Name", status: "active", token_version: 1 });
    // Session ids are per AI: the document id carries the AI (chat_sessions/{ai_uuid}:{session_id}).
    const session = await db.doc(`chat_sessions/${body.ai_uuid}:${body.session.session_id}`).get();
    expect(session.data()).toMatchObject({ ai_uuid: body.ai_uuid, message_count: 0 });
  });

  it("resumes an AI by ai_uuid with fresh tokens, for the admin and for the AI itself", async () => {
    const ai = await newAi("Resumable");
    const byAdmin = await request(app).post("/v1/handshake").set("Authorization", ADMIN).send({ ai_uuid: ai.ai_uuid });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.ai_uuid).toBe(ai.ai_uuid);
    expect(byAdmin.body.ai_name).toBe("Resumable");
    expect(byAdmin.body.tokens.ai_token.split(".")).toHaveLength(3);

    const bySelf = await request(app)
      .post("/v1/handshake")
      .set("Authorization", bearer(ai))
      .send({ ai_uuid: ai.ai_uuid, ai_name: "Resumable" });
    expect(bySelf.status).toBe(200);
    const stillOne = await db.collection("ai_registry").where("name", "==", "Resumable").get();
    expect(stillOne.docs.filter((doc) => doc.id === ai.ai_uuid)).toHaveLength(1);
  });

  it("hands out the AI's unused session again rather than a new empty one per call; a new one once it is used", async () => {
    const ai = await newAi("Reconnecting");
    const resume = async (body: Record<string, string> = {}) =>
      (
        await request(app)
          .post("/v1/handshake")
          .set("Authorization", ADMIN)
          .send({ ai_uuid: ai.ai_uuid, ...body })
      ).body.session.session_id as string;
    expect([await resume(), await resume()]).toEqual([ai.session.session_id, ai.session.session_id]);
    const sessionsOf = async () => (await db.collection("chat_sessions").where("ai_uuid", "==", ai.ai_uuid).get()).size;
    expect(await sessionsOf()).toBe(1);

    const named = await resume({ session_name: "Planning" });
    expect(named).not.toBe(ai.session.session_id);
    const use = (id: string) =>
      db.doc(`chat_sessions/${ai.ai_uuid}:${id}`).update({ message_count: 1, updated_at: new Date() });
    await use(ai.session.session_id);
    expect(await resume()).toBe(named);
    await use(named);
    const fresh = await resume();
    expect([ai.session.session_id, named]).not.toContain(fresh);
    expect(await sessionsOf()).toBe(3);
  });

  it("rejects a resume whose ai_name is not the registered one", async () => {
    const ai = await newAi("Named");
    const response = await request(app)
      .post("/v1/handshake")
      .set("Authorization", ADMIN)
      .send({ ai_uuid: ai.ai_uuid, ai_name: "Other" });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_argument");
    expect(response.body.error.message).toContain("ai_name");
  });

  it("answers 404 for an unknown ai_uuid", async () => {
    const response = await request(app)
      .post("/v1/handshake")
      .set("Authorization", ADMIN)
      .send({ ai_uuid: "6f1c2f0e-8c1b-4d47-9a43-2a3c4b5d6e7f" });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("not_found");
  });

  it.each([
    [{}, "ai_name"],
    [{ ai_name: "" }, "ai_name"],
    [{ ai_name: "x".repeat(65) }, "ai_name"],
    [{ ai_name: "../registry" }, "ai_name"],
    [{ ai_name: "a/b" }, "ai_name"],
    [{ ai_name: 42 }, "ai_name"],
    [{ ai_name: "Fine", colour: "blue" }, "colour"],
    [{ ai_uuid: "not-a-uuid" }, "ai_uuid"],
  ])("rejects %j naming %s, and creates nothing", async (body, field) => {
    const response = await request(app).post("/v1/handshake").set("Authorization", ADMIN).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_argument");
    expect(response.body.error.message).toContain(field);
    const name = (body as { ai_name?: unknown }).ai_name;
    if (typeof name === "string" && name !== "") {
      expect((await db.collection("ai_registry").where("name", "==", name).get()).size).toBe(0);
    }
  });

  it("does not let an AI create other AIs", async () => {
    const ai = await newAi("Not an admin");
    const response = await request(app)
      .post("/v1/handshake")
      .set("Authorization", bearer(ai))
      .send({ ai_name: "Sneaky" });
    expect(response.status).toBe(403);
    expect((await db.collection("ai_registry").where("name", "==", "Sneaky").get()).size).toBe(0);
  });

  it("gives a Firebase custom token that signs in as the AI with its ai_uuid claim", async () => {
    const ai = await newAi("Custom token");
    const signIn = await fetch(
      `${AUTH_EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=fake-api-key`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: ai.tokens.firebase_custom_token, returnSecureToken: true }),
      },
    );
    expect(signIn.status).toBe(200);
    const { idToken } = (await signIn.json()) as { idToken: string };
    const claims = JSON.parse(Buffer.from(idToken.split(".")[1], "base64url").toString("utf8"));
    expect(claims.ai_uuid).toBe(ai.ai_uuid);
  });
});
