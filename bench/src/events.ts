/**
 * Event delivery during a burst: 300 creates from 16 concurrent clients to one AI, and for each the
 * time from its HTTP answer until its `memory_update` is in the room as a listener sees it: a
 * Firestore snapshot listener on the room, ordered by `at`. The event is written with the memory
 * (same commit), so a delivery can beat the answer (a negative time).
 *
 * In a database of its own, where nothing else runs (the product's write path and Firestore's
 * listener alone), from one client and then as a burst; then the burst in (default), where the
 * Functions emulator also runs the `onMemoryChange` trigger once per event on the same 2 cores
 * (production runs triggers on other instances), with the client SDK (client/src: custom-token
 * sign-in, join through the relay, a listener under the security rules) on the room too, counting
 * what it delivered. Beside the product's burst, its peer: the same Firestore calls per create made
 * raw with the Admin SDK, no product code: the emulator's own floor for a listener under that load.
 */
import { randomUUID } from "node:crypto";
import { AiMemory, type Handshake } from "../../client/src";
import { AiMemorySocket } from "../../client/src/socket-entry";
import { PROJECT_ID } from "../../test-support/emulator";
import { memoryText } from "./corpus";
import type { FakeModel } from "./fake-model";
import { roomCollection } from "./functions";
import {
  ADMIN_BEARER,
  createMemory,
  defaultDb,
  eventsDb,
  listenerDb,
  FieldValue,
  type Firestore,
  type HandshakeBody,
  newLocalAi,
  startLocalApi,
} from "./product";
import { now, percentile, type Results, timeConcurrent } from "./stats";

const BURST = { creates: 300, clients: 16 };
const ONE_CLIENT = { creates: 30, clients: 1 };
const WARM_UP = 16;
const DELIVERY_DEADLINE_MS = 60_000;
/** How long the client SDK gets, after the plain listener saw every event, to deliver them too. */
const CLIENT_GRACE_MS = 3_000;

