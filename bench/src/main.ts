/**
 * `npm run bench`: every figure of the benchmark, measured in one run on this machine inside
 * `firebase emulators:exec`, Mem0 OSS beside the product in the same run. A complete run writes
 * bench/results.json and the README's tables; a partial one (BENCH_ONLY, BENCH_SIZES, or a failed
 * section) writes bench/.work/results.json only.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { benchChatTurns, type SizedAi } from "./chat-turn";
import { benchColdStart } from "./cold-start";
import { expireRoomEvents, growMem0, growProduct, timeRoomQuery } from "./corpus";
import { benchEventBurst } from "./events";
import { startFakeModel } from "./fake-model";
import { countRoutes, opsTable, type OpsTable } from "./firestore-ops";
import { clearIndexCache } from "./functions";
import { benchFreshInstance } from "./fresh-instance";
import { newMem0 } from "./peers";
import { newLocalAi, startLocalApi } from "./product";
import { printReport, updateReadme } from "./report";
import { benchRetrieval } from "./retrieval";
import { benchSearch } from "./search";
import { machine, now, Results } from "./stats";
import { benchWrites } from "./writes";

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const words = (name: string) => (process.env[name] ?? "").split(",").map((word) => word.trim()).filter(Boolean);

/** BENCH_ONLY=word[,word] runs only the sections whose names contain one of the words (for development). */
const only = words("BENCH_ONLY");
/** BENCH_SIZES=1k[,10k] grows the sized AI to these sizes only (for development). */
const onlySizes = words("BENCH_SIZES");

/**
 * The sized AI grows through 1k, 10k and 50k memories; at each size every per-size figure is taken.
 * Turns and queries are fewer with an embedder: the Firestore emulator answers findNearest by a
 * scan of every vector (about 1 s per 10k here), where production uses its vector index.
 * Fresh instances are fewer at the larger sizes, where each first turn reads the whole index.
 */
const SIZES = [
  { label: "1k", count: 1_000, turns: { keyword: 20, embedded: 20 }, instances: 5, ops: true },
  { label: "10k", count: 10_000, turns: { keyword: 20, embedded: 10 }, instances: 2, ops: false },
  { label: "50k", count: 50_000, turns: { keyword: 20, embedded: 6 }, instances: 2, ops: true },
].filter((size) => !onlySizes.length || onlySizes.includes(size.label));

const failures: string[] = [];
const results = new Results();
const started = now();

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

// The Functions emulator's model (OPENAI_BASE_URL) points at this port in bench mode.
const model = await startFakeModel(Number(process.env.TEST_LLM_PORT ?? 0));
const apps = { keyword: await startLocalApi(model.baseUrl), embedded: await startLocalApi(model.baseUrl, { embedder: true }) };
const ops: OpsTable = new Map();

await section("cold start (module load)", () => benchColdStart(results));
await section("sustained creates", () => benchWrites(results, model, apps.keyword));
await section("event burst", () => benchEventBurst(results, model));

const sizedSections = ["load", "chat turns", "search", "fresh instance", "operations per request"];
if (!only.length || sizedSections.some((name) => only.some((word) => name.includes(word)))) {
  const sized: SizedAi = { label: "", count: 0, ai: await newLocalAi(apps.keyword, "bench-sized"), mem0: newMem0(model.baseUrl), mem0UserId: `bench-${randomUUID()}` };
  for (const size of SIZES) {
    const from = sized.count;
    Object.assign(sized, { label: size.label, count: size.count });
    // Always runs: every section of this size needs the memories.
    log(`load ${size.label}: ${from} -> ${size.count} memories (product with embeddings, and Mem0)`);
    const start = now();
    await growProduct(sized.ai.ai_uuid, from, size.count, true);
    await growMem0(sized.mem0, sized.mem0UserId, from, size.count);
    results.add(`emulator_room_query_${size.label}_ms`, await timeRoomQuery(sized.ai.ai_uuid), "ms", undefined,
      `the index cache's catch-up query (no new event) with the import's ${size.count - from} events in the room: the emulator scans them ` +
        "(production reads the `at` index); they are then deleted, as the 7-day TTL would have for an AI that gathered its memories over months");
    await expireRoomEvents(sized.ai.ai_uuid);
    // This instance's index would otherwise miss the memories whose events were just deleted.
    clearIndexCache(sized.ai.ai_uuid);
    log(`load ${size.label} done in ${((now() - start) / 1000).toFixed(1)} s`);
    await section(`chat turns ${size.label}`, () => benchChatTurns(results, model, apps, sized, size.turns));
    await section(`search ${size.label}`, () => benchSearch(results, apps, sized, { keyword: 30, embedded: size.turns.embedded }));
    await section(`fresh instance ${size.label}`, () => benchFreshInstance(results, model, apps.keyword, sized, size.instances));
    if (size.ops) await section(`operations per request ${size.label}`, () => countRoutes(ops, size.label, sized.ai, apps.keyword.url));
  }
}

await section("retrieval on LoCoMo", () => benchRetrieval(results, apps.keyword));
// Fact extraction (bench/src/extraction.ts) is measured here.

const seconds = (now() - started) / 1000;
const host = machine();
const complete = !only.length && !onlySizes.length && !failures.length;
const file = complete ? new URL("../results.json", import.meta.url) : new URL("../.work/results.json", import.meta.url);
if (!complete) mkdirSync(new URL("../.work/", import.meta.url), { recursive: true });
writeFileSync(file, `${JSON.stringify({ machine: host, seconds: Math.round(seconds), ...results.figures }, null, 2)}\n`);
const opsMarkdown = ops.size ? opsTable(ops) : "";
printReport(results.figures, host, opsMarkdown, seconds);
if (complete) updateReadme(results.figures, host, opsMarkdown, seconds);
console.log(complete ? "\nwritten to bench/results.json and README.md" : "\npartial run: written to bench/.work/results.json only");
if (failures.length) console.log(`\nsections that failed:\n  ${failures.join("\n  ")}`);

await apps.keyword.close();
await apps.embedded.close();
await model.close();
process.exit(failures.length ? 1 : 0);
