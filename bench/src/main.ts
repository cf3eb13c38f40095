/**
 * `npm run bench`: every figure of the benchmark, measured in one run on this machine inside
 * `firebase emulators:exec`, printed as a table and written to bench/results.json.
 */
import { writeFileSync } from "node:fs";
import { benchChatTurn, chatRouteExists, openSession, ourTurn, userMessage } from "./chat-turn";
import { benchColdStart } from "./cold-start";
import { startFakeModel } from "./fake-model";
import { benchFirestoreOps, opsTable, type OpsRow, SEED_ROUTES } from "./firestore-ops";
import { benchEvents } from "./events";
import { benchExtraction } from "./extraction";
import { loadMemories, newLocalAi, startLocalApi } from "./product";
import { benchRetrieval } from "./retrieval";
import { machine, now, Results } from "./stats";
import { benchWrites } from "./writes";

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** BENCH_ONLY=word[,word] runs only the sections whose names contain one of the words (for development). */
const only = (process.env.BENCH_ONLY ?? "").split(",").map((word) => word.trim()).filter(Boolean);

/** Runs one section; when it fails, `figures` (name and unit) are recorded as not measured, with the error. */
async function section(name: string, task: () => Promise<void> | void, figures: Array<[string, string]> = []): Promise<void> {
  if (only.length && !only.some((word) => name.includes(word))) return;
  const start = now();
  log(`${name}...`);
  try {
    await task();
    log(`${name} done in ${((now() - start) / 1000).toFixed(1)} s`);
  } catch (error) {
    log(`${name} FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    const why = error instanceof Error ? error.message : String(error);
    failures.push(`${name}: ${why}`);
    for (const [figure, unit] of figures) if (!(figure in results.figures)) results.notMeasured(figure, unit, `${name} failed: ${why.slice(0, 160)}`);
  }
}

const failures: string[] = [];
const results = new Results();
const started = now();
// The Functions emulator's model (OPENAI_BASE_URL) points at this port in bench mode.
const model = await startFakeModel(Number(process.env.TEST_LLM_PORT ?? 0));
const local = await startLocalApi(model.baseUrl);
let opsRows: OpsRow[] = [];

await section("cold start", () => benchColdStart(results));
await section("memory writes", () => benchWrites(results, model, local), [
  ["create_memory_http_sequential_ops_per_s", "ops/s"], ["create_memory_http_sequential_p95_ms", "ms"],
  ["create_memory_http_16_clients_ops_per_s", "ops/s"], ["create_memory_http_16_clients_p95_ms", "ms"],
]);

await section("event latency", () => benchEvents(results), [
  ["event_latency_p50_1_client_ms", "ms"], ["event_latency_p95_1_client_ms", "ms"],
  ["event_latency_p50_100_clients_ms", "ms"], ["event_latency_p95_100_clients_ms", "ms"],
]);

const small = await newLocalAi(local, "bench-100");
const medium = await newLocalAi(local, "bench-1k");
const large = await newLocalAi(local, "bench-10k");
await section("loading 100, 1k and 10k memories", async () => {
  await loadMemories(small.ai_uuid, 100);
  await loadMemories(medium.ai_uuid, 1_000);
  await loadMemories(large.ai_uuid, 10_000);
});
const chatReady = await chatRouteExists(local, small);
await section("Firestore operations per request", async () => {
  const chatRoute = {
    route: "POST /v1/chat/completions (in a session)",
    prepare: async (ai: typeof small, base: string) => {
      const session = await openSession(base, ai);
      return () => ourTurn(base, ai, userMessage(1), session);
    },
  };
  opsRows = await benchFirestoreOps(results, local, small, large, chatReady ? [...SEED_ROUTES, chatRoute] : SEED_ROUTES);
});
await section("chat-turn overhead", () =>
  benchChatTurn(results, model, local, [{ label: "1k", count: 1_000, ai: medium }, { label: "10k", count: 10_000, ai: large }]));

await section("retrieval on LoCoMo", () => benchRetrieval(results, local));
await section("fact extraction", () => benchExtraction(results, model));

const figures = { machine: machine(), ...results.figures };
writeFileSync(new URL("../results.json", import.meta.url), `${JSON.stringify(figures, null, 2)}\n`);

const m = figures.machine;
console.log(`\nAI Memory on Firebase: benchmarks (${new Date().toISOString()})`);
console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, ${m.os}, Node ${m.node}; ${m.database}`);
console.log("ratio = ours / peer's (for latencies below 1 is better, for ops/s above 1 is better)\n");
console.log(results.table((name) => !name.startsWith("firestore_")));
if (opsRows.length) console.log(`\nFirestore operations per request (AI holding 100 / 10k memories; lookups and txns as 100/10k)\n${opsTable(opsRows)}`);
console.log(`\nwritten to bench/results.json; whole run ${((now() - started) / 1000).toFixed(0)} s`);
if (failures.length) console.log(`\nsections that failed:\n  ${failures.join("\n  ")}`);

await local.close();
await model.close();
process.exit(failures.length ? 1 : 0);