async function until(done: () => boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("the room listener missed an event within the deadline");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A client SDK socket on the AI's room, recording the memory ids it delivers. */
async function clientSocket(base: string, ai: HandshakeBody, delivered: Set<string>): Promise<AiMemorySocket> {
  const socket = new AiMemorySocket({
    api: new AiMemory({ baseURL: base, apiKey: ADMIN_BEARER.replace(/^Bearer /, "") }),
    handshake: ai as unknown as Handshake,
    firebase: { projectId: PROJECT_ID },
    clientId: "bench-listener",
    heartbeatIntervalMs: 600_000,
  });
  socket.on("memory_update", (data) => delivered.add((data as { memory_id: string }).memory_id));
  await socket.connect();
  return socket;
}

interface Burst {
  delays: number[];
  createsPerSecond: number;
  /** Events the client SDK never delivered, when it listened. */
  lost: number | null;
}

/** Creates the memory of `index` and answers its id. */
type Create = (index: number) => Promise<string>;

/**
 * Warm-up creates, then `load.creates` from `load.clients` concurrent clients, each timed from its
 * answer until a listener on the AI's room (ordered by `at`, on a connection of its own) has its event; `delivered`, when given,
 * is what a client SDK socket delivered meanwhile.
 */
async function timedBurst(
  database: Firestore,
  aiUuid: string,
  create: Create,
  load: typeof BURST,
  delivered?: Set<string>,
): Promise<Burst> {
  const seen = new Map<string, number>();
  let listening: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const stopListening = roomCollection(listenerDb(database), aiUuid)
    .orderBy("at")
    .onSnapshot((snapshot) => {
      for (const change of snapshot.docChanges())
        if (change.type === "added") seen.set(change.doc.get("data.memory_id"), now());
      listening();
    });
  try {
    // Nothing is written before the listener's first snapshot (the room as it is) has come.
    await ready;
    const answered = new Map<string, number>();
    const timed = async (index: number) => answered.set(await create(index), now());
    await timeConcurrent(WARM_UP, load.clients, timed);
    await until(() => [...answered.keys()].every((id) => seen.has(id)), DELIVERY_DEADLINE_MS);
    answered.clear();

    const run = await timeConcurrent(load.creates, load.clients, (index) => timed(WARM_UP + index));
    await until(() => [...answered.keys()].every((id) => seen.has(id)), DELIVERY_DEADLINE_MS);
    const delays = [...answered].map(([id, at]) => seen.get(id)! - at);
    if (delivered)
      await until(() => [...answered.keys()].every((id) => delivered.has(id)), CLIENT_GRACE_MS).catch(() => undefined);
    const lost = delivered ? [...answered.keys()].filter((id) => !delivered.has(id)).length : null;
    return { delays, createsPerSecond: (load.creates / run.wallMs) * 1000, lost };
  } finally {
    stopListening();
  }
}

/** The burst through the product: HTTP creates to the app, optionally a client SDK socket listening too. */
async function productBurst(
  model: FakeModel,
  database: Firestore,
  load: typeof BURST,
  withClientSdk = false,
): Promise<Burst> {
  const local = await startLocalApi(model.baseUrl, { database });
  const ai = await newLocalAi(local, "bench-burst");
  const delivered = new Set<string>();
  const socket = withClientSdk ? await clientSocket(local.url, ai, delivered) : null;
  try {
    const create = (index: number) => createMemory(local.url, ai, memoryText(index));
    return await timedBurst(database, ai.ai_uuid, create, load, socket ? delivered : undefined);
  } finally {
    await socket?.close();
    await local.close();
  }
}

/**
 * The peer: the product's Firestore calls per create (the registry read of authentication, then one
 * batch: the memory, its index shard, its event) made raw with the Admin SDK, no product code.
 */
function rawBurst(database: Firestore, load: typeof BURST): Promise<Burst> {
  const aiUuid = `raw-${randomUUID()}`;
  const create = async (index: number) => {
    const id = `raw-${index}`;
    await database.doc(`ai_registry/${aiUuid}`).get();
    const batch = database.batch();
    batch.create(database.doc(`ai_registry/${aiUuid}/long_term_memory/${id}`), { content: memoryText(index) });
    batch.set(
      database.doc(`ai_registry/${aiUuid}/search_index/s${index % 64}`),
      { entries: { [id]: memoryText(index) } },
      { merge: true },
    );
    batch.create(database.doc(`ai_registry/${aiUuid}/events/mu-${id}`), {
      event: "memory_update",
      at: FieldValue.serverTimestamp(),
      data: { memory_id: id },
    });
    await batch.commit();
    return id;
  };
  return timedBurst(database, aiUuid, create, load);
}

export async function benchEventBurst(results: Results, model: FakeModel): Promise<void> {
  const single = await productBurst(model, eventsDb, ONE_CLIENT);
  results.add(
    "event_after_answer_p95_one_client_ms",
    percentile(single.delays, 95),
    "ms",
    undefined,
    `${ONE_CLIENT.creates} creates one after another, a Firestore listener on the room: the floor without a burst`,
  );

  const what = `${BURST.creates} creates from ${BURST.clients} concurrent clients to one AI, a Firestore listener on the room`;
  const alone = await productBurst(model, eventsDb, BURST);
  const raw = await rawBurst(eventsDb, BURST);
  for (const q of [50, 95, 100]) {
    results.add(
      `event_after_answer_${q === 100 ? "max" : `p${q}`}_ms`,
      percentile(alone.delays, q),
      "ms",
      {
        name: "the same Firestore calls per create, raw Admin SDK (no product code)",
        value: percentile(raw.delays, q),
      },
      `${what}; nothing else running`,
    );
  }
  results.add("event_burst_creates_per_s", alone.createsPerSecond, "creates/s", undefined, what);

  const withTrigger = await productBurst(model, defaultDb, BURST, true);
  const note = `the same in (default), the trigger running once per event in the Functions emulator`;
  results.add("event_after_answer_p95_with_trigger_ms", percentile(withTrigger.delays, 95), "ms", undefined, note);
  results.add(
    "event_burst_lost_by_client_sdk",
    withTrigger.lost ?? 0,
    `events of ${BURST.creates}`,
    undefined,
    `client SDK socket on that room: events it never delivered (${CLIENT_GRACE_MS / 1000} s after the listener had them all)`,
  );
}
