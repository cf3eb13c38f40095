/**
 * The in-memory index at the size of a daily chat's memories, in this process: for each size, the
 * exchange-sized entries (exchange-corpus.ts) loaded at once as a cold instance loads them
 * (`MemoryIndex.of` over decoded entries), the heap it holds after GC beside what the index itself
 * estimates (what the instance's cache budget counts), and the CPU of ranking a question. No
 * Firestore: the persisted index's figures come from the emulator (exchange-ai.ts).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  EXCHANGE_NOW_MS,
  EXCHANGE_SIZES,
  decodedExchanges,
  exchangeEntries,
  exchangeQuestions,
} from "./exchange-corpus";
import { INDEX_MAX_MEMORIES, MemoryIndex } from "./functions";
import type { Results } from "./stats";

const RANKS = 50;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heap = (): number => {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

export function benchExchangeIndex(results: Results): void {
  exchangeEntries(EXCHANGE_SIZES.at(-1)!.count);
  for (const size of EXCHANGE_SIZES) {
    const before = heap();
    const index = MemoryIndex.of(decodedExchanges(size.count));
    const heapBytes = heap() - before;
    const cpuStart = process.cpuUsage();
    for (let q = 0; q < RANKS; q += 1)
      index.rank(exchangeQuestions[q % exchangeQuestions.length], {
        types: ["working_memory"],
        nowMs: EXCHANGE_NOW_MS,
        limit: 32,
      });
    const cpu = process.cpuUsage(cpuStart);
    const name = (what: string) => `exchange_index_${what}_${size.label}`;
    results.add(
      name("heap_per_entry_bytes"),
      heapBytes / size.count,
      "bytes",
      { name: "the index's own estimate (what the cache budget counts)", value: index.bytes / size.count },
      `heap after GC of one index of ${size.count} exchange-sized entries, loaded at once as a cold instance loads it`,
    );
    results.add(name("heap_mb"), heapBytes / 2 ** 20, "MB", undefined, "the same, in all");
    results.add(
      name("rank_cpu_ms"),
      (cpu.user + cpu.system) / 1000 / RANKS,
      "ms",
      undefined,
      "CPU of ranking one LoCoMo question (mean of 50), in this process",
    );
    results.add(
      name("within_index_limit"),
      size.count <= INDEX_MAX_MEMORIES ? 1 : 0,
      "1 = yes",
      undefined,
      `writes past ${INDEX_MAX_MEMORIES} memories in one AI are refused (a 429 naming the index)`,
    );
  }
}
