import { randomUUID } from "node:crypto";
import type { Express } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordExchange } from "../../src/chat/chat-log";
import { sessionRef } from "../../src/chat/session-service";
import { emitEvent, heartbeat } from "../../src/events/relay-service";
import { AiDeletedError, deleteAi, tombstoneRef } from "../../src/memory/ai-deletion";
import { createMemory, editMemory, moveMemory } from "../../src/memory/memory-service";
import { importMemories } from "../../src/memory/memory-transfer";
import { registryRef } from "../../src/memory/registry-service";
import type { Embedder } from "../../src/models/model-client";
import { compactIndex, countsOf, swapManifest, writeSegments } from "../../src/search/index-compaction";
import { emptyManifest } from "../../src/search/index-store";
import { reindexAi } from "../../src/search/reindex-service";
import { handleRoomEvent } from "../../src/triggers/memory-change-trigger";
import { chatApp, chatAs } from "../../../test-support/chat-app";
import { ADMIN, auth, bearer, db, deps, type HandshakeBody, newAi } from "../../../test-support/emulator";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";

const AUTH_EMULATOR = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`;

let app: Express;
let fake: FakeOpenAi;
beforeAll(async () => ({ app, fake } = await chatApp({ embeddingModel: "fake-embedding" })));
afterAll(() => fake.close());

/** Signs in with the AI's custom token, as the client SDK does: this creates its Firebase Auth user. */
async function signIn(ai: HandshakeBody): Promise<void> {
  const answer = await fetch(
    `${AUTH_EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=fake-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: ai.tokens.firebase_custom_token, returnSecureToken: true }),
    },
  );
  expect(answer.status).toBe(200);
}

/** Every document the AI owns, by path: under its registry document, and the top-level ones naming it. */
async function ownedBy(aiUuid: string): Promise<string[]> {
  const under: string[] = [];
  const walk = async (collections: FirebaseFirestore.CollectionReference[]) => {
    for (const collection of collections) {
      for (const doc of (await collection.listDocuments()) as FirebaseFirestore.DocumentReference[]) {
        if ((await doc.get()).exists) under.push(doc.path);
        await walk(await doc.listCollections());
      }
    }
  };
  await walk(await registryRef(db, aiUuid).listCollections());
  const [chats, sessions] = await Promise.all(
    ["chats", "chat_sessions"].map((name) => db.collection(name).where("ai_uuid", "==", aiUuid).get()),
  );
  return [...under, ...chats.docs.map((doc) => doc.ref.path), ...sessions.docs.map((doc) => doc.ref.path)];
}

async function busyAi(): Promise<HandshakeBody> {
  const ai = await newAi("Doomed");
  await signIn(ai);
  const base = `/v1/ais/${ai.ai_uuid}/memories`;
  const kept = await request(app)
    .post(`${base}/long_term_memory`)
    .set("Authorization", bearer(ai))
    .set("Idempotency-Key", "once")
    .send({ content: "Lives in Lisbon" });
  await request(app)
    .patch(`${base}/long_term_memory/${kept.body.id}`)
    .set("Authorization", bearer(ai))
    .send({ content: "Lives in Porto" });
  expect((await chatAs(app, ai, { messages: [{ role: "user", content: "Hello there" }] })).status).toBe(200);
  return ai;
}

