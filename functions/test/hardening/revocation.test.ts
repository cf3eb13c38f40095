import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import { connectAuthEmulator, inMemoryPersistence, initializeAuth, signInWithCustomToken } from "firebase/auth";
import {
  collection,
  connectFirestoreEmulator,
  doc,
  type Firestore,
  getDoc,
  getDocs,
  initializeFirestore,
  onSnapshot,
  query,
  setLogLevel,
  where,
} from "firebase/firestore";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  app,
  auth as adminAuth,
  EMULATOR_LISTEN_RETRY,
  type HandshakeBody,
  newAi,
  PROJECT_ID,
} from "../../../test-support/emulator";
import { createMemoryAs } from "../../../test-support/memory-api";

// Revocation through the real `firebase` client SDK, against the Auth and Firestore emulators and
// firestore.rules: what a client holding an AI's earlier custom token (and the ID token minted from
// it) can still read after `revoke_tokens` or `PATCH {status: "disabled"}`.

const apps: FirebaseApp[] = [];
beforeAll(() => setLogLevel("silent"));
afterAll(async () => {
  await Promise.all(apps.map((each) => deleteApp(each)));
});

/** A client of its own, signed in with an AI's custom token as the client SDK does. */
async function signedInClient(customToken: string): Promise<Firestore> {
  return (await signIn(customToken)).db;
}

async function signIn(customToken: string): Promise<{ db: Firestore; idToken: string }> {
  const firebase = initializeApp({ projectId: PROJECT_ID, apiKey: "emulator-api-key" }, `revocation-${apps.length}`);
  apps.push(firebase);
  const auth = initializeAuth(firebase, { persistence: inMemoryPersistence });
  connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
  const db = initializeFirestore(firebase, {});
  const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(":");
  connectFirestoreEmulator(db, host, Number(port));
  const credential = await signInWithCustomToken(auth, customToken);
  return { db, idToken: await credential.user.getIdToken() };
}

/** Everything an AI's client reads: the registry, a memory collection, the room, its sessions. */
async function readsAllowed(db: Firestore, ai: HandshakeBody): Promise<boolean[]> {
  const registry = `ai_registry/${ai.ai_uuid}`;
  const reads = [
    () => getDoc(doc(db, registry)),
    () => getDocs(collection(db, `${registry}/working_memory`)),
    () => getDocs(collection(db, `${registry}/events`)),
    () => getDocs(query(collection(db, "chat_sessions"), where("ai_uuid", "==", ai.ai_uuid))),
  ];
  return Promise.all(
    reads.map((read) =>
      read().then(
        () => true,
        (error: { code?: string }) => (error.code === "permission-denied" ? false : Promise.reject(error)),
      ),
    ),
  );
}

const handshakeAgain = async (ai: HandshakeBody) =>
  (await request(app).post("/v1/handshake").set("Authorization", ADMIN).send({ ai_uuid: ai.ai_uuid }))
    .body as HandshakeBody;

describe("revoke_tokens reaches Firestore", EMULATOR_LISTEN_RETRY, () => {
  it("an earlier custom token and its ID token read nothing; a new handshake's token reads again", async () => {
    const ai = await newAi("Revoked Reader");
    await createMemoryAs(ai, "working_memory", "a secret");
    const { db: before, idToken } = await signIn(ai.tokens.firebase_custom_token);
    expect(await readsAllowed(before, ai)).toEqual([true, true, true, true]);
    // Sign-in time and revocation time are compared in whole seconds: let one pass.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const revoked = await request(app).post(`/v1/ais/${ai.ai_uuid}/revoke_tokens`).set("Authorization", ADMIN);
    expect(revoked.body).toMatchObject({ token_version: 2 });

    // The same signed-in client (its ID token has most of its hour left), and a new sign-in with the old custom token.
    expect(await readsAllowed(before, ai)).toEqual([false, false, false, false]);
    expect(await readsAllowed(await signedInClient(ai.tokens.firebase_custom_token), ai)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    // The Firebase user's refresh tokens are revoked: a verifier that checks revocation refuses the ID token.
    // (The Auth emulator records the revocation but still refreshes; production refuses the refresh.)
    await expect(adminAuth.verifyIdToken(idToken, true)).rejects.toMatchObject({ code: "auth/id-token-revoked" });

    const fresh = await handshakeAgain(ai);
    expect(await readsAllowed(await signedInClient(fresh.tokens.firebase_custom_token), ai)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it("an open listener on the room is cut off: no event emitted after the revocation reaches it", async () => {
    const ai = await newAi("Revoked Listener");
    const db = await signedInClient(ai.tokens.firebase_custom_token);
    const delivered: string[] = [];
    const ended = new Promise<{ code?: string }>((resolve) =>
      onSnapshot(
        collection(db, `ai_registry/${ai.ai_uuid}/events`),
        (snapshot) => {
          for (const change of snapshot.docChanges()) delivered.push(change.doc.id);
        },
        resolve,
      ),
    );
    const emit = (id: string) =>
      request(app)
        .post("/v1/relay")
        .set("Authorization", ADMIN)
        .send({ action: "emit", ai_uuid: ai.ai_uuid, event: "message", data: {}, event_id: id });
    await emit("before");
    while (!delivered.includes("c-before")) await new Promise((resolve) => setTimeout(resolve, 50));

    const revokedAt = Date.now();
    await request(app).post(`/v1/ais/${ai.ai_uuid}/revoke_tokens`).set("Authorization", ADMIN);
    const emitting = (async () => {
      for (let n = 0; n < 10; n += 1) {
        await emit(`after-${n}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const error = await ended;
    console.log(
      `revocation: the open listener ended ${Date.now() - revokedAt} ms after revoke_tokens answered (Firestore emulator)`,
    );
    await emitting;
    expect(error.code).toBe("permission-denied");
    expect(delivered).toEqual(["c-before"]);
  });
});

describe("disabling an AI reaches Firestore", () => {
  it("its tokens read nothing while disabled, and enabling it again does not revive them", async () => {
    const ai = await newAi("Disabled Reader");
    const db = await signedInClient(ai.tokens.firebase_custom_token);
    expect(await readsAllowed(db, ai)).toEqual([true, true, true, true]);
    const patch = (status: string) =>
      request(app).patch(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).send({ status });

    expect((await patch("disabled")).status).toBe(200);
    expect(await readsAllowed(db, ai)).toEqual([false, false, false, false]);
    expect(
      (await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", `Bearer ${ai.tokens.ai_token}`)).status,
    ).toBe(401);

    expect((await patch("active")).status).toBe(200);
    expect(await readsAllowed(db, ai)).toEqual([false, false, false, false]);
    const fresh = await handshakeAgain(ai);
    expect(await readsAllowed(await signedInClient(fresh.tokens.firebase_custom_token), ai)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });
});
