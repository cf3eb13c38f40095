import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import { connectAuthEmulator, inMemoryPersistence, initializeAuth, signInWithEmailAndPassword } from "firebase/auth";
import {
  collection,
  connectFirestoreEmulator,
  type Firestore,
  initializeFirestore,
  onSnapshot,
  query,
  setLogLevel,
  where,
} from "firebase/firestore";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMULATOR_LISTEN_RETRY, PROJECT_ID } from "../../../test-support/emulator";
import { appWith, newAiOf, newUser, type TestUser } from "./users-support";

/**
 * What an app on Firebase does: its users sign in with the `firebase` web SDK (email and password
 * on the Auth emulator), call the API with their ID token, and listen to their own AI with
 * Firestore listeners under firestore.rules. Another user's listener is refused.
 */

const app = appWith({ signupPolicy: "open" });
const apps: FirebaseApp[] = [];
beforeAll(() => setLogLevel("silent"));
afterAll(() => Promise.all(apps.map((each) => deleteApp(each))));

async function webClient(user: TestUser): Promise<Firestore> {
  const firebase = initializeApp({ projectId: PROJECT_ID, apiKey: "emulator-api-key" }, `users-${apps.length}`);
  apps.push(firebase);
  const auth = initializeAuth(firebase, { persistence: inMemoryPersistence });
  connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
  const db = initializeFirestore(firebase, {});
  const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(":");
  connectFirestoreEmulator(db, host, Number(port));
  await signInWithEmailAndPassword(auth, user.email, "correct horse battery staple");
  return db;
}

/** The contents a listener has seen, and the error that ended it. */
function listen(db: Firestore, path: string) {
  const seen: string[] = [];
  let failure: string | null = null;
  const stop = onSnapshot(
    collection(db, path),
    (snapshot) => {
      for (const change of snapshot.docChanges()) seen.push(String(change.doc.data().content));
    },
    (error) => {
      failure = error.code;
    },
  );
  return { seen, failure: () => failure, stop };
}

const until = async (check: () => boolean, deadlineMs = 10_000) => {
  const end = Date.now() + deadlineMs;
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
};

describe("a user's web client", EMULATOR_LISTEN_RETRY, () => {
  it("listens to their own AI's memories live; another user's listener on it is refused", async () => {
    const [alice, bob] = await Promise.all([newUser("alice"), newUser("bob")]);
    const ai = await newAiOf(app, alice);
    // The API made their records on first use; the rules read them.
    await request(app).get("/v1/me").set("Authorization", bob.bearer).expect(200);
    const [aliceDb, bobDb] = await Promise.all([webClient(alice), webClient(bob)]);
    const path = `ai_registry/${ai.ai_uuid}/long_term_memory`;
    const own = listen(aliceDb, path);
    const foreign = listen(bobDb, path);
    try {
      await request(app)
        .post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory`)
        .set("Authorization", alice.bearer)
        .send({
          content: "Alice likes tea",
        });
      expect(await until(() => own.seen.includes("Alice likes tea"))).toBe(true);
      expect(await until(() => foreign.failure() !== null)).toBe(true);
      expect(foreign.failure()).toBe("permission-denied");
      expect(foreign.seen).toEqual([]);
      const listing = listen(bobDb, "ai_registry");
      expect(await until(() => listing.failure() !== null)).toBe(true);
      listing.stop();
    } finally {
      own.stop();
      foreign.stop();
    }
    // Their own AIs, by the query the rules require.
    const mine = await new Promise<string[]>((resolve, reject) => {
      const stop = onSnapshot(
        query(collection(aliceDb, "ai_registry"), where("owner_uid", "==", alice.uid)),
        (snapshot) => {
          stop();
          resolve(snapshot.docs.map((doc) => doc.id));
        },
        reject,
      );
    });
    expect(mine).toEqual([ai.ai_uuid]);
  });
});
