/**
 * Chat-turn overhead with the model's time taken out (the fake model answers at once), for one AI
 * at a given size. Ours: POST /v1/chat/completions to the in-process app, in a session, the whole
 * turn (auth, session, index catch-up, ranking, reading the chosen memories, recent turns, the
 * model call, storing the exchange), timed and metered (documents and bytes Firestore returned).
 * Mem0's: the same turn's work with its OSS library: search, the same model call, add(infer:false).
 */
import { question } from "./corpus";
import type { FakeModel } from "./fake-model";
import type { OpCounts } from "./firestore-meter";
import { clearIndexCache } from "./functions";
import type { Mem0 } from "./peers";
import { aiBearer, call, type HandshakeBody, type LocalApi, meter } from "./product";
import type { Samples, SizedAi } from "./sized-ai";
import { mean, now, percentile, type Results, timeEach } from "./stats";

const WARM_UP = 3;

/** One turn of our chat in a session. */
export const ourTurn = (base: string, ai: HandshakeBody, message: string, sessionId?: string) =>
  call(`${base}/v1/chat/completions`, aiBearer(ai), {
    model: "test-model",
    messages: [{ role: "user", content: message }],
    ...(sessionId ? { session_id: sessionId } : {}),
  });

/** Starts a chat session with one turn and returns its id. */
export async function openSession(base: string, ai: HandshakeBody): Promise<string> {
  const answer = await ourTurn(base, ai, "Hello, let us talk.");
  return (answer.memory as { session_id: string }).session_id;
}

export async function mem0Turn(mem0: Mem0, userId: string, model: FakeModel, message: string): Promise<void> {
  const found = await mem0.search(message, { filters: { user_id: userId }, topK: 10 });
  const context = found.results.map((memory) => memory.memory).join("\n");
  const response = await fetch(`${model.baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer bench-key" },
    body: JSON.stringify({
      model: "bench-model",
      messages: [
        { role: "system", content: `Memories:\n${context}` },
        { role: "user", content: message },
      ],
    }),
  });
  const answer = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  await mem0.add(
    [
      { role: "user", content: message },
      { role: "assistant", content: answer.choices[0].message.content },
    ],
    { userId, infer: false },
  );
}

interface TurnSamples {
  ms: number[];
  counts: OpCounts[];
}

/** One turn, timed and metered. */
async function meteredTurn(
  local: LocalApi,
  ai: HandshakeBody,
  message: string,
  session: string,
): Promise<{ ms: number; counts: OpCounts }> {
  let ms = 0;
  const counts = await meter.measure(async () => {
    const start = now();
    await ourTurn(local.url, ai, message, session);
    ms = now() - start;
  });
  return { ms, counts };
}

/** `turns` metered turns of one session (after warm-up turns that bring the AI's index in). */
async function ourTurns(local: LocalApi, ai: HandshakeBody, turns: number): Promise<TurnSamples> {
  const session = await openSession(local.url, ai);
  await timeEach(WARM_UP, (i) => ourTurn(local.url, ai, question(i), session));
  const samples: TurnSamples = { ms: [], counts: [] };
  for (let i = 0; i < turns; i += 1) {
    const turn = await meteredTurn(local, ai, question(WARM_UP + i), session);
    samples.ms.push(turn.ms);
    samples.counts.push(turn.counts);
  }
  return samples;
}

const range = (values: number[]) => `${Math.min(...values)}-${Math.max(...values)}`;

function record(results: Results, sized: SizedAi, mode: "" | "_embeddings", ours: TurnSamples, peer: number[]): void {
  const what = mode ? "embedder configured (keyword + findNearest, fused)" : "no embedder (keyword ranking)";
  const note = `AI holding ${sized.count} memories, ${what}, ${ours.ms.length} turns of one session`;
  for (const q of [50, 95]) {
    results.add(
      `chat_turn_p${q}_${sized.label}${mode}_ms`,
      percentile(ours.ms, q),
      "ms",
      { name: "Mem0 OSS search + same model call + add(infer:false)", value: percentile(peer, q) },
      note,
    );
  }
  const reads = ours.counts.map((count) => count.reads);
  const kb = ours.counts.map((count) => count.bytes / 1024);
  results.add(
    `chat_turn_docs_read_${sized.label}${mode}`,
    mean(reads),
    "documents/turn",
    undefined,
    `mean; ${range(reads)} per turn`,
  );
  results.add(
    `chat_turn_kb_read_${sized.label}${mode}`,
    mean(kb),
    "KB/turn",
    undefined,
    `mean protobuf bytes Firestore returned; max ${Math.max(...kb).toFixed(1)} KB`,
  );
}

/**
 * Ours without and with an embedder, Mem0 beside both; then one turn of an instance whose cache
 * was dropped (it reads the AI's whole index once).
 */
export async function benchChatTurns(
  results: Results,
  model: FakeModel,
  apps: { keyword: LocalApi; embedded: LocalApi },
  sized: SizedAi,
  turns: Samples,
): Promise<void> {
  const { mem0, mem0UserId } = sized;
  await timeEach(WARM_UP, (i) => mem0Turn(mem0, mem0UserId, model, question(i)));
  const peer = await timeEach(turns.peer, (i) => mem0Turn(mem0, mem0UserId, model, question(WARM_UP + i)));

  record(results, sized, "", await ourTurns(apps.keyword, sized.ai, turns.keyword), peer);
  record(results, sized, "_embeddings", await ourTurns(apps.embedded, sized.ai, turns.embedded), peer);

  clearIndexCache(sized.ai.ai_uuid);
  const session = await openSession(apps.keyword.url, sized.ai);
  clearIndexCache(sized.ai.ai_uuid);
  const cold = await meteredTurn(apps.keyword, sized.ai, question(0), session);
  const note = `first turn after the instance's index cache is dropped: the whole index of ${sized.count} memories is read once`;
  results.add(`chat_turn_cold_index_docs_read_${sized.label}`, cold.counts.reads, "documents", undefined, note);
  results.add(
    `chat_turn_cold_index_kb_read_${sized.label}`,
    cold.counts.bytes / 1024,
    "KB",
    undefined,
    `${note}; took ${cold.ms.toFixed(0)} ms in this process`,
  );
}
