/**
 * Fact extraction: model calls and prompt tokens per exchange, ours beside Mem0 OSS
 * `add(infer: true)` on the same exchanges answered by the same fake model, and the time from a
 * chat answer (the `api` function on the Functions emulator) until the facts the deployed trigger
 * extracted are searchable. Prompt tokens are counted with o200k (GPT-4o's tokenizer) on what each
 * side actually sent.
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { FakeModel } from "./fake-model";
import { newMem0 } from "./peers";
import { aiBearer, call, FUNCTIONS_URL, newAi } from "./product";
import { now, percentile, type Results } from "./stats";

import { db } from "../../test-support/emulator";
import { searchMemories } from "../../functions/src/search/memory-search";

type Firestore = typeof db;
const functionsRequire = createRequire(new URL("../../functions/package.json", import.meta.url));
const { Tiktoken } = functionsRequire("js-tiktoken/lite") as typeof import("js-tiktoken/lite");
const o200k = functionsRequire("js-tiktoken/ranks/o200k_base") as ConstructorParameters<typeof Tiktoken>[0];

/** A short life story told over several sessions, with changes of mind the memory must reconcile. */
const EXCHANGES: Array<{ user: string; fact: string; marker: string; replaces?: string }> = [
  {
    user: "Hi! I'm Sam, I live in Lyon with my partner Alex.",
    fact: "The user, Sam, lives in Lyon with their partner Alex.",
    marker: "lyon",
  },
  {
    user: "I work as a designer at Acme, mostly on mobile apps.",
    fact: "The user works at Acme as a mobile app designer.",
    marker: "acme",
  },
  { user: "We adopted a dog last week, his name is Rex.", fact: "The user adopted a dog named Rex.", marker: "rex" },
  {
    user: "I'm allergic to peanuts, so keep that in mind for recipes.",
    fact: "The user is allergic to peanuts.",
    marker: "peanuts",
  },
  {
    user: "My sister Ada is getting married on 14 June in Porto.",
    fact: "The user's sister Ada marries on 14 June in Porto.",
    marker: "porto",
  },
  {
    user: "I'm training for the Berlin marathon in September.",
    fact: "The user trains for the Berlin marathon in September.",
    marker: "berlin",
  },
  {
    user: "Big news: we moved to Paris, the flat is near Belleville.",
    fact: "The user lives in Paris, near Belleville.",
    marker: "belleville",
    replaces: "lyon",
  },
  {
    user: "I left Acme, I'm now a product designer at Globex.",
    fact: "The user is a product designer at Globex.",
    marker: "globex",
    replaces: "acme",
  },
  {
    user: "I prefer tea to coffee, green tea especially.",
    fact: "The user prefers green tea to coffee.",
    marker: "tea",
  },
  {
    user: "The wedding moved: Ada now marries on 2 August in Lisbon.",
    fact: "The user's sister Ada marries on 2 August in Lisbon.",
    marker: "lisbon",
    replaces: "porto",
  },
  {
    user: "I started learning the cello on Tuesdays.",
    fact: "The user learns the cello on Tuesdays.",
    marker: "cello",
  },
  {
    user: "I dropped the marathon, my knee hurts; I swim instead.",
    fact: "The user swims instead of running the marathon.",
    marker: "swim",
    replaces: "berlin",
  },
];
const REPLY = "Noted.";
const SEARCHABLE_DEADLINE_MS = 30_000;

/** The fake model's answers for both extractors: ours (structured output) and Mem0's (json_object). */
function responder(current: () => (typeof EXCHANGES)[number], sent: { ours: unknown[]; mem0: unknown[] }) {
  return (body: Record<string, unknown>): string | null => {
    const format = body.response_format as { type?: string; json_schema?: { name?: string } } | undefined;
    const exchange = current();
    if (format?.json_schema?.name === "memory_extraction") {
      sent.ours.push(body.messages);
      const { known } = JSON.parse((body.messages as Array<{ content: string }>)[1].content) as {
        known: Array<{ ref: string; text: string }>;
      };
      const old = exchange.replaces
        ? known.find((memory) => memory.text.toLowerCase().includes(exchange.replaces!))
        : undefined;
      const decision = old ? { action: "supersede", memory_ref: old.ref } : { action: "add", memory_ref: null };
      return JSON.stringify({ decisions: [{ ...decision, fact: exchange.fact, valid_from: null }] });
    }
    if (format?.type === "json_object") {
      sent.mem0.push(body.messages);
      return JSON.stringify({ memory: [{ id: "0", text: exchange.fact }] });
    }
    return null;
  };
}

