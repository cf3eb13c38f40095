/**
 * Sustained memory creates: POST /v1/ais/{ai}/memories/long_term_memory to the in-process app from
 * 16 concurrent clients, all to one AI, then spread over ten AIs (a hot document would show as one
 * AI going slower than ten). Each create commits the memory, its index entry and its room event.
 * Beside it, Mem0's add(infer:false) from 16 concurrent callers.
 */
import { randomUUID } from "node:crypto";
import { memoryText } from "./corpus";
import type { FakeModel } from "./fake-model";
import { mem0Add, newMem0 } from "./peers";
import { createMemory, type HandshakeBody, type LocalApi, newLocalAi } from "./product";
import { percentile, type Results, timeConcurrent } from "./stats";

const CLIENTS = 16;
const WARM_UP = 48;
const CREATES = 480;
const AIS = 10;

interface Run {
  opsPerSecond: number;
  p95: number;
}

async function sustained(write: (index: number) => Promise<unknown>): Promise<Run> {
  await timeConcurrent(WARM_UP, CLIENTS, write);
  const run = await timeConcurrent(CREATES, CLIENTS, (index) => write(WARM_UP + index));
  return { opsPerSecond: (CREATES / run.wallMs) * 1000, p95: percentile(run.samples, 95) };
}

export async function benchWrites(results: Results, model: FakeModel, local: LocalApi): Promise<void> {
  const ais: HandshakeBody[] = [];
  for (let i = 0; i < AIS; i += 1) ais.push(await newLocalAi(local, `bench-writes-${i}`));
  const mem0 = newMem0(model.baseUrl);
  const mem0Users = Array.from({ length: AIS }, () => `bench-${randomUUID()}`);

  const oneAi = await sustained((index) => createMemory(local.url, ais[0], memoryText(index)));
  const tenAis = await sustained((index) => createMemory(local.url, ais[index % AIS], memoryText(index)));
  const mem0One = await sustained((index) => mem0Add(mem0, mem0Users[0], memoryText(index)));
  const mem0Ten = await sustained((index) => mem0Add(mem0, mem0Users[index % AIS], memoryText(index)));

  const note = `${CREATES} creates from ${CLIENTS} concurrent clients, HTTP to the app in this process`;
  for (const [label, ours, peer] of [
    ["1_ai", oneAi, mem0One],
    ["10_ais", tenAis, mem0Ten],
  ] as const) {
    results.add(
      `creates_per_s_${label}`,
      ours.opsPerSecond,
      "creates/s",
      { name: "Mem0 OSS add(infer:false)", value: peer.opsPerSecond },
      note,
    );
    results.add(`create_p95_${label}_ms`, ours.p95, "ms", { name: "Mem0 OSS add(infer:false)", value: peer.p95 }, note);
  }
}
