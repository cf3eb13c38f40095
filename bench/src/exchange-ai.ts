/**
 * The engine at the size of a daily chat's memories, against the emulator: one AI per size holding
 * 1k to 200k exchange-sized memories (exchange-corpus.ts), in a database of its own. Each is written
 * as a fixture straight into the emulator (it stores about 500 documents a second): the index as the
 * product writes it (`writeSegments`, then `swapManifest`), and the documents of the memories the bench's
 * questions can bring into a chat context. Then, through the product: a cold read of the index, warm
 * chat turns (documents, bytes, the handler's CPU), fresh instances, an import, creates while
 * compaction runs in a loop, and the largest document of the index.
 */
import { exchangeMemoryDocument } from "../../test-support/memory-fixture";
import { openSession, ourTurn } from "./chat-turn";
import { documentBytes } from "./document-size";
import { decodedExchanges, exchangeEntries, exchangeId, exchangeQuestions, exchangeText } from "./exchange-corpus";
import type { FakeModel } from "./fake-model";
import type { OpCounts } from "./firestore-meter";
import { benchFreshInstance, FRESH_QUESTION } from "./fresh-instance";
import {
  clearIndexCache,
  compactIndex,
  countsOf,
  emptyManifest,
  IMPORT_MAX,
  indexLog,
  indexSegments,
  loadIndex,
  MemoryIndex,
  manifestRef,
  OVERLAP_MS,
  readIndexSnapshot,
  swapManifest,
  writeSegments,
} from "./functions";
import {
  ADMIN_BEARER,
  call,
  createMemory,
  EXCHANGE_DATABASE,
  exchangeDb as db,
  exchangeMeter,
  type HandshakeBody,
  type LocalApi,
  newLocalAi,
  Timestamp,
} from "./product";
import { mean, median, now, percentile, type Results, timeConcurrent } from "./stats";

export interface ExchangeSize {
  label: string;
  count: number;
  /** Fresh instances started at this size. */
  instances: number;
}

const WARM_UP = 3;
const METERED_TURNS = 10;
const CPU_TURNS = 20;
const COLD_READS = 3;
const CREATES = 240;
const CLIENTS = 16;
/** What a chat turn ranks (completion-turn.ts), of which it reads at most 32. */
const RANKED = 60;
const MAX_INSTANCES = 3;

const ask = (index: number): string => exchangeQuestions[index % exchangeQuestions.length];
/** Every message the bench sends these AIs: the session's opening, the warm turns', the fresh instances'. */
const ASKED = [
  "Hello, let us talk.",
  ...Array.from({ length: WARM_UP + METERED_TURNS + CPU_TURNS }, (_, i) => ask(i)),
  ...Array.from({ length: 2 * MAX_INSTANCES }, (_, i) => ask(FRESH_QUESTION + i)),
];
const indexOfId = (id: string): number => Number.parseInt(id.slice("exchange-".length), 36);
const kb = (bytes: number) => bytes / 1024;

/**
 * Writes the AI's index (every entry, through the product's segment writer, and a manifest) and
 * the documents of the memories any message the bench sends can rank among a turn's first 60:
 * ranked in this process over the same entries. The rest have entries only, which a chat turn
 * never reads (the meter counts a lookup of a missing document, and the bench reports it).
 */
async function writeFixture(local: LocalApi, size: ExchangeSize): Promise<{ ai: HandshakeBody; documents: number }> {
  const ai = await newLocalAi(local, `bench-exchange-${size.label}`);
  await call(
    `${local.url}/v1/ais/${ai.ai_uuid}`,
    ADMIN_BEARER,
    { settings: { max_memories: 1_000_000 } },
    { method: "PATCH" },
  );
  const encoded = exchangeEntries(size.count);
  const entries = new Map<string, string>();
  for (let index = 0; index < size.count; index += 1) entries.set(exchangeId(index), encoded[index]);
  const segments = await writeSegments(db, ai.ai_uuid, 1, [{ prefix: "", entries }]);
  const folded = {
    epoch: 0,
    counts: countsOf(segments),
    segments,
    folded_through: Timestamp.fromMillis(Date.now() - OVERLAP_MS),
  };
  await swapManifest(db, ai.ai_uuid, emptyManifest(), folded, Date.now());

  const index = MemoryIndex.of(decodedExchanges(size.count));
  const winners = new Set<number>();
  for (const message of ASKED)
    for (const hit of index.rank(message, { types: ["working_memory"], nowMs: Date.now(), limit: RANKED }))
      winners.add(indexOfId(hit.entry.id));
  const writer = db.bulkWriter({ throttling: false });
  for (const memory of winners) {
    const entry = index.get(exchangeId(memory))!;
    const created = Timestamp.fromMillis(entry.createdAtMs);
    void writer.set(
      db.doc(`ai_registry/${ai.ai_uuid}/working_memory/${exchangeId(memory)}`),
      exchangeMemoryDocument(ai.ai_uuid, exchangeText(memory), created),
    );
  }
  await writer.close();
  return { ai, documents: winners.size };
}

