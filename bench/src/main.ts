/**
 * `npm run bench`: every figure of the benchmark, measured in one run on this machine inside
 * `firebase emulators:exec`, printed as a table and written to bench/results.json.
 */
import { writeFileSync } from "node:fs";
import { benchChatTurn, chatRouteExists, userMessage } from "./chat-turn";
import { benchColdStart } from "./cold-start";
import { startFakeModel } from "./fake-model";
import { benchFirestoreOps, opsTable, type OpsRow, SEED_ROUTES } from "./firestore-ops";
import { aiBearer, call, loadMemories, newAi, startLocalApi } from "./product";
import { benchRetrieval } from "./retrieval";
import { machine, now, Results } from "./stats";
import { benchWrites } from "./writes";

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** BENCH_ONLY=word[,word] runs only the sections whose names contain one of the words (for development). */
const only = (process.env.BENCH_ONLY ?? "").split(",").map((word) => word.trim()).filter(Boolean);

async function section(name: string, task: () => Promise<void> | void): Promise<void> {
  if (only.length && !only.some((word) => name.includes(word))) return;
  const start = now();
  log(`${name}...`);
  try {
    await task();
    log(`${name} done in ${((now() - start) / 1000).toFixed(1)} s`);
  } catch (error) {
    log(`${name} FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
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
await section("memory writes", () => benchWrites(results, model, local));

const small = await newAi("bench-100");
const medium = await newAi("bench-1k");
const large = await newAi("bench-10k");
await section("loading 100, 1k and 10k memories", async () => {
  await loadMemories(small.ai_uuid, 100);
  await loadMemories(medium.ai_uuid, 1_000);
  await loadMemories(large.ai_uuid, 10_000);
});
const chatReady = await chatRouteExists(local, small);
await section("Firestore operations per request", async () => {
  const chatRoute = {
    route: "POST /v1/chat/completions",
    prepare: async (ai: typeof small, base: string) => () =>
      call(`${base}/v1/chat/completions`, aiBearer(ai), { model: "test-model", messages: [{ role: "user", content: userMessage(1) }] }),
  };
  opsRows = await benchFirestoreOps(results, local, small, large, chatReady ? [...SEED_ROUTES, chatRoute] : SEED_ROUTES);
});
await section("chat-turn overhead", () =>
  benchChatTurn(results, model, local, [{ label: "1k", count: 1_000, ai: medium }, { label: "10k", count: 10_000, ai: large }]));

await section("retrieval on LoCoMo", () => benchRetrieval(results));

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
