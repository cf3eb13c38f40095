/**
 * Counts the Firestore operations a piece of code performs, exactly, at the one funnel every
 * Admin SDK call goes through (`Firestore.request` / `Firestore.requestStream`): each RPC, each
 * document a lookup or query returns, each write a commit carries, and the bytes read. Counting is
 * on while `measure` runs its task; the numbers follow Firestore's billing (a query that returns
 * nothing is 1 read, a count() 1 read per 1,000 index entries it counts, at least 1).
 *
 * Bytes read: every response message of a read RPC (runQuery, batchGetDocuments,
 * runAggregationQuery) encoded again with Firestore's own protobuf types, i.e. the payload the
 * server sent over gRPC (documents with their names and timestamps, read times), without gRPC and
 * HTTP/2 framing.
 */
import { createRequire } from "node:module";
import type { AppDeps } from "../../functions/src/http/app-deps";

type Firestore = AppDeps["db"];

export interface OpCounts {
  /** Billed document reads: documents returned by lookups and queries (min 1 per query). */
  reads: number;
  /** Of those reads, lookups of memory documents that do not exist (a fixture's memories with an index entry only). */
  missing: number;
  /** Protobuf bytes of the read RPCs' responses. */
  bytes: number;
  /** Billed document writes: set, create, update and delete operations in commits. */
  writes: number;
  /** Queries run (runQuery and aggregation RPCs). */
  queries: number;
  /** Document lookups (batchGetDocuments RPCs, each for one or more documents). */
  lookups: number;
  /** Commits (batches, transactions and single writes). */
  commits: number;
  /** Transactions begun. */
  transactions: number;
}

const MEMORY_PATH = /\/(working_memory|long_term_memory|personal_logs|archive)\/[^/]+$/;

const zero = (): OpCounts => ({
  reads: 0,
  missing: 0,
  bytes: 0,
  writes: 0,
  queries: 0,
  lookups: 0,
  commits: 0,
  transactions: 0,
});

interface MessageType {
  fromObject(value: unknown): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}

/** The response type of each read RPC, from the protobuf descriptors the Admin SDK ships. */
function responseTypes(): Record<string, MessageType> {
  const fromFunctions = createRequire(new URL("../../functions/package.json", import.meta.url));
  const firestoreDir = fromFunctions.resolve("@google-cloud/firestore/package.json", {
    paths: [fromFunctions.resolve("firebase-admin")],
  });
  const fromFirestore = createRequire(firestoreDir);
  const protobuf = createRequire(fromFirestore.resolve("google-gax"))("protobufjs") as {
    Root: { fromJSON(json: unknown): { lookupType(name: string): MessageType } };
  };
  const root = protobuf.Root.fromJSON(fromFirestore("./build/protos/v1.json"));
  const type = (name: string) => root.lookupType(`google.firestore.v1.${name}`);
  return {
    runQuery: type("RunQueryResponse"),
    batchGetDocuments: type("BatchGetDocumentsResponse"),
    runAggregationQuery: type("RunAggregationQueryResponse"),
  };
}

interface Funnel {
  request(method: string, request: Record<string, unknown>, ...rest: unknown[]): Promise<unknown>;
  requestStream(
    method: string,
    bidirectional: boolean,
    request: Record<string, unknown>,
    ...rest: unknown[]
  ): Promise<NodeJS.ReadableStream>;
}

interface StreamChunk {
  found?: unknown;
  missing?: unknown;
  document?: unknown;
  transaction?: unknown;
  /** An aggregation's answer: `count` and the like, as Firestore values. */
  result?: { aggregateFields?: Record<string, { integerValue?: string | number }> };
}

/** What an aggregation answer bills: a read per 1,000 entries counted, at least one per aggregate. */
const aggregationReads = (chunk: StreamChunk): number =>
  Object.values(chunk.result?.aggregateFields ?? {}).reduce(
    (sum, field) => sum + Math.max(1, Math.ceil(Number(field.integerValue ?? 0) / 1000)),
    0,
  );

export class FirestoreMeter {
  private counts: OpCounts | null = null;
  private readonly types = responseTypes();

  constructor(db: Firestore) {
    const funnel = db as unknown as Funnel;
    const request = funnel.request.bind(funnel);
    const requestStream = funnel.requestStream.bind(funnel);
    funnel.request = async (method, body, ...rest) => {
      this.record(method, body);
      return request(method, body, ...rest);
    };
    funnel.requestStream = async (method, bidirectional, body, ...rest) => {
      this.record(method, body);
      const stream = await requestStream(method, bidirectional, body, ...rest);
      const counts = this.counts;
      if (!counts) return stream;
      const type = this.types[method];
      let documents = 0;
      // Counting on emit leaves the stream's flow (paused until its consumer reads) untouched.
      const emit = stream.emit.bind(stream);
      stream.emit = ((event: string | symbol, ...args: unknown[]) => {
        if (event === "data") {
          const chunk = args[0] as StreamChunk;
          if (chunk.found || chunk.missing || chunk.document) documents += 1;
          if (typeof chunk.missing === "string" && MEMORY_PATH.test(chunk.missing)) counts.missing += 1;
          if (method === "runAggregationQuery") documents += aggregationReads(chunk);
          if (type) counts.bytes += type.encode(type.fromObject(chunk)).finish().length;
        }
        if (event === "end" && method === "runQuery") counts.reads += Math.max(documents, 1);
        else if (event === "end") counts.reads += documents;
        return emit(event, ...args);
      }) as typeof stream.emit;
      return stream;
    };
  }

  private record(method: string, body: Record<string, unknown>): void {
    const counts = this.counts;
    if (!counts) return;
    if (method === "runQuery" || method === "runAggregationQuery") counts.queries += 1;
    if (method === "batchGetDocuments") counts.lookups += 1;
    if (method === "beginTransaction") counts.transactions += 1;
    if (method === "commit" || method === "batchWrite") {
      counts.commits += 1;
      counts.writes += Array.isArray(body.writes) ? body.writes.length : 0;
    }
    // Transactions can also begin inside their first read.
    const options = (body.newTransaction ??
      (body.options as { readWrite?: unknown } | undefined)?.readWrite) as unknown;
    if ((method === "batchGetDocuments" || method === "runQuery") && options) counts.transactions += 1;
  }

  /** Runs `task` and returns the operations it made. */
  async measure(task: () => Promise<unknown>): Promise<OpCounts> {
    this.counts = zero();
    const counts = this.counts;
    try {
      await task();
      // Streams report their last documents on 'end', which may trail the response by a tick.
      await new Promise((resolve) => setImmediate(resolve));
      return counts;
    } finally {
      this.counts = null;
    }
  }
}
