/**
 * Figure 1: chat-turn overhead with model time taken out (the model is the zero-latency local
 * server), for an AI holding 1k and 10k memories. Ours: POST /v1/chat/completions to the app, the
 * whole turn (auth, memory search, context, model call, chat log and memory writes). Mem0's: the
 * same turn's work done with its OSS library: search, the same model call, add(infer: false).
 */
import { randomUUID } from "node:crypto";
import type { FakeModel } from "./fake-model";
import { mem0Add, type Mem0, newMem0 } from "./peers";
import { aiBearer, call, type HandshakeBody, type LocalApi, memoryText } from "./product";
import { percentile, type Results, timeEach } from "./stats";

const TURNS = 20;
const WARM_UP = 3;
const TOPICS = ["coffee", "marathon", "paris", "guitar", "budget", "sister", "recipe", "interview"];

export const userMessage = (index: number): string =>
  `What did I tell you about ${TOPICS[index % TOPICS.length]} and ${TOPICS[(index * 3 + 1) % TOPICS.length]}? Remind me, turn ${index}.`;

/** Mem0 holding `count` memories of the same texts as the product's AI. */
export async function loadedMem0(model: FakeModel, count: number): Promise<{ mem0: Mem0; userId: string }> {
  const mem0 = newMem0(model.baseUrl);
  const userId = `bench-${randomUUID()}`;
  const PARALLEL = 8;
  for (let start = 0; start < count; start += PARALLEL) {
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, count - start) }, (_, k) => mem0Add(mem0, userId, memoryText(start + k))),
    );
  }
  return { mem0, userId };
}

async function mem0Turn(mem0: Mem0, userId: string, model: FakeModel, message: string): Promise<void> {
  const found = await mem0.search(message, { filters: { user_id: userId }, topK: 10 });
  const context = found.results.map((memory) => memory.memory).join("\n");
  const response = await fetch(`${model.baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer bench-key" },
    body: JSON.stringify({
      model: "bench-model",
      messages: [{ role: "system", content: `Memories:\n${context}` }, { role: "user", content: message }],
    }),
  });
  const answer = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  await mem0.add(
    [{ role: "user", content: message }, { role: "assistant", content: answer.choices[0].message.content }],
    { userId, infer: false },
  );
}

/** One turn of our chat; with a session, the turn also reads the session's recent exchanges. */
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

/** Whether the chat route is served yet (it answers 404 before it is wired). */
export async function chatRouteExists(local: LocalApi, ai: HandshakeBody): Promise<boolean> {
  const response = await fetch(`${local.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: aiBearer(ai), "content-type": "application/json" },
    body: JSON.stringify({ model: "test-model", messages: [{ role: "user", content: "hello" }] }),
  });
  await response.text();
  return response.status !== 404;
}

export async function benchChatTurn(
  results: Results,
  model: FakeModel,
  local: LocalApi,
  ais: Array<{ label: string; count: number; ai: HandshakeBody }>,
): Promise<void> {
  const routeReady = await chatRouteExists(local, ais[0].ai);
  for (const { label, count, ai } of ais) {
    const { mem0, userId } = await loadedMem0(model, count);
    await timeEach(WARM_UP, (i) => mem0Turn(mem0, userId, model, userMessage(i)));
    const peerSamples = await timeEach(TURNS, (i) => mem0Turn(mem0, userId, model, userMessage(WARM_UP + i)));
    const peerName = "Mem0 OSS search + same model call + add(infer:false)";
    const note = `AI holding ${count} memories, ${TURNS} turns of one session, model at zero latency, app in-process`;
    if (!routeReady) {
      for (const q of [50, 95]) {
        results.notMeasured(`chat_turn_overhead_p${q}_${label}_ms`, "ms", "POST /v1/chat/completions is not served yet (issue 3)",
          { name: peerName, value: percentile(peerSamples, q) });
      }
      continue;
    }
    const session = await openSession(local.url, ai);
    await timeEach(WARM_UP, (i) => ourTurn(local.url, ai, userMessage(i), session));
    const ours = await timeEach(TURNS, (i) => ourTurn(local.url, ai, userMessage(WARM_UP + i), session));
    for (const q of [50, 95]) {
      results.add(`chat_turn_overhead_p${q}_${label}_ms`, percentile(ours, q), "ms", { name: peerName, value: percentile(peerSamples, q) }, note);
    }
  }
}
