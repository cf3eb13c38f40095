/**
 * `npm run bench`: every figure of the benchmark, measured in one run on this machine inside
 * `firebase emulators:exec`, Mem0 OSS beside the product in the same run. A complete run writes
 * bench/results.json and the tables of docs/performance.md; a partial one (BENCH_ONLY, BENCH_SIZES, or a failed
 * section) writes bench/.work/results.json only.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { benchChatTurns } from "./chat-turn";
import { benchColdStart } from "./cold-start";
import { benchEventBurst } from "./events";
import { benchExchangeAi, type ExchangeSize } from "./exchange-ai";
import { benchExchangeIndex } from "./exchange-index";
import { benchExtraction } from "./extraction";
import { startFakeModel } from "./fake-model";
import { countRoutes, opsTable, type OpsTable } from "./firestore-ops";
import { benchFreshInstance } from "./fresh-instance";
import { exchangeDb, startLocalApi } from "./product";
import { printReport, updatePerformanceDoc } from "./report";
import { benchRetrieval } from "./retrieval";
import { benchSearch } from "./search";
import { growSizedAi, newSizedAi } from "./sized-ai";
import { machine, now, Results } from "./stats";
import { benchWrites } from "./writes";

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const words = (name: string) =>
  (process.env[name] ?? "")
    .split(",")
    .map((word) => word.trim())
    .filter(Boolean);

/** BENCH_ONLY=word[,word] runs only the sections whose names contain one of the words (for development). */
const only = words("BENCH_ONLY");
/** BENCH_SIZES=1k[,10k] grows the sized AI, and writes the exchange-sized AIs, at these sizes only (for development). */
const onlySizes = words("BENCH_SIZES");

/**
 * The sized AI grows through 1k, 10k and 50k memories; at each size every per-size figure is taken,
 * within the run's 25 minutes on a busy 2-core machine: at 50k, 10 turns and queries with an
 * embedder (the Firestore emulator answers findNearest by scanning every vector, 1.5 to 3 s there,
 * where production uses its vector index) and 10 for Mem0 (its search scans every vector in
 * JavaScript, 2 to 6 s there). Fresh instances are fewer at the larger sizes.
 */
const SIZES = [
  {
    label: "1k",
    count: 1_000,
    instances: 5,
    ops: true,
    turns: { keyword: 20, embedded: 20, peer: 20 },
    searches: { keyword: 30, embedded: 20, peer: 30 },
  },
  {
    label: "10k",
    count: 10_000,
    instances: 2,
    ops: false,
    turns: { keyword: 20, embedded: 20, peer: 20 },
    searches: { keyword: 30, embedded: 20, peer: 20 },
  },
  {
    label: "50k",
    count: 50_000,
    instances: 2,
    ops: true,
    turns: { keyword: 20, embedded: 10, peer: 10 },
    searches: { keyword: 30, embedded: 10, peer: 10 },
  },
].filter((size) => !onlySizes.length || onlySizes.includes(size.label));

/**
 * The exchange-sized AIs (issue 16), one per size, written as fixtures straight into the emulator:
 * a few minutes in all, the 200k one about half of it. Fresh instances: 3 at 50k, the target's size.
 */
const EXCHANGE_AIS: ExchangeSize[] = [
  { label: "1k", count: 1_000, instances: 2 },
  { label: "10k", count: 10_000, instances: 2 },
  { label: "50k", count: 50_000, instances: 3 },
  { label: "200k", count: 200_000, instances: 2 },
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
const apps = {
  keyword: await startLocalApi(model.baseUrl),
  embedded: await startLocalApi(model.baseUrl, { embedder: true }),
  exchange: await startLocalApi(model.baseUrl, { database: exchangeDb }),
};
const ops: OpsTable = new Map();

await section("cold start (module load)", () => benchColdStart(results));
await section("sustained creates", () => benchWrites(results, model, apps.keyword));
await section("event burst", () => benchEventBurst(results, model));

const sizedSections = ["chat turns", "search", "fresh instance", "operations per request"];
if (!only.length || sizedSections.some((name) => only.some((word) => name.includes(word)))) {
  const sized = await newSizedAi(apps.keyword, model);
  for (const size of SIZES) {
    // Always runs: every section of this size needs the memories.
    log(`growing the sized AI (product with embeddings, and Mem0) to ${size.label} memories...`);
    const start = now();
    await growSizedAi(results, sized, size);
    log(`grown in ${((now() - start) / 1000).toFixed(1)} s`);
    await section(`chat turns ${size.label}`, () => benchChatTurns(results, model, apps, sized, size.turns));
    await section(`search ${size.label}`, () => benchSearch(results, apps, sized, size.searches));
    await section(`fresh instance ${size.label}`, () =>
      benchFreshInstance(results, model, apps.keyword, sized, size.instances),
    );
    if (size.ops)
      await section(`operations per request ${size.label}`, () =>
        countRoutes(ops, size.label, sized.ai, apps.keyword.url),
      );
  }
}

await section("retrieval on LoCoMo", () => benchRetrieval(results, apps.keyword));
await section("fact extraction", () => benchExtraction(results, model));
// Last: the exchange-sized corpus (about 100 MB of entries at 200k) stays in this process once made.
await section("exchange-sized index", () => benchExchangeIndex(results));
for (const size of EXCHANGE_AIS)
  await section(`exchange-sized AI ${size.label}`, () => benchExchangeAi(results, model, apps.exchange, size));

const seconds = (now() - started) / 1000;
const host = machine();
const complete = !only.length && !onlySizes.length && !failures.length;
const file = complete ? new URL("../results.json", import.meta.url) : new URL("../.work/results.json", import.meta.url);
if (!complete) mkdirSync(new URL("../.work/", import.meta.url), { recursive: true });
writeFileSync(
  file,
  `${JSON.stringify({ machine: host, seconds: Math.round(seconds), ...results.figures }, null, 2)}\n`,
);
const opsMarkdown = ops.size ? opsTable(ops) : "";
printReport(results.figures, host, opsMarkdown, seconds);
if (complete) updatePerformanceDoc(results.figures, host, opsMarkdown, seconds);
console.log(
  complete
    ? "\nwritten to bench/results.json and docs/performance.md"
    : "\npartial run: written to bench/.work/results.json only",
);
if (failures.length) console.log(`\nsections that failed:\n  ${failures.join("\n  ")}`);

await apps.keyword.close();
await apps.embedded.close();
await apps.exchange.close();
await model.close();
process.exit(failures.length ? 1 : 0);
