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
  addDoc,
  collection,
  collectionGroup,
  deleteDoc,
  doc,
  documentId,
  type Firestore,
  getDoc,
  getDocs,
  orderBy,
  query,
  setDoc,
  setLogLevel,
  startAfter,
  Timestamp,
  updateDoc,
  where,
} from "firebase/firestore";
import { afterAll, beforeAll, describe, it } from "vitest";

// Its own project: clearFirestore here never touches the other suites' data.
const PROJECT_ID = "demo-ai-memory-rules";
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const MEMORY_TYPES = ["working_memory", "long_term_memory", "personal_logs", "archive"];

let env: RulesTestEnvironment;
/** The context's compat instance, typed as the modular one it works with. */
const firestoreOf = (context: RulesTestContext) => context.firestore() as unknown as Firestore;
/** An AI's Firebase user, as its custom token makes it: claims ai_uuid and tv (the token version). */
const asAi = (uuid: string, tv: unknown = 1) => firestoreOf(env.authenticatedContext(`ai-${uuid}`, { ai_uuid: uuid, tv }));
const asAdmin = () => firestoreOf(env.authenticatedContext("admin-user", { admin: true }));
const contexts = (): Record<string, RulesTestContext> => ({
  anonymous: env.unauthenticatedContext(),
  "a signed-in user without claims": env.authenticatedContext("someone"),
  "an admin claim that is not true": env.authenticatedContext("pretender", { admin: "true" }),
});

async function seed(db: Firestore, uuid: string) {
  const registry = `ai_registry/${uuid}`;
  const soon = Timestamp.fromMillis(Date.now() + 60_000);
  await setDoc(doc(db, registry), { ai_uuid: uuid, name: uuid, status: "active", token_version: 1 });
  for (const type of MEMORY_TYPES) await setDoc(doc(db, `${registry}/${type}/m1`), { id: "m1", ai_uuid: uuid, version: 1 });
  await setDoc(doc(db, `${registry}/memory_history/m1/versions/1`), { id: "m1", version: 1 });
  await setDoc(doc(db, `${registry}/events/e1`), { at: Timestamp.now(), event: "memory_update", expires_at: soon });
  await setDoc(doc(db, `${registry}/presence/c1`), { client_id: "c1", expires_at: soon });
  await setDoc(doc(db, `${registry}/search_index/s00`), { entries: {} });
  await setDoc(doc(db, `${registry}/embeddings/m1`), { hash: "h" });
  await setDoc(doc(db, `${registry}/idempotency_keys/k1`), { content_hash: "h" });
  await setDoc(doc(db, `${registry}/extractions/c1`), { chat_id: "c1", status: "done" });
  await setDoc(doc(db, `chat_sessions/s-${uuid}`), { id: `s-${uuid}`, ai_uuid: uuid });
  await setDoc(doc(db, `chats/c-${uuid}`), { id: `c-${uuid}`, ai_uuid: uuid, session_id: `s-${uuid}` });
}

beforeAll(async () => {
  setLogLevel("silent"); // every denied case would log its PERMISSION_DENIED
  env = await initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { rules: readFileSync(join(__dirname, "../../../firestore.rules"), "utf8") },
  });
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (context) => {
    await seed(firestoreOf(context), A);
    await seed(firestoreOf(context), B);
    await setDoc(doc(firestoreOf(context), "config/secret"), { value: "hidden" });
  });
});

afterAll(async () => {
  await env?.cleanup();
});

