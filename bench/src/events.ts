/**
 * Figure 4: event latency, from the start of an HTTP create_memory (to the api function on the
 * Functions emulator) to the `memory_update` delivered by the client SDK (client/src: sign-in with
 * the custom token, join through the relay, a Firestore listener on the room), with 1 and 100
 * listening clients. The path includes the memory trigger and its fan-out transaction. Beside it:
 * a plain Firestore snapshot listener on the memory collection itself, the floor without fan-out.
 * Neither Mem0 nor LangGraph has change notifications to compare with.
 */
import { AiMemory, type AiMemorySocket, type Handshake } from "../../client/src";
import { db, PROJECT_ID } from "../../test-support/emulator";
import { ADMIN_BEARER, aiBearer, call, FUNCTIONS_URL, type HandshakeBody, newAi } from "./product";
import { now, percentile, type Results } from "./stats";

const DELIVERY_DEADLINE_MS = 30_000;
const CONNECT_PARALLEL = 10;

/** When each listener saw each memory id. */
type Seen = Map<string, number>[];

async function until(done: () => boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("a listener missed an event within the deadline");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function openSockets(ai: HandshakeBody, count: number, seen: Seen): Promise<AiMemorySocket[]> {
  const api = new AiMemory({ baseURL: FUNCTIONS_URL, apiKey: ADMIN_BEARER.replace(/^Bearer /, "") });
  const sockets: AiMemorySocket[] = [];
  for (let start = 0; start < count; start += CONNECT_PARALLEL) {
    const batch = Array.from({ length: Math.min(CONNECT_PARALLEL, count - start) }, async (_, k) => {
      const times = new Map<string, number>();
      seen.push(times);
      const socket = api.socket({
        handshake: ai as unknown as Handshake,
        firebase: { projectId: PROJECT_ID },
        clientId: `bench-listener-${start + k}`,
        heartbeatIntervalMs: 600_000,
      });
      socket.on("memory_update", (data) => times.set((data as { memory_id: string }).memory_id, now()));
      return socket.connect();
    });
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** Plain listeners on the memory collection (Admin SDK), recording when each new memory appears. */
function openCollectionListeners(ai: HandshakeBody, count: number, seen: Seen): Array<() => void> {
  const collection = db.collection(`ai_registry/${ai.ai_uuid}/long_term_memory`);
  return Array.from({ length: count }, () => {
    const times = new Map<string, number>();
    seen.push(times);
    let first = true;
    return collection.onSnapshot((snapshot) => {
      // The first snapshot is the collection as it is: only later additions are deliveries.
      if (!first) for (const change of snapshot.docChanges()) if (change.type === "added") times.set(change.doc.id, now());
      first = false;
    });
  });
}

/** Writes `writes` memories one after another and returns every listener's latency for each. */
async function latencies(ai: HandshakeBody, seen: Seen, writes: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < writes; i += 1) {
    const start = now();
    const memory = await call(`${FUNCTIONS_URL}/create_memory`, aiBearer(ai), {
      ai_uuid: ai.ai_uuid, memory_type: "long_term_memory", memory_data: `event probe ${i}`,
    }, { expect: 201 });
    const id = memory.id as string;
    await until(() => seen.every((times) => times.has(id)), DELIVERY_DEADLINE_MS);
    for (const times of seen) samples.push(times.get(id)! - start);
  }
  return samples;
}

async function measureSdk(listeners: number, writes: number): Promise<number[]> {
  const ai = await newAi(`bench-events-${listeners}`);
  const seen: Seen = [];
  const sockets = await openSockets(ai, listeners, seen);
  try {
    await latencies(ai, seen, 2); // warm-up: the trigger's worker and the listeners' streams
    return await latencies(ai, seen, writes);
  } finally {
    await Promise.all(sockets.map((socket) => socket.close()));
  }
}

async function measurePlain(listeners: number, writes: number): Promise<number[]> {
  const ai = await newAi(`bench-listeners-${listeners}`);
  const seen: Seen = [];
  const stops = openCollectionListeners(ai, listeners, seen);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await latencies(ai, seen, 2);
    return await latencies(ai, seen, writes);
  } finally {
    stops.forEach((stop) => stop());
  }
}

export async function benchEvents(results: Results): Promise<void> {
  for (const [listeners, writes] of [[1, 30], [100, 10]] as const) {
    const ours = await measureSdk(listeners, writes);
    const plain = await measurePlain(listeners, writes);
    const peer = "plain Firestore listener on the memory collection (no trigger, no fan-out)";
    const label = listeners === 1 ? "1_client" : `${listeners}_clients`;
    const note = `${writes} writes x ${listeners} listener(s); trigger runs in the Functions emulator`;
    for (const q of [50, 95]) {
      results.add(`event_latency_p${q}_${label}_ms`, percentile(ours, q), "ms", { name: peer, value: percentile(plain, q) }, note);
    }
  }
}