/**
 * A cold instance's read of the whole index (`readIndexSnapshot`), metered once, then timed; and
 * the whole cold load the product does (`loadIndex` with the cache dropped: the read, each segment
 * decompressed and appended, the log on top).
 */
async function coldRead(results: Results, ai: HandshakeBody, size: ExchangeSize): Promise<void> {
  let segments = 0;
  const counts = await exchangeMeter.measure(async () => {
    segments = (await readIndexSnapshot(db, ai.ai_uuid)).segments.length;
  });
  const readMs: number[] = [];
  const loadMs: number[] = [];
  for (let i = 0; i < COLD_READS; i += 1) {
    let start = now();
    await readIndexSnapshot(db, ai.ai_uuid);
    readMs.push(now() - start);
    clearIndexCache(ai.ai_uuid);
    start = now();
    const index = await loadIndex(db, ai.ai_uuid);
    loadMs.push(now() - start);
    if (index.size !== size.count) throw new Error(`cold load: ${index.size} entries of ${size.count}`);
  }
  clearIndexCache(ai.ai_uuid);
  const what = `a cold instance's read of the index of ${size.count} exchange-sized memories (readIndexSnapshot: manifest, ${segments} segments, unfolded log)`;
  results.add(`exchange_cold_read_docs_${size.label}`, counts.reads, "documents", undefined, what);
  results.add(
    `exchange_cold_read_mb_${size.label}`,
    counts.bytes / 2 ** 20,
    "MB",
    undefined,
    "protobuf bytes Firestore returned for it (segments brotli-compressed)",
  );
  results.add(
    `exchange_cold_read_ms_${size.label}`,
    median(readMs),
    "ms",
    undefined,
    `median of ${COLD_READS} reads, unmetered (segments still compressed); the whole cold load (loadIndex: the read, ` +
      `each segment decompressed and appended, the log on top) took ${median(loadMs).toFixed(0)} ms`,
  );
}

/** Warm turns of one session: metered ones (documents, bytes), then unmetered ones for the handler's CPU. */
async function warmTurns(results: Results, local: LocalApi, ai: HandshakeBody, size: ExchangeSize): Promise<void> {
  const session = await openSession(local.url, ai);
  let asked = 0;
  for (; asked < WARM_UP; asked += 1) await ourTurn(local.url, ai, ask(asked), session);
  const counts: OpCounts[] = [];
  for (let i = 0; i < METERED_TURNS; i += 1, asked += 1)
    counts.push(await exchangeMeter.measure(() => ourTurn(local.url, ai, ask(asked), session)));
  local.cpuMs.length = 0;
  const wall: number[] = [];
  for (let i = 0; i < CPU_TURNS; i += 1, asked += 1) {
    const start = now();
    await ourTurn(local.url, ai, ask(asked), session);
    wall.push(now() - start);
  }
  const cpu = [...local.cpuMs];
  const reads = counts.map((each) => each.reads);
  const missing = counts.reduce((sum, each) => sum + each.missing, 0);
  const note = `AI holding ${size.count} exchange-sized memories, no embedder`;
  results.add(
    `exchange_chat_turn_docs_read_${size.label}`,
    mean(reads),
    "documents/turn",
    undefined,
    `${note}; mean of ${METERED_TURNS} turns, ${Math.min(...reads)}-${Math.max(...reads)}; ${missing} lookups of memories the fixture has no document for`,
  );
  results.add(
    `exchange_chat_turn_kb_read_${size.label}`,
    mean(counts.map((each) => kb(each.bytes))),
    "KB/turn",
    undefined,
    `${note}; mean protobuf bytes Firestore returned; max ${Math.max(...counts.map((each) => kb(each.bytes))).toFixed(1)} KB`,
  );
  results.add(
    `exchange_chat_turn_cpu_ms_${size.label}`,
    median(cpu),
    "ms CPU/turn",
    undefined,
    `${note}; median of ${CPU_TURNS} turns, process.cpuUsage from the handler's start to its response (p95 ` +
      `${percentile(cpu, 95).toFixed(1)} ms); the turn took ${median(wall).toFixed(0)} ms (median) on the clock`,
  );
}

