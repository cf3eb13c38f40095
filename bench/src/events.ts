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
 * what it delivered.
 */
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

async function burst(model: FakeModel, database: Firestore, load: typeof BURST, withClientSdk = false): Promise<Burst> {
  const local = await startLocalApi(model.baseUrl, { database });
  const ai = await newLocalAi(local, "bench-burst");
  const seen = new Map<string, number>();
  let listening: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const stopListening = roomCollection(database, ai.ai_uuid)
    .orderBy("at")
    .onSnapshot((snapshot) => {
      for (const change of snapshot.docChanges())
        if (change.type === "added") seen.set(change.doc.get("data.memory_id"), now());
      listening();
    });
  // Nothing is written before the listener's first snapshot (the room as it is) has come.
  await ready;
  const delivered = new Set<string>();
  const socket = withClientSdk ? await clientSocket(local.url, ai, delivered) : null;
  try {
    const answered = new Map<string, number>();
    const create = async (index: number) => answered.set(await createMemory(local.url, ai, memoryText(index)), now());
    await timeConcurrent(WARM_UP, load.clients, create);
    await until(() => [...answered.keys()].every((id) => seen.has(id)), DELIVERY_DEADLINE_MS);
    answered.clear();

    const run = await timeConcurrent(load.creates, load.clients, (index) => create(WARM_UP + index));
    await until(() => [...answered.keys()].every((id) => seen.has(id)), DELIVERY_DEADLINE_MS);
    const delays = [...answered].map(([id, at]) => seen.get(id)! - at);
    if (socket)
      await until(() => [...answered.keys()].every((id) => delivered.has(id)), CLIENT_GRACE_MS).catch(() => undefined);
    const lost = socket ? [...answered.keys()].filter((id) => !delivered.has(id)).length : null;
    return { delays, createsPerSecond: (load.creates / run.wallMs) * 1000, lost };
  } finally {
    stopListening();
    await socket?.close();
    await local.close();
  }
}

export async function benchEventBurst(results: Results, model: FakeModel): Promise<void> {
  const single = await burst(model, eventsDb, ONE_CLIENT);
  results.add(
    "event_after_answer_p95_one_client_ms",
    percentile(single.delays, 95),
    "ms",
    undefined,
    `${ONE_CLIENT.creates} creates one after another, a Firestore listener on the room: the floor without a burst`,
  );

  const what = `${BURST.creates} creates from ${BURST.clients} concurrent clients to one AI, a Firestore listener on the room`;
  const alone = await burst(model, eventsDb, BURST);
  for (const q of [50, 95, 100]) {
    results.add(
      `event_after_answer_${q === 100 ? "max" : `p${q}`}_ms`,
      percentile(alone.delays, q),
      "ms",
      undefined,
      `${what}; nothing else running`,
    );
  }
  results.add("event_burst_creates_per_s", alone.createsPerSecond, "creates/s", undefined, what);

  const withTrigger = await burst(model, defaultDb, BURST, true);
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
