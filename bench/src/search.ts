/**
 * Search latency through HTTP: POST /v1/ais/{ai}/memories/search (limit 10) to the in-process app,
 * the AI's index warm in the instance, without and with an embedder; beside it Mem0's
 * `search(topK: 10)` on the same memories in this process.
 */
import { question } from "./corpus";
import { aiBearer, call, type LocalApi } from "./product";
import type { Samples, SizedAi } from "./sized-ai";
import { percentile, type Results, timeEach } from "./stats";

const WARM_UP = 3;
const LIMIT = 10;

const search = (local: LocalApi, sized: SizedAi, query: string) =>
  call(`${local.url}/v1/ais/${sized.ai.ai_uuid}/memories/search`, aiBearer(sized.ai), { query, limit: LIMIT });

async function timed(queries: number, task: (query: string) => Promise<unknown>): Promise<number[]> {
  await timeEach(WARM_UP, (i) => task(question(100 + i)));
  return timeEach(queries, (i) => task(question(100 + WARM_UP + i)));
}

export async function benchSearch(
  results: Results,
  apps: { keyword: LocalApi; embedded: LocalApi },
  sized: SizedAi,
  queries: Samples,
): Promise<void> {
  const peer = await timed(queries.peer, (query) =>
    sized.mem0.search(query, { filters: { user_id: sized.mem0UserId }, topK: LIMIT }),
  );
  const keyword = await timed(queries.keyword, (query) => search(apps.keyword, sized, query));
  const embedded = await timed(queries.embedded, (query) => search(apps.embedded, sized, query));
  const peerName = "Mem0 OSS search(topK 10), in this process";
  for (const [mode, samples, what] of [
    ["", keyword, "no embedder"],
    ["_embeddings", embedded, "embedder configured"],
  ] as const) {
    for (const q of [50, 95]) {
      results.add(
        `search_http_p${q}_${sized.label}${mode}_ms`,
        percentile(samples, q),
        "ms",
        { name: peerName, value: percentile(peer, q) },
        `AI holding ${sized.count} memories, ${what}, ${samples.length} LoCoMo questions, limit ${LIMIT}`,
      );
    }
  }
}