describe("an AI signed in with its custom token", () => {
  const own = `ai_registry/${A}`;

  it("reads its registry document, but cannot list the registry", async () => {
    await assertSucceeds(getDoc(doc(asAi(A), own)));
    await assertFails(getDocs(collection(asAi(A), "ai_registry")));
  });

  it("reads and lists each of its memory collections and the history", async () => {
    for (const type of MEMORY_TYPES) {
      await assertSucceeds(getDoc(doc(asAi(A), `${own}/${type}/m1`)));
      await assertSucceeds(getDocs(query(collection(asAi(A), `${own}/${type}`), orderBy("version"))));
    }
    await assertSucceeds(getDoc(doc(asAi(A), `${own}/memory_history/m1/versions/1`)));
    await assertSucceeds(getDocs(collection(asAi(A), `${own}/memory_history/m1/versions`)));
  });

  it("runs the client SDK's room and presence queries", async () => {
    const db = asAi(A);
    await assertSucceeds(getDocs(query(collection(db, `${own}/events`), orderBy("at"), orderBy(documentId()), startAfter(Timestamp.fromMillis(0), "e0"))));
    await assertSucceeds(getDocs(query(collection(db, `${own}/presence`), where("expires_at", ">", Timestamp.now()))));
  });

  it("reads its own chat sessions and chats only through a query on its ai_uuid", async () => {
    const db = asAi(A);
    await assertSucceeds(getDocs(query(collection(db, "chat_sessions"), where("ai_uuid", "==", A))));
    await assertSucceeds(getDocs(query(collection(db, "chats"), where("ai_uuid", "==", A))));
    await assertSucceeds(getDoc(doc(db, `chat_sessions/s-${A}`)));
    await assertSucceeds(getDoc(doc(db, `chats/c-${A}`)));
    // Rules are not filters: an unfiltered query could return another AI's sessions.
    await assertFails(getDocs(collection(db, "chat_sessions")));
    await assertFails(getDocs(collection(db, "chats")));
  });

  it("reads nothing of another AI", async () => {
    const db = asAi(A);
    const other = `ai_registry/${B}`;
    await assertFails(getDoc(doc(db, other)));
    for (const type of MEMORY_TYPES) await assertFails(getDocs(collection(db, `${other}/${type}`)));
    await assertFails(getDoc(doc(db, `${other}/memory_history/m1/versions/1`)));
    await assertFails(getDocs(query(collection(db, `${other}/events`), orderBy("at"))));
    await assertFails(getDocs(collection(db, `${other}/presence`)));
    await assertFails(getDoc(doc(db, `chat_sessions/s-${B}`)));
    await assertFails(getDocs(query(collection(db, "chat_sessions"), where("ai_uuid", "==", B))));
    await assertFails(getDoc(doc(db, `chats/c-${B}`)));
    await assertFails(getDocs(query(collection(db, "chats"), where("ai_uuid", "==", B))));
  });

  it("cannot run collection-group queries, even on its own collection names", async () => {
    const db = asAi(A);
    for (const name of [...MEMORY_TYPES, "events", "presence", "versions"]) {
      await assertFails(getDocs(collectionGroup(db, name)));
    }
    await assertFails(getDocs(query(collectionGroup(db, "events"), where("ai_uuid", "==", A))));
  });

  it("cannot read server bookkeeping or anything outside its paths", async () => {
    for (const path of ["search_index/s00", "embeddings/m1", "idempotency_keys/k1", "extractions/c1"]) await assertFails(getDoc(doc(asAi(A), `${own}/${path}`)));
    await assertFails(getDoc(doc(asAi(A), "config/secret")));
  });

  it("writes nothing directly", async () => {
    const db = asAi(A);
    await assertFails(setDoc(doc(db, `${own}/working_memory/new`), { content: "x" }));
    await assertFails(updateDoc(doc(db, `${own}/working_memory/m1`), { version: 9 }));
    await assertFails(deleteDoc(doc(db, `${own}/archive/m1`)));
    await assertFails(addDoc(collection(db, `${own}/events`), { event: "message", at: Timestamp.now() }));
    await assertFails(setDoc(doc(db, `${own}/presence/c2`), { client_id: "c2" }));
    await assertFails(updateDoc(doc(db, own), { token_version: 100 }));
    await assertFails(setDoc(doc(db, `${own}/search_index/s00`), { entries: { forged: "1|0|1f4|0||||" } }));
    await assertFails(setDoc(doc(db, "chat_sessions/new"), { ai_uuid: A }));
  });
});

