/**
 * Event delivery during a burst: 300 creates from 16 concurrent clients to one AI, and for each the
 * time from its HTTP answer until its `memory_update` reaches a client, as a client sees it: the
 * client SDK (client/src) signed in with the custom token, joined through the relay, listening to
 * the room in Firestore under the security rules. The event is written with the memory (same
 * commit), so a delivery can even beat the answer (a negative time). This runs on the (default)
 * database, where the `onMemoryChange` trigger also runs once per event in the Functions emulator,
 * on the same 2 cores.
 */
import { AiMemory, type Handshake } from "../../client/src";
import { PROJECT_ID } from "../../functions/test/support/emulator";
import { memoryText } from "./corpus";
import type { FakeModel } from "./fake-model";
import { ADMIN_BEARER, createMemory, defaultDb, newLocalAi, startLocalApi } from "./product";
import { now, percentile, type Results, timeConcurrent } from "./stats";

const BURST = 300;
const CLIENTS = 16;
const WARM_UP = 16;
const DELIVERY_DEADLINE_MS = 60_000;

async function until(done: () => boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("the listener missed an event within the deadline");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function benchEventBurst(results: Results, model: FakeModel): Promise<void> {
  const local = await startLocalApi(model.baseUrl, { database: defaultDb });
  const ai = await newLocalAi(local, "bench-burst");
  const seen = new Map<string, number>();
  const api = new AiMemory({ baseURL: local.url, apiKey: ADMIN_BEARER.replace(/^Bearer /, "") });
  const socket = api.socket({
    handshake: ai as unknown as Handshake,
    firebase: { projectId: PROJECT_ID },
    clientId: "bench-listener",
    heartbeatIntervalMs: 600_000,
  });
  socket.on("memory_update", (data) => seen.set((data as { memory_id: string }).memory_id, now()));
  await socket.connect();
  try {
    const answered = new Map<string, number>();
    const create = async (index: number) => answered.set(await createMemory(local.url, ai, memoryText(index)), now());
    await timeConcurrent(WARM_UP, CLIENTS, create);
    await until(() => [...answered.keys()].every((id) => seen.has(id)), DELIVERY_DEADLINE_MS);
    answered.clear();

    const burst = await timeConcurrent(BURST, CLIENTS, (index) => create(WARM_UP + index));
    await until(() => [...answered.keys()].every((id) => seen.has(id)), DELIVERY_DEADLINE_MS);
    const delays = [...answered].map(([id, at]) => seen.get(id)! - at);
    const note = `${BURST} creates from ${CLIENTS} concurrent clients to one AI; one client SDK listener; trigger runs on the same machine`;
    for (const q of [50, 95, 100]) {
      results.add(`event_after_answer_${q === 100 ? "max" : `p${q}`}_ms`, percentile(delays, q), "ms", undefined, note);
    }
    results.add("event_burst_creates_per_s", (BURST / burst.wallMs) * 1000, "creates/s", undefined, `${note}; (default) database`);
  } finally {
    await socket.close();
    await local.close();
  }
}
