/**
 * The index at the size of a daily chat's memories: exchange-sized entries (consecutive LoCoMo
 * turns joined into user/assistant exchanges of about 1 KB) put in one in-memory index the way a
 * warm instance adds them, at 1k, 10k, 50k and 200k. Pure computation in this process: the heap the
 * index holds after GC, what its 64 persisted shards would hold (total = a cold read's bytes, and
 * the fullest), and the CPU of ranking a question. No Firestore: 200k exchanges through the
 * emulator would take hours; what the index layer costs does not depend on it.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { exchangeTexts, loadLocomo } from "../../test-support/locomo";
import { encodeEntry, entryOf, INDEX_MAX_BYTES, MemoryIndex, SHARDS, shardOf } from "./functions";
import type { Results } from "./stats";

export const EXCHANGE_SIZES = [
  { label: "1k", count: 1_000 },
  { label: "10k", count: 10_000 },
  { label: "50k", count: 50_000 },
  { label: "200k", count: 200_000 },
];
const RANKS = 50;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heap = (): number => {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

const dataset = loadLocomo();
const questions = dataset.flatMap((conversation) => conversation.qa.map((qa) => qa.question));
/** The i-th exchange-sized text (about 1 KB of LoCoMo dialogue). */
export const exchangeText = exchangeTexts(dataset);

export function benchExchangeIndex(results: Results): void {
  const before = heap();
  const index = new MemoryIndex();
  const shards = new Array<number>(SHARDS).fill(0);
  const nowMs = Date.now();
  let added = 0;
  for (const size of EXCHANGE_SIZES) {
    for (; added < size.count; added += 1) {
      const id = `exchange-${added.toString(36).padStart(8, "0")}`;
      const entry = entryOf({
        id,
        memory_type: "working_memory",
        text: exchangeText(added),
        importance: 0.5,
        created_at: { toMillis: () => nowMs - added * 60_000 },
      });
      index.upsert(entry);
      // A shard's map: the id as key, the encoded entry as value (a few bytes of overhead each).
      shards[Number(shardOf(id).slice(1))] += id.length + encodeEntry(entry).length + 2;
    }
    const heapBytes = heap() - before;
    const total = shards.reduce((sum, bytes) => sum + bytes, 0);
    const cpuStart = process.cpuUsage();
    for (let q = 0; q < RANKS; q += 1)
      index.rank(questions[q % questions.length], { types: ["working_memory"], nowMs, limit: 32 });
    const cpu = process.cpuUsage(cpuStart);
    const name = (what: string) => `exchange_index_${what}_${size.label}`;
    results.add(
      name("heap_per_entry_bytes"),
      heapBytes / size.count,
      "bytes",
      undefined,
      `heap after GC over ${size.count} exchange-sized entries (terms in typed-array postings)`,
    );
    results.add(name("shards_mb"), total / 2 ** 20, "MB", undefined, "what the 64 shards hold: a cold read's bytes");
    results.add(
      name("largest_shard_kb"),
      Math.max(...shards) / 1024,
      "KB",
      undefined,
      "the fullest shard (Firestore's limit: 1024 KB)",
    );
    results.add(
      name("rank_cpu_ms"),
      (cpu.user + cpu.system) / 1000 / RANKS,
      "ms",
      undefined,
      "CPU of ranking one LoCoMo question (median-free mean of 50)",
    );
    results.add(
      name("within_index_limit"),
      total <= INDEX_MAX_BYTES ? 1 : 0,
      "1 = yes",
      undefined,
      `the quota refuses writes past ${INDEX_MAX_BYTES / 2 ** 20} MiB of entries (a 429 naming it)`,
    );
  }
}
