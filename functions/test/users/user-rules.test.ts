import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import {
  collection,
  collectionGroup,
  doc,
  type Firestore,
  getDoc,
  getDocs,
  orderBy,
  query,
  setDoc,
  setLogLevel,
  Timestamp,
  where,
} from "firebase/firestore";
import { afterAll, beforeAll, describe, it } from "vitest";

/** firestore.rules for users: each reads their own AIs, nothing of anyone else's, nothing once disabled. */

// Its own project: clearFirestore here never touches the other suites' data.
const PROJECT_ID = "demo-ai-memory-user-rules";
const MEMORY_TYPES = ["working_memory", "long_term_memory", "personal_logs", "archive"];
const AI = {
  alice: "aaaaaaaa-0000-4000-8000-0000000000a1",
  bob: "bbbbbbbb-0000-4000-8000-0000000000b1",
  carol: "cccccccc-0000-4000-8000-0000000000c1",
  ghost: "dddddddd-0000-4000-8000-0000000000d1",
  legacy: "eeeeeeee-0000-4000-8000-0000000000e1",
};

let env: RulesTestEnvironment;
const firestoreOf = (context: RulesTestContext) => context.firestore() as unknown as Firestore;
const as = (uid: string) => firestoreOf(env.authenticatedContext(uid, { email: `${uid}@example.org` }));

async function seedAi(db: Firestore, uuid: string, ownerUid: string | undefined) {
  const registry = `ai_registry/${uuid}`;
  const soon = Timestamp.fromMillis(Date.now() + 60_000);
  const owner = ownerUid === undefined ? {} : { owner_uid: ownerUid };
  await setDoc(doc(db, registry), { ai_uuid: uuid, status: "active", token_version: 1, created_at: 1, ...owner });
  for (const type of MEMORY_TYPES) await setDoc(doc(db, `${registry}/${type}/m1`), { id: "m1", version: 1 });
  await setDoc(doc(db, `${registry}/memory_history/m1/versions/1`), { id: "m1", version: 1 });
  await setDoc(doc(db, `${registry}/events/e1`), { at: Timestamp.now(), event: "memory_update", expires_at: soon });
  await setDoc(doc(db, `${registry}/presence/c1`), { client_id: "c1", expires_at: soon });
  for (const path of ["search_index/s00", "embeddings/m1", "idempotency_keys/k1", "extractions/c1"])
    await setDoc(doc(db, `${registry}/${path}`), { secret: true });
  await setDoc(doc(db, `chat_sessions/s-${uuid}`), { id: `s-${uuid}`, ai_uuid: uuid });
  await setDoc(doc(db, `chats/c-${uuid}`), { id: `c-${uuid}`, ai_uuid: uuid, session_id: `s-${uuid}` });
}

beforeAll(async () => {
  setLogLevel("silent");
  env = await initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { rules: readFileSync(join(__dirname, "../../../firestore.rules"), "utf8") },
  });
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (context) => {
    const db = firestoreOf(context);
    for (const [uid, status] of [
      ["alice", "active"],
      ["bob", "active"],
      ["carol", "disabled"],
    ])
      await setDoc(doc(db, `users/${uid}`), { uid, status });
    await seedAi(db, AI.alice, "alice");
    await seedAi(db, AI.bob, "bob");
    await seedAi(db, AI.carol, "carol");
    await seedAi(db, AI.ghost, "ghost"); // a uid with no user record: never admitted, or deleted
    await seedAi(db, AI.legacy, undefined); // made before users: the administrator's
  });
});
afterAll(() => env?.cleanup());

/** Every read a user's console makes of one AI. */
const readsOf = (db: Firestore, uuid: string): Array<[string, () => Promise<unknown>]> => {
  const registry = `ai_registry/${uuid}`;
  return [
    ["registry", () => getDoc(doc(db, registry))],
    ...MEMORY_TYPES.map((type): [string, () => Promise<unknown>] => [
      type,
      () => getDocs(query(collection(db, `${registry}/${type}`), orderBy("version"))),
    ]),
    ["a memory", () => getDoc(doc(db, `${registry}/long_term_memory/m1`))],
    ["history", () => getDocs(collection(db, `${registry}/memory_history/m1/versions`))],
    ["room", () => getDocs(query(collection(db, `${registry}/events`), orderBy("at")))],
    [
      "presence",
      () => getDocs(query(collection(db, `${registry}/presence`), where("expires_at", ">", Timestamp.now()))),
    ],
    ["sessions", () => getDocs(query(collection(db, "chat_sessions"), where("ai_uuid", "==", uuid)))],
    ["a session", () => getDoc(doc(db, `chat_sessions/s-${uuid}`))],
    ["chats", () => getDocs(query(collection(db, "chats"), where("ai_uuid", "==", uuid)))],
    ["a chat", () => getDoc(doc(db, `chats/c-${uuid}`))],
  ];
};

describe("a user signed in with the web SDK", () => {
  it("reads and lists everything of their own AI", async () => {
    for (const [, read] of readsOf(as("alice"), AI.alice)) await assertSucceeds(read());
    await assertSucceeds(getDocs(query(collection(as("alice"), "ai_registry"), where("owner_uid", "==", "alice"))));
    await assertSucceeds(getDoc(doc(as("alice"), "users/alice")));
  });

  it("reads nothing of another user's AI, an admin's AI, or the registry at large", async () => {
    for (const uuid of [AI.bob, AI.carol, AI.ghost, AI.legacy])
      for (const [, read] of readsOf(as("alice"), uuid)) await assertFails(read());
    await assertFails(getDocs(query(collection(as("alice"), "ai_registry"), where("owner_uid", "==", "bob"))));
    await assertFails(getDocs(collection(as("alice"), "ai_registry")));
    await assertFails(getDoc(doc(as("alice"), "users/bob")));
    await assertFails(getDocs(collection(as("alice"), "users")));
    for (const name of [...MEMORY_TYPES, "events", "presence", "versions"])
      await assertFails(getDocs(collectionGroup(as("alice"), name)));
  });

  it("reads none of the server's bookkeeping of their own AI, and writes nothing", async () => {
    const registry = `ai_registry/${AI.alice}`;
    for (const path of ["search_index/s00", "embeddings/m1", "idempotency_keys/k1", "extractions/c1"])
      await assertFails(getDoc(doc(as("alice"), `${registry}/${path}`)));
    await assertFails(setDoc(doc(as("alice"), `${registry}/working_memory/new`), { content: "x" }));
    await assertFails(setDoc(doc(as("alice"), registry), { owner_uid: "alice", status: "active" }));
    await assertFails(setDoc(doc(as("alice"), "users/alice"), { status: "active", limits: { ais: 1000 } }));
    await assertFails(setDoc(doc(as("alice"), `ai_registry/new-ai`), { owner_uid: "alice" }));
  });

  it("reads nothing once disabled, nor without a user record", async () => {
    for (const [, read] of readsOf(as("carol"), AI.carol)) await assertFails(read());
    await assertFails(getDocs(query(collection(as("carol"), "ai_registry"), where("owner_uid", "==", "carol"))));
    for (const [, read] of readsOf(as("ghost"), AI.ghost)) await assertFails(read());
  });
});
