/** Figure 2: memory writes, sequential and 16 concurrent clients, beside Mem0 and LangGraph. */
import { randomUUID } from "node:crypto";
import { type FakeModel } from "./fake-model";
import { mem0Add, newLangGraphStore, newMem0 } from "./peers";
import { aiBearer, call, FUNCTIONS_URL, type HandshakeBody, memoryText, newAi, newLocalAi, type LocalApi } from "./product";
import { percentile, type Results, timeConcurrent, timeEach } from "./stats";

const SEQUENTIAL = 150;
const CONCURRENT_TOTAL = 320;
const CLIENTS = 16;

interface Run {
  opsPerSecond: number;
  p95: number;
}

async function measure(write: (index: number) => Promise<unknown>): Promise<{ sequential: Run; concurrent: Run }> {
  // Warm-up, sequential and concurrent: connections, JIT, and the Functions emulator's worker
  // processes (it starts one per concurrent request, each a cold start) are in place before timing.
  await timeEach(10, write);
  await timeConcurrent(CLIENTS * 2, CLIENTS, write);
  const seq = await timeEach(SEQUENTIAL, write);
  const sum = seq.reduce((a, b) => a + b, 0);
  const con = await timeConcurrent(CONCURRENT_TOTAL, CLIENTS, write);
  return {
    sequential: { opsPerSecond: (SEQUENTIAL / sum) * 1000, p95: percentile(seq, 95) },
    concurrent: { opsPerSecond: (CONCURRENT_TOTAL / con.wallMs) * 1000, p95: percentile(con.samples, 95) },
  };
}

export async function benchWrites(results: Results, model: FakeModel, local: LocalApi): Promise<void> {
  // The emulated function writes to the default database, the in-process app to the bench's own:
  // each needs an AI of its own there.
  const [ai, localAi] = await Promise.all([newAi("bench-writes"), newLocalAi(local, "bench-writes-local")]);
  const createVia = (base: string, ai: HandshakeBody) => (index: number) =>
    call(`${base}/create_memory`, aiBearer(ai), {
      ai_uuid: ai.ai_uuid,
      memory_type: "long_term_memory",
      memory_data: memoryText(index),
    }, { expect: 201 });

  const mem0 = newMem0(model.baseUrl);
  const userId = `bench-${randomUUID()}`;
  const mem0Run = await measure((index) => mem0Add(mem0, userId, memoryText(index)));
  const store = newLangGraphStore();
  const langGraphRun = await measure((index) => store.put(["bench", "memories"], `m${index}-${randomUUID()}`, { text: memoryText(index) }));

  const emulated = await measure(createVia(FUNCTIONS_URL, ai));
  const inProcess = await measure(createVia(local.url, localAi));

  const via = "HTTP to the api function on the Functions emulator";
  for (const mode of ["sequential", "concurrent"] as const) {
    const label = mode === "sequential" ? "sequential" : `${CLIENTS}_clients`;
    for (const [metric, unit, pick] of [["ops_per_s", "ops/s", (r: Run) => r.opsPerSecond], ["p95_ms", "ms", (r: Run) => r.p95]] as const) {
      const name = `create_memory_http_${label}_${metric}`;
      results.add(name, pick(emulated[mode]), unit, { name: "Mem0 OSS add(infer:false)", value: pick(mem0Run[mode]) }, via);
      results.add(`${name}_vs_langgraph`, pick(emulated[mode]), unit, { name: "LangGraph InMemoryStore.put", value: pick(langGraphRun[mode]) }, via);
      results.add(`create_memory_app_${label}_${metric}`, pick(inProcess[mode]), unit, undefined,
        "same product code, HTTP straight to createApp in this process (no emulator proxy)");
    }
  }
}
