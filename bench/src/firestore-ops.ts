/**
 * Firestore operations per request, counted by the meter around each request to the in-process
 * app, for the sized AI at 1k and 50k memories. Each route is measured on a memory created just
 * before, as an AI token holder (the usual caller); the chat turn in a session opened before.
 */
import { openSession, ourTurn } from "./chat-turn";
import { question } from "./corpus";
import type { OpCounts } from "./firestore-meter";
import { aiBearer, call, type HandshakeBody, meter } from "./product";

export interface RouteCall {
  route: string;
  /** Prepares what the request needs (outside the count) and returns the request. */
  prepare(ai: HandshakeBody, base: string): Promise<() => Promise<unknown>>;
  /** The size labels it is counted at, when not all. */
  only?: string[];
}

const memoryBody = (ai: HandshakeBody) => ({ ai_uuid: ai.ai_uuid, memory_type: "long_term_memory" as const });

async function freshMemory(ai: HandshakeBody, base: string): Promise<string> {
  const memory = await call(
    `${base}/create_memory`,
    aiBearer(ai),
    { ...memoryBody(ai), memory_data: "a memory to act on" },
    { expect: 201 },
  );
  return memory.id as string;
}

export const ROUTES: RouteCall[] = [
  {
    route: "POST /v1/handshake (resume)",
    prepare: async (ai, base) => () => call(`${base}/v1/handshake`, aiBearer(ai), { ai_uuid: ai.ai_uuid }),
  },
  {
    route: "POST /create_memory",
    prepare: async (ai, base) => () =>
      call(
        `${base}/create_memory`,
        aiBearer(ai),
        { ...memoryBody(ai), memory_data: "the user likes tea" },
        { expect: 201 },
      ),
  },
  {
    route: "POST /edit_memory",
    prepare: async (ai, base) => {
      const id = await freshMemory(ai, base);
      return () =>
        call(`${base}/edit_memory`, aiBearer(ai), { ...memoryBody(ai), memory_id: id, memory_data: "edited" });
    },
  },
  {
    route: "POST /move_memory",
    prepare: async (ai, base) => {
      const id = await freshMemory(ai, base);
      return () =>
        call(`${base}/move_memory`, aiBearer(ai), {
          ai_uuid: ai.ai_uuid,
          document_id: id,
          from_memory_type: "long_term_memory",
          to_memory_type: "archive",
        });
    },
  },
  {
    route: "POST /delete_memory",
    prepare: async (ai, base) => {
      const id = await freshMemory(ai, base);
      return () => call(`${base}/delete_memory`, aiBearer(ai), { ...memoryBody(ai), memory_id: id });
    },
  },
  {
    route: "POST /retrieve_memories (limit 10)",
    prepare: async (ai, base) => () =>
      call(`${base}/retrieve_memories`, aiBearer(ai), { ...memoryBody(ai), limit: 10 }),
  },
  {
    route: "POST /retrieve_memories (all types, limit 10)",
    prepare: async (ai, base) => () =>
      call(`${base}/retrieve_memories`, aiBearer(ai), { ai_uuid: ai.ai_uuid, memory_type: "all", limit: 10 }),
  },
  {
    route: "POST /retrieve_memories (text filter, limit 10)",
    // It reads up to 1,000 documents by design, which the emulator takes a minute to serve at 50k.
    only: ["1k"],
    prepare: async (ai, base) => () =>
      call(`${base}/retrieve_memories`, aiBearer(ai), {
        ...memoryBody(ai),
        limit: 10,
        filter_query: "no such phrase anywhere",
      }),
  },
  {
    route: "GET /v1/ais/{ai}/memories/{type}/{id}",
    prepare: async (ai, base) => {
      const id = await freshMemory(ai, base);
      return () => call(`${base}/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${id}`, aiBearer(ai));
    },
  },
  {
    route: "POST /v1/ais/{ai}/memories/search (limit 10)",
    prepare: async (ai, base) => {
      const search = () =>
        call(`${base}/v1/ais/${ai.ai_uuid}/memories/search`, aiBearer(ai), { query: question(7), limit: 10 });
      await search(); // the instance catches up on the other routes' changes first, outside the count
      return search;
    },
  },
  {
    route: "POST /v1/chat/completions (in a session)",
    prepare: async (ai, base) => {
      const session = await openSession(base, ai);
      return () => ourTurn(base, ai, question(11), session);
    },
  },
];

/** Counts each route twice and keeps the larger count (they should agree). */
async function countRoute(ai: HandshakeBody, base: string, route: RouteCall): Promise<OpCounts> {
  const runs: OpCounts[] = [];
  for (let i = 0; i < 2; i += 1) {
    const request = await route.prepare(ai, base);
    runs.push(await meter.measure(request));
  }
  const keys = Object.keys(runs[0]) as Array<keyof OpCounts>;
  return Object.fromEntries(keys.map((key) => [key, Math.max(...runs.map((run) => run[key]))])) as unknown as OpCounts;
}

/** Per route, per size label, the operations of one request. */
export type OpsTable = Map<string, Map<string, OpCounts>>;

/** Adds the counts of every route on this AI, under its size label. */
export async function countRoutes(table: OpsTable, label: string, ai: HandshakeBody, base: string): Promise<void> {
  for (const route of ROUTES) {
    if (route.only && !route.only.includes(label)) continue;
    const row = table.get(route.route) ?? new Map<string, OpCounts>();
    row.set(label, await countRoute(ai, base, route));
    table.set(route.route, row);
  }
}

/** A markdown table: reads, KB read, writes and queries per request at each size. */
export function opsTable(table: OpsTable): string {
  const labels = [...new Set([...table.values()].flatMap((row) => [...row.keys()]))];
  const columns: Array<[string, (counts: OpCounts) => string]> = [
    ["reads", (counts) => String(counts.reads)],
    ["KB read", (counts) => (counts.bytes / 1024).toFixed(1)],
    ["writes", (counts) => String(counts.writes)],
    ["queries", (counts) => String(counts.queries)],
  ];
  const header = ["route", ...columns.flatMap(([name]) => labels.map((label) => `${name} ${label}`))];
  const lines = [...table].map(([route, row]) => [
    route,
    ...columns.flatMap(([, cell]) => labels.map((label) => (row.has(label) ? cell(row.get(label)!) : "-"))),
  ]);
  return [header, header.map(() => "---"), ...lines].map((line) => `| ${line.join(" | ")} |`).join("\n");
}