describe("deleting an AI", () => {
  it("removes everything it owns: memories, history, index, chats, sessions, keys and its Auth user", async () => {
    const ai = await busyAi();
    const before = await ownedBy(ai.ai_uuid);
    for (const part of ["/long_term_memory/", "/memory_history/", "/idempotency_keys/", "/index_log/", "/events/"])
      expect(before.some((path) => path.includes(part))).toBe(true);
    expect(before.some((path) => path.startsWith("chats/"))).toBe(true);
    expect(before.some((path) => path.startsWith("chat_sessions/"))).toBe(true);
    await auth.getUser(`ai-${ai.ai_uuid}`);

    const answer = await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ deleted: true, ai_uuid: ai.ai_uuid });
    expect(await ownedBy(ai.ai_uuid)).toEqual([]);
    expect((await registryRef(db, ai.ai_uuid).get()).exists).toBe(false);
    await expect(auth.getUser(`ai-${ai.ai_uuid}`)).rejects.toMatchObject({ code: "auth/user-not-found" });
    expect((await tombstoneRef(db, ai.ai_uuid).get()).data()).toMatchObject({ ai_uuid: ai.ai_uuid });
    const withToken = await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", bearer(ai));
    expect(withToken.status).toBe(401);
  });

  it("refuses every later write under the deleted AI, so nothing is re-created", async () => {
    const ai = await busyAi();
    const memory = (await createMemory(db, ai.ai_uuid, "working_memory", { content: "in flight" })).memory;
    await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).expect(200);

    const gone = { code: "not_found" };
    await expect(createMemory(db, ai.ai_uuid, "archive", { content: "late" })).rejects.toMatchObject(gone);
    await expect(
      createMemory(db, ai.ai_uuid, "archive", { content: "late" }, { idempotencyKey: "k" }),
    ).rejects.toMatchObject(gone);
    await expect(editMemory(db, ai.ai_uuid, "working_memory", memory.id, { content: "x" })).rejects.toMatchObject(gone);
    await expect(moveMemory(db, ai.ai_uuid, memory.id, "working_memory", "archive")).rejects.toMatchObject(gone);
    await expect(importMemories(db, ai.ai_uuid, [{ memory_type: "archive", content: "late" }])).rejects.toMatchObject(
      gone,
    );
    const sender = { kind: "ai" as const, ai_uuid: ai.ai_uuid, client_id: "late-client" };
    await expect(emitEvent(db, ai.ai_uuid, { event: "late", data: {}, sender })).rejects.toMatchObject(gone);
    await expect(
      heartbeat(db, ai.ai_uuid, { clientId: "late-client", sender, status: "online" }),
    ).rejects.toMatchObject(gone);
    const chatId = randomUUID();
    const session = sessionRef(db, ai.ai_uuid, "late-session");
    await expect(
      recordExchange(db, {
        chat: {
          id: chatId,
          ai_uuid: ai.ai_uuid,
          session_id: "late-session",
          user_id: "u",
          message: "late",
          response: "late",
          model: "test-model",
          usage: null,
          context_memory_ids: [],
          idempotency_key: null,
          request_hash: "h",
          completion: {},
        },
        session: {
          ref: session,
          initial: {
            id: "late-session",
            name: "late",
            user_id: "u",
            ai_uuid: ai.ai_uuid,
            created_at: memory.created_at,
            updated_at: memory.created_at,
            message_count: 0,
          },
        },
      }),
    ).rejects.toMatchObject(gone);
    expect(await ownedBy(ai.ai_uuid)).toEqual([]);
  });

  it("lets a trigger still in flight give up cleanly instead of failing on every redelivery", async () => {
    const ai = await newAi("Doomed trigger");
    await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).expect(200);
    const event = {
      params: { ai_uuid: ai.ai_uuid, event_id: "mu-late" },
      data: {
        data: () => ({
          event: "memory_update",
          data: { action: "created", memory_type: "working_memory", memory_id: "m1", version: 1, source: "chat" },
        }),
      },
    };
    expect(await handleRoomEvent(event, { db, models: deps.models })).toBe("ai_deleted");
    expect(await ownedBy(ai.ai_uuid)).toEqual([]);
  });

  it("leaves nothing behind when the AI is deleted while its trigger runs, and the trigger ends cleanly", async () => {
    for (const embedding of ["stored", "failed"] as const) {
      const ai = await newAi(`Deleted mid-trigger ${embedding}`);
      const { memory } = await createMemory(db, ai.ai_uuid, "working_memory", { content: "in flight" });
      // The model answers (or fails) after the deletion swept the AI: the trigger's late writes are the risk.
      const embedder: Embedder = {
        model: "fake-embedding",
        dimensions: 3,
        embed: async (texts) => {
          await deleteAi(deps, ai.ai_uuid);
          if (embedding === "failed") throw new Error("embedder down");
          return texts.map(() => [1, 0, 0]);
        },
      };
      const event = {
        params: { ai_uuid: ai.ai_uuid, event_id: `mu-${memory.id}` },
        data: {
          data: () => ({
            event: "memory_update",
            data: { action: "created", memory_type: "working_memory", memory_id: memory.id, version: 1, source: "api" },
          }),
        },
      };
      expect(await handleRoomEvent(event, { db, models: { ...deps.models, embedder } })).toBe(
        embedding === "stored" ? "ai_deleted" : "not_run",
      );
      expect(await ownedBy(ai.ai_uuid)).toEqual([]);
    }
  });

  it("lets no compaction or rebuild write an index for an AI deleted under it", async () => {
    const ai = await newAi("Deleted mid-compaction");
    await createMemory(db, ai.ai_uuid, "long_term_memory", { content: "Lives in Lisbon" });
    const seen = emptyManifest();
    const segments = await writeSegments(db, ai.ai_uuid, 1, [{ prefix: "", entries: new Map() }]);
    await deleteAi(deps, ai.ai_uuid);
    const next = { epoch: 1, counts: countsOf(segments), segments, folded_through: seen.folded_through };
    await expect(swapManifest(db, ai.ai_uuid, seen, next, Date.now())).rejects.toBeInstanceOf(AiDeletedError);
    await expect(compactIndex(db, ai.ai_uuid)).rejects.toBeInstanceOf(AiDeletedError);
    await expect(reindexAi(db, ai.ai_uuid)).rejects.toBeInstanceOf(AiDeletedError);
    expect(await ownedBy(ai.ai_uuid)).toEqual([]);
  });

  it("is the administrator's, finishes on a second call, and is a 404 for an AI that never was", async () => {
    const ai = await newAi("Doomed twice");
    const other = await newAi("Bystander");
    expect((await request(app).delete(`/v1/ais/${ai.ai_uuid}`)).status).toBe(401);
    expect((await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", bearer(other))).status).toBe(403);
    expect((await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", bearer(ai))).status).toBe(403);
    await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).expect(200);
    // A second call finishes a deletion interrupted half way (its tombstone is there, its registry gone).
    await request(app).delete(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).expect(200);
    await deleteAi(deps, ai.ai_uuid);
    expect((await request(app).delete(`/v1/ais/${randomUUID()}`).set("Authorization", ADMIN)).status).toBe(404);
    expect((await request(app).get(`/v1/ais/${other.ai_uuid}`).set("Authorization", bearer(other))).status).toBe(200);
  });
});
