import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAiModels } from "../../src/models/model-client";
import { ADMIN, auth, bearer, config, db, type HandshakeBody } from "../../../test-support/emulator";
import { type FakeOpenAi, startFakeOpenAi } from "../../../test-support/fake-openai-server";
import { appWith, newAiOf, newUser, type TestUser } from "./users-support";

/** Deleting a user with everything they own, counted collection by collection before and after. */

const AUTH_EMULATOR = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`;
let fake: FakeOpenAi;
let app: ReturnType<typeof appWith>;
beforeAll(async () => {
  fake = await startFakeOpenAi();
  const models = openAiModels({
    ...config,
    openai: { apiKey: "test-openai-key", baseUrl: fake.url, model: "test-model" },
    embedding: { model: "", baseUrl: fake.url, dimensions: 8 },
  });
  app = appWith({ signupPolicy: "open" }, models);
});
afterAll(() => fake.close());

/** Documents per collection: everything under the AI's registry document, and the top-level ones naming it. */
async function countsOf(aiUuid: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const walk = async (parent: FirebaseFirestore.DocumentReference) => {
    for (const collection of await parent.listCollections()) {
      for (const doc of await collection.listDocuments()) {
        if ((await doc.get()).exists) counts[collection.id] = (counts[collection.id] ?? 0) + 1;
        await walk(doc);
      }
    }
  };
  const registry = db.doc(`ai_registry/${aiUuid}`);
  if ((await registry.get()).exists) counts.ai_registry = 1;
  await walk(registry);
  for (const name of ["chats", "chat_sessions"]) {
    const found = (await db.collection(name).where("ai_uuid", "==", aiUuid).count().get()).data().count;
    if (found > 0) counts[name] = found;
  }
  return counts;
}

const authUserExists = (uid: string) =>
  auth.getUser(uid).then(
    () => true,
    () => false,
  );

/** An AI that has done a bit of everything: memories, an edit, a key, a chat, a room and a signed-in client. */
async function busyAiOf(user: TestUser): Promise<HandshakeBody> {
  const ai = await newAiOf(app, user, "Busy");
  const signIn = await fetch(
    `${AUTH_EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=fake-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: ai.tokens.firebase_custom_token, returnSecureToken: true }),
    },
  );
  expect(signIn.status).toBe(200);
  const memories = `/v1/ais/${ai.ai_uuid}/memories`;
  const kept = await request(app)
    .post(`${memories}/long_term_memory`)
    .set("Authorization", user.bearer)
    .set("Idempotency-Key", "once")
    .send({ content: "Lives in Lisbon" });
  await request(app).patch(`${memories}/long_term_memory/${kept.body.id}`).set("Authorization", user.bearer).send({
    content: "Lives in Porto",
  });
  await request(app)
    .post("/v1/relay")
    .set("Authorization", bearer(ai))
    .send({ action: "heartbeat", client_id: "tab" })
    .expect(200);
  const chat = await request(app)
    .post("/v1/chat/completions")
    .set("Authorization", bearer(ai))
    .send({ model: "test-model", messages: [{ role: "user", content: "Hello" }] });
  expect(chat.status, JSON.stringify(chat.body)).toBe(200);
  return ai;
}

describe("deleting a user", () => {
  it("removes every AI with everything it owns, their Auth users and the user's, and keeps only a tombstone", async () => {
    const [doomed, bystander] = await Promise.all([newUser("doomed"), newUser("bystander")]);
    const ais = [await busyAiOf(doomed), await busyAiOf(doomed)];
    const kept = await busyAiOf(bystander);
    for (const ai of ais) {
      const before = await countsOf(ai.ai_uuid);
      for (const name of ["ai_registry", "long_term_memory", "versions", "events", "presence"])
        expect(before[name] ?? 0, `${name} in ${JSON.stringify(before)}`).toBeGreaterThan(0);
      for (const name of ["idempotency_keys", "index_log", "chats", "chat_sessions"])
        expect(before[name] ?? 0, `${name} in ${JSON.stringify(before)}`).toBeGreaterThan(0);
      expect(await authUserExists(`ai-${ai.ai_uuid}`)).toBe(true);
    }
    const keptBefore = await countsOf(kept.ai_uuid);

    const answer = await request(app).delete(`/v1/users/${doomed.uid}`).set("Authorization", ADMIN);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ deleted: true, uid: doomed.uid, ais_deleted: 2 });
    for (const ai of ais) {
      expect(await countsOf(ai.ai_uuid)).toEqual({});
      expect(await authUserExists(`ai-${ai.ai_uuid}`)).toBe(false);
      expect((await request(app).get("/v1/ais").set("Authorization", bearer(ai))).status).toBe(401);
    }
    expect(await authUserExists(doomed.uid)).toBe(false);
    expect((await db.doc(`users/${doomed.uid}`).get()).data()).toMatchObject({ status: "deleted", email: null });
    const again = await request(app).get("/v1/me").set("Authorization", doomed.bearer);
    expect(again.status).toBe(401);
    expect((await request(app).get(`/v1/users/${doomed.uid}`).set("Authorization", ADMIN)).status).toBe(404);
    expect(await countsOf(kept.ai_uuid)).toEqual(keptBefore);
  });

  it("lets a user export all their data, then delete their own account the same way", async () => {
    const user = await newUser("leaving");
    const ai = await busyAiOf(user);
    const exported = await request(app).get("/v1/me/export").set("Authorization", user.bearer);
    expect(exported.status).toBe(200);
    expect(exported.headers["content-disposition"]).toMatch(/attachment/);
    expect(exported.body.user.uid).toBe(user.uid);
    expect(exported.body.ais).toHaveLength(1);
    expect(exported.body.ais[0].memories.map((memory: { content: string }) => memory.content)).toContain(
      "Lives in Porto",
    );
    expect(exported.body.ais[0].chats).toHaveLength(1);
    expect(exported.body.ais[0].sessions.length).toBeGreaterThan(0);
    expect((await request(app).get("/v1/me/export").set("Authorization", ADMIN)).status).toBe(403);

    const deleted = await request(app).delete("/v1/me").set("Authorization", user.bearer);
    expect(deleted.body).toEqual({ deleted: true, uid: user.uid, ais_deleted: 1 });
    expect(await countsOf(ai.ai_uuid)).toEqual({});
  });

  it("while their AIs are writing and chatting leaves no orphaned document", async () => {
    const user = await newUser("busy");
    const ai = await busyAiOf(user);
    const writes = Array.from({ length: 12 }, (_, index) =>
      index % 3 === 0
        ? request(app)
            .post("/v1/chat/completions")
            .set("Authorization", bearer(ai))
            .send({ model: "test-model", messages: [{ role: "user", content: `Message ${index}` }] })
        : request(app)
            .post("/create_memory")
            .set("Authorization", bearer(ai))
            .send({ ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_data: `note ${index}` }),
    );
    const deletion = request(app).delete(`/v1/users/${user.uid}`).set("Authorization", ADMIN);
    const answers = await Promise.all([deletion, ...writes]);
    expect(answers[0].status).toBe(200);
    for (const answer of answers.slice(1)) expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    // A write that began before the deletion and commits after it must have been refused by the tombstone.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await countsOf(ai.ai_uuid)).toEqual({});
    const late = await request(app).post("/v1/ais").set("Authorization", user.bearer).send({ ai_name: "Back" });
    expect(late.status).toBe(401);
    expect((await db.collection("ai_registry").where("owner_uid", "==", user.uid).count().get()).data().count).toBe(0);
  });
});