/** Creates through the API, `CREATES` from `CLIENTS` clients, exchange-sized (texts from `from` on); creates per second. */
async function creates(local: LocalApi, ai: HandshakeBody, from: number): Promise<number> {
  const run = await timeConcurrent(CREATES, CLIENTS, (i) => createMemory(local.url, ai, exchangeText(from + i)));
  return (CREATES / run.wallMs) * 1000;
}

/**
 * Creates alone, then the same while `compactIndex` runs in a loop on the same AI, in this process
 * (as the trigger's compaction would on an instance beside the API's). Its clock is set OVERLAP_MS
 * ahead, so each pass folds every log document written so far (the product folds those older than it).
 */
async function createsWhileCompacting(results: Results, local: LocalApi, ai: HandshakeBody, size: ExchangeSize) {
  const warmUp = size.count + IMPORT_MAX + 2 * CREATES;
  await timeConcurrent(CLIENTS * 2, CLIENTS, (i) => createMemory(local.url, ai, exchangeText(warmUp + i)));
  const alone = await creates(local, ai, size.count + IMPORT_MAX);
  let running = true;
  let folded = 0;
  let written = 0;
  const passMs: number[] = [];
  const loop = (async () => {
    while (running) {
      const start = now();
      const report = await compactIndex(db, ai.ai_uuid, Date.now() + OVERLAP_MS);
      if (report.compacted) {
        passMs.push(now() - start);
        folded += report.folded_log_docs;
        written += report.segments_written;
      } else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const compacting = await creates(local, ai, size.count + IMPORT_MAX + CREATES).finally(() => {
    running = false;
  });
  await loop;
  const final = await compactIndex(db, ai.ai_uuid, Date.now() + OVERLAP_MS);
  results.add(
    `exchange_creates_per_s_compacting_${size.label}`,
    compacting,
    "creates/s",
    { name: "the same creates, no compaction running", value: alone },
    `${CREATES} exchange-sized creates from ${CLIENTS} clients while compactIndex ran in a loop on the same AI ` +
      `(${size.count} memories), in this process: ${passMs.length} passes (median ${median(passMs).toFixed(0)} ms) ` +
      `folded ${folded} log documents into ${written} new segments; the index then held ${final.count} entries in ${final.segments} segments`,
  );
}

/** The largest document the index holds: segments (retired ones too), log documents, the manifest. */
async function largestDocuments(results: Results, ai: HandshakeBody, size: ExchangeSize): Promise<void> {
  const largest = async (query: ReturnType<typeof indexLog>) => {
    const snapshot = await query.get();
    return Math.max(0, ...snapshot.docs.map((doc) => documentBytes(doc.ref.path, doc.data())));
  };
  const segment = await largest(indexSegments(db, ai.ai_uuid));
  const log = await largest(indexLog(db, ai.ai_uuid));
  const manifest = await manifestRef(db, ai.ai_uuid).get();
  const manifestBytes = documentBytes(manifest.ref.path, manifest.data() ?? {});
  results.add(
    `exchange_largest_document_kb_${size.label}`,
    kb(Math.max(segment, log, manifestBytes)),
    "KB",
    undefined,
    `Firestore's size of the index's largest document (its limit: 1024 KB), after the import and the compactions: ` +
      `segment ${kb(segment).toFixed(0)} KB, log document ${kb(log).toFixed(0)} KB (an import of ${IMPORT_MAX}), ` +
      `manifest ${kb(manifestBytes).toFixed(1)} KB`,
  );
}

/** Every figure of one size, on a new AI. */
export async function benchExchangeAi(
  results: Results,
  model: FakeModel,
  local: LocalApi,
  size: ExchangeSize,
): Promise<void> {
  const start = now();
  const { ai, documents } = await writeFixture(local, size);
  process.stderr.write(
    `[bench] exchange-sized AI of ${size.count}: fixture written in ${((now() - start) / 1000).toFixed(1)} s (${documents} memory documents)\n`,
  );
  try {
    await coldRead(results, ai, size);
    await warmTurns(results, local, ai, size);
    await benchFreshInstance(results, model, local, { ai, label: size.label, count: size.count }, size.instances, {
      database: EXCHANGE_DATABASE,
      name: "exchange_fresh_instance_first_turn",
      ask,
      what: "exchange-sized memories",
    });
    await call(`${local.url}/v1/ais/${ai.ai_uuid}/import`, ADMIN_BEARER, {
      memories: Array.from({ length: IMPORT_MAX }, (_, i) => ({
        memory_type: "working_memory",
        content: exchangeText(size.count + i),
      })),
    });
    await createsWhileCompacting(results, local, ai, size);
    await largestDocuments(results, ai, size);
  } finally {
    clearIndexCache(ai.ai_uuid);
  }
}