describe("a revoked or disabled AI's token", () => {
  const C = "cccccccc-0000-4000-8000-000000000003";
  const own = `ai_registry/${C}`;
  const reads = (db: Firestore): Array<Promise<unknown>> => [
    getDoc(doc(db, own)),
    getDocs(collection(db, `${own}/working_memory`)),
    getDoc(doc(db, `${own}/memory_history/m1/versions/1`)),
    getDocs(query(collection(db, `${own}/events`), orderBy("at"))),
    getDocs(collection(db, `${own}/presence`)),
    getDocs(query(collection(db, "chat_sessions"), where("ai_uuid", "==", C))),
    getDocs(query(collection(db, "chats"), where("ai_uuid", "==", C))),
  ];
  const setRegistry = (fields: object) =>
    env.withSecurityRulesDisabled((context) => updateDoc(doc(firestoreOf(context), own), fields));

  beforeAll(async () => {
    await env.withSecurityRulesDisabled((context) => seed(firestoreOf(context), C));
  });

  it("reads nothing once the registry's token_version has moved past the token's tv", async () => {
    await setRegistry({ token_version: 2, status: "active" });
    for (const read of reads(asAi(C, 1))) await assertFails(read);
    for (const read of reads(asAi(C, 2))) await assertSucceeds(read);
  });

  it("reads nothing while the AI is disabled, whatever its tv", async () => {
    await setRegistry({ token_version: 2, status: "disabled" });
    for (const read of reads(asAi(C, 2))) await assertFails(read);
  });

  it("reads nothing without a tv claim (a custom token made before token versions were in it)", async () => {
    await setRegistry({ token_version: 1, status: "active" });
    for (const read of reads(asAi(C, null))) await assertFails(read);
    for (const read of reads(firestoreOf(env.authenticatedContext(`ai-${C}`, { ai_uuid: C })))) await assertFails(read);
  });
});

describe("the administrator (custom claim admin: true)", () => {
  it("reads everything, collection groups included", async () => {
    const db = asAdmin();
    await assertSucceeds(getDocs(collection(db, "ai_registry")));
    await assertSucceeds(getDoc(doc(db, `ai_registry/${B}`)));
    await assertSucceeds(getDocs(collection(db, `ai_registry/${B}/long_term_memory`)));
    await assertSucceeds(getDocs(collectionGroup(db, "events")));
    await assertSucceeds(getDocs(collectionGroup(db, "working_memory")));
    await assertSucceeds(getDocs(collection(db, "chat_sessions")));
    await assertSucceeds(getDocs(collection(db, "chats")));
    await assertSucceeds(getDoc(doc(db, `ai_registry/${A}/search_index/s00`)));
  });

  it("writes nothing directly either", async () => {
    const db = asAdmin();
    await assertFails(setDoc(doc(db, `ai_registry/${A}/working_memory/m2`), { content: "x" }));
    await assertFails(deleteDoc(doc(db, `ai_registry/${B}`)));
  });
});

describe("anyone else", () => {
  it("reads and writes nothing", async () => {
    for (const [, context] of Object.entries(contexts())) {
      const db = firestoreOf(context);
      await assertFails(getDoc(doc(db, `ai_registry/${A}`)));
      await assertFails(getDocs(collection(db, `ai_registry/${A}/working_memory`)));
      await assertFails(getDocs(collection(db, `ai_registry/${A}/events`)));
      await assertFails(getDocs(collectionGroup(db, "events")));
      await assertFails(getDocs(query(collection(db, "chat_sessions"), where("ai_uuid", "==", A))));
      await assertFails(setDoc(doc(db, `ai_registry/${A}/events/x`), { event: "message" }));
    }
  });
});
