/**
 * The in-memory index at the size of a daily chat's memories, in this process: for each size, the
 * exchange-sized entries (exchange-corpus.ts) put in segments by the product's segment encoder and
 * loaded as a cold instance loads them (each segment appended in bulk, then trimmed), the heap the
 * index holds after GC beside what it estimates itself (what the instance's cache budget counts),
 * and the CPU of ranking a question. No Firestore: the persisted index's figures come from the
 * emulator (exchange-ai.ts).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { EXCHANGE_NOW_MS, EXCHANGE_SIZES, exchangeEntries, exchangeId, exchangeQuestions } from "./exchange-corpus";
import { encodeSegment, INDEX_MAX_MEMORIES, MemoryIndex, readSegment } from "./functions";
import type { Results } from "./stats";

const RANKS = 50;
/** Entries per segment: about what the product's split leaves under its 512 KB (raw) at this size of entry. */
const SEGMENT_ENTRIES = 800;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
/**
 * Heap and array buffers in use after GC. V8 frees array buffers' memory on a background thread
 * after a collection, so one `gc()` can leave freed buffers counted: collect, wait, collect again.
 */
const heap = async (): Promise<number> => {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** The first `count` exchanges' segments, as stored. */
function segmentsOf(count: number) {
  const encoded = exchangeEntries(count);
  const segments: Array<ReturnType<typeof encodeSegment>> = [];
  for (let start = 0; start < count; start += SEGMENT_ENTRIES) {
    const entries = new Map<string, string>();
    for (let index = start; index < Math.min(count, start + SEGMENT_ENTRIES); index += 1)
      entries.set(exchangeId(index), encoded[index]);
    segments.push(encodeSegment(entries));
  }
  return segments;
}

export async function benchExchangeIndex(results: Results): Promise<void> {
  for (const size of EXCHANGE_SIZES) {
    const segments = segmentsOf(size.count);
    const before = await heap();
    const index = new MemoryIndex();
    for (const segment of segments) index.addSegment(readSegment(segment), () => false);
    index.trim();
    const heapBytes = (await heap()) - before;
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
      `heap after GC of one index of ${size.count} exchange-sized entries, loaded from segments as a cold instance loads them`,
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
