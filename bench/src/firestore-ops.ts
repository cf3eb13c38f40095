/**
 * Figure 3: Firestore operations per request, counted by the meter around each request to the
 * in-process app, for an AI holding 100 and 10k memories. Each route is measured on a memory
 * created just before, as an AI token holder (the usual caller).
 */
import type { OpCounts } from "./firestore-meter";
import { aiBearer, call, type HandshakeBody, type LocalApi, meter } from "./product";
import type { Results } from "./stats";

export interface RouteCall {
  route: string;
  /** Prepares what the request needs (outside the count) and returns the request. */
  prepare(ai: HandshakeBody, base: string): Promise<() => Promise<unknown>>;
}

const memoryBody = (ai: HandshakeBody) => ({ ai_uuid: ai.ai_uuid, memory_type: "long_term_memory" as const });

async function freshMemory(ai: HandshakeBody, base: string): Promise<string> {
  const memory = await call(`${base}/create_memory`, aiBearer(ai), { ...memoryBody(ai), memory_data: "a memory to act on" }, { expect: 201 });
  return memory.id as string;
}

export const SEED_ROUTES: RouteCall[] = [
  {
    route: "POST /v1/handshake (resume)",
    prepare: async (ai, base) => () => call(`${base}/v1/handshake`, aiBearer(ai), { ai_uuid: ai.ai_uuid }),
  },
  {
    route: "POST /create_memory",
    prepare: async (ai, base) => () =>
      call(`${base}/create_memory`, aiBearer(ai), { ...memoryBody(ai), memory_data: "the user likes tea" }, { expect: 201 }),
  },
  {
    route: "POST /edit_memory",
    prepare: async (ai, base) => {
      const id = await freshMemory(ai, base);
      return () => call(`${base}/edit_memory`, aiBearer(ai), { ...memoryBody(ai), memory_id: id, memory_data: "edited" });
    },
  },
  {
    route: "POST /move_memory",
    prepare: async (ai, base) => {
      const id = await freshMemory(ai, base);
      return () =>
        call(`${base}/move_memory`, aiBearer(ai), {
          ai_uuid: ai.ai_uuid, document_id: id, from_memory_type: "long_term_memory", to_memory_type: "archive",
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
    prepare: async (ai, base) => () => call(`${base}/retrieve_memories`, aiBearer(ai), { ...memoryBody(ai), limit: 10 }),
  },
  {
    route: "POST /retrieve_memories (all types, limit 10)",
    prepare: async (ai, base) => () =>
      call(`${base}/retrieve_memories`, aiBearer(ai), { ai_uuid: ai.ai_uuid, memory_type: "all", limit: 10 }),
  },
  {
    route: "POST /retrieve_memories (text filter, limit 10)",
    prepare: async (ai, base) => () =>
      call(`${base}/retrieve_memories`, aiBearer(ai), { ...memoryBody(ai), limit: 10, filter_query: "no such phrase anywhere" }),
  },
  {
    route: "GET /v1/ais/{ai}/memories/{type}/{id}",
    prepare: async (ai, base) => {
      const id = await freshMemory(ai, base);
      return () => call(`${base}/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${id}`, aiBearer(ai));
    },
  },
];

/** Counts each route twice and keeps the larger count (they should agree). */
export async function countRoute(ai: HandshakeBody, base: string, route: RouteCall): Promise<OpCounts> {
  const runs: OpCounts[] = [];
  for (let i = 0; i < 2; i += 1) {
    const request = await route.prepare(ai, base);
    runs.push(await meter.measure(request));
  }
  const keys = Object.keys(runs[0]) as Array<keyof OpCounts>;
  return Object.fromEntries(keys.map((key) => [key, Math.max(...runs.map((run) => run[key]))])) as unknown as OpCounts;
}

export interface OpsRow {
  route: string;
  small: OpCounts;
  large: OpCounts;
}

const slug = (route: string) =>
  route.toLowerCase().replace(/\{[^}]*\}/g, "x").replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");

/** Records reads, writes and queries per route at both sizes, and returns the rows for the ops table. */
export async function benchFirestoreOps(
  results: Results,
  local: LocalApi,
  small: HandshakeBody,
  large: HandshakeBody,
  routes: RouteCall[],
): Promise<OpsRow[]> {
  const rows: OpsRow[] = [];
  for (const route of routes) {
    const row = { route: route.route, small: await countRoute(small, local.url, route), large: await countRoute(large, local.url, route) };
    rows.push(row);
    for (const kind of ["reads", "writes", "queries"] as const) {
      results.add(`firestore_${kind}_${slug(route.route)}_100`, row.small[kind], `${kind}/request`);
      results.add(`firestore_${kind}_${slug(route.route)}_10k`, row.large[kind], `${kind}/request`,
        undefined, row.large[kind] > row.small[kind] ? `grows with memories: ${row.small[kind]} at 100` : undefined);
    }
  }
  return rows;
}

export function opsTable(rows: OpsRow[]): string {
  const header = ["route", "reads 100", "reads 10k", "writes 100", "writes 10k", "queries 100", "queries 10k", "lookups", "txns"];
  const lines = rows.map((row) => [
    row.route,
    String(row.small.reads), String(row.large.reads),
    String(row.small.writes), String(row.large.writes),
    String(row.small.queries), String(row.large.queries),
    `${row.small.lookups}/${row.large.lookups}`, `${row.small.transactions}/${row.large.transactions}`,
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, column) => Math.max(...all.map((line) => line[column].length)));
  const fmt = (line: string[]) => line.map((cell, column) => cell.padEnd(widths[column])).join(" | ").trimEnd();
  return [fmt(header), widths.map((width) => "-".repeat(width)).join("-|-"), ...lines.map(fmt)].join("\n");
}