const tokensOf = (encoder: InstanceType<typeof Tiktoken>, messages: unknown) =>
  (messages as Array<{ content: string }>).reduce((sum, message) => sum + encoder.encode(message.content).length, 0);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Polls the product's search until the exchange's fact is found (in-process, on the emulator's data). */
async function untilSearchable(db: Firestore, aiUuid: string, marker: string): Promise<number> {
  const start = now();
  while (now() - start < SEARCHABLE_DEADLINE_MS) {
    const hits = await searchMemories(db, aiUuid, { query: marker, types: ["long_term_memory"], limit: 3 });
    if (
      hits.some(
        (hit) => hit.memory.source === "extraction" && String(hit.memory.content).toLowerCase().includes(marker),
      )
    )
      return now() - start;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the fact "${marker}" was not searchable within ${SEARCHABLE_DEADLINE_MS / 1000} s`);
}

export async function benchExtraction(results: Results, model: FakeModel): Promise<void> {
  let index = 0;
  const sent = { ours: [] as unknown[], mem0: [] as unknown[] };
  model.respond = responder(() => EXCHANGES[index], sent);
  try {
    const mem0 = newMem0(model.baseUrl);
    const userId = `bench-${randomUUID()}`;
    for (index = 0; index < EXCHANGES.length; index += 1) {
      await mem0.add(
        [
          { role: "user", content: EXCHANGES[index].user },
          { role: "assistant", content: REPLY },
        ],
        { userId, infer: true },
      );
    }

    const ai = await newAi("bench-extraction");
    const searchable: number[] = [];
    for (index = 0; index < EXCHANGES.length; index += 1) {
      await call(`${FUNCTIONS_URL}/v1/chat/completions`, aiBearer(ai), {
        model: "test-model",
        messages: [{ role: "user", content: EXCHANGES[index].user }],
      });
      searchable.push(await untilSearchable(db, ai.ai_uuid, EXCHANGES[index].marker));
    }
    const superseded = (
      await searchMemories(db, ai.ai_uuid, {
        query: "lyon acme porto berlin",
        types: ["long_term_memory"],
        limit: 10,
        includeSuperseded: true,
      })
    ).filter((hit) => hit.memory.invalidated_at).length;
    if (superseded !== EXCHANGES.filter((each) => each.replaces).length)
      throw new Error(`expected 4 superseded facts, found ${superseded}`);

    const encoder = new Tiktoken(o200k);
    const ours = sent.ours.map((messages) => tokensOf(encoder, messages));
    const peers = sent.mem0.map((messages) => tokensOf(encoder, messages));
    const peer = "Mem0 OSS add(infer:true), same exchanges, same fake model";
    const note = `${EXCHANGES.length} exchanges (4 contradict an earlier one), o200k tokens of the messages sent`;
    results.add(
      "extraction_model_calls_per_exchange",
      sent.ours.length / EXCHANGES.length,
      "calls",
      { name: peer, value: sent.mem0.length / EXCHANGES.length },
      note,
    );
    results.add(
      "extraction_prompt_tokens_per_exchange",
      mean(ours),
      "tokens (mean)",
      { name: peer, value: mean(peers) },
      note,
    );
    results.add(
      "extraction_prompt_tokens_per_exchange_max",
      Math.max(...ours),
      "tokens",
      { name: peer, value: Math.max(...peers) },
      note,
    );
    // The first exchange may wake a cold trigger worker: it is reported on its own.
    const [first, ...warm] = searchable;
    const timing =
      "from the chat answer (api function on the Functions emulator) until the product's search finds the fact the deployed trigger extracted";
    results.add(
      "extraction_searchable_p50_ms",
      percentile(warm, 50),
      "ms",
      undefined,
      `${timing}; ${warm.length} exchanges after the first`,
    );
    results.add(
      "extraction_searchable_p95_ms",
      percentile(warm, 95),
      "ms",
      undefined,
      `${timing}; in order: ${warm.map(Math.round).join(", ")} ms`,
    );
    results.add(
      "extraction_searchable_first_ms",
      first,
      "ms",
      undefined,
      "the same, for the section's first exchange (a cold trigger worker unless an earlier section woke it)",
    );
  } finally {
    model.respond = null;
  }
}
