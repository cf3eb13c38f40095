/**
 * A fresh instance's first chat turn beside its second: each instance is a new Node process
 * (fresh-instance-server.mjs) that loads the built functions, then serves two turns of a session
 * opened beforehand. The first turn pays for what a cold instance does once: loading the app's
 * modules, the first Firestore connection, reading the AI's whole index (its manifest, segments and
 * unfolded log).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { openSession, ourTurn } from "./chat-turn";
import { question } from "./corpus";
import type { FakeModel } from "./fake-model";
import { BENCH_DATABASE, type LocalApi } from "./product";
import type { SizedAi } from "./sized-ai";
import { median, now, type Results } from "./stats";

/** The questions the fresh instances ask: FRESH_QUESTION and after. */
export const FRESH_QUESTION = 200;

interface Instance {
  url: string;
  /** From spawn to listening (the entry module loaded). */
  bootMs: number;
  /** Composing the app on the first request (loading its modules), once it is known. */
  composeMs: Promise<number>;
  child: ChildProcess;
}

async function startInstance(model: FakeModel, database: string): Promise<Instance> {
  const start = now();
  const child = spawn(process.execPath, [new URL("./fresh-instance-server.mjs", import.meta.url).pathname], {
    env: { ...process.env, BENCH_DATABASE: database, OPENAI_BASE_URL: model.baseUrl },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the fresh instance exited (${code}) before listening`)));
  });
  const composeMs = new Promise<number>((resolve) => lines.once("line", (line) => resolve(Number(line.split(" ")[1]))));
  return { url: `http://127.0.0.1:${port.trim()}`, bootMs: now() - start, composeMs, child };
}

async function stopInstance(instance: Instance): Promise<void> {
  const exited = new Promise((resolve) => instance.child.once("exit", resolve));
  instance.child.kill("SIGTERM");
  await exited;
}

/** Where the AI lives, and what the figure is called and asked (the sized AI's by default). */
export interface FreshOptions {
  database?: string;
  /** The figure's name before `_{label}_ms`. */
  name?: string;
  ask?: (index: number) => string;
  what?: string;
}

/** `instances` fresh instances, each timed on its first and second turn. */
export async function benchFreshInstance(
  results: Results,
  model: FakeModel,
  local: LocalApi,
  sized: Pick<SizedAi, "ai" | "label" | "count">,
  instances: number,
  options: FreshOptions = {},
): Promise<void> {
  const { database = BENCH_DATABASE, name = "fresh_instance_first_turn", ask = question, what = "memories" } = options;
  const first: number[] = [];
  const second: number[] = [];
  const boot: number[] = [];
  const compose: number[] = [];
  for (let i = 0; i < instances; i += 1) {
    const session = await openSession(local.url, sized.ai);
    const instance = await startInstance(model, database);
    try {
      for (const samples of [first, second]) {
        const start = now();
        await ourTurn(instance.url, sized.ai, ask(FRESH_QUESTION + i * 2 + samples.length), session);
        samples.push(now() - start);
      }
      boot.push(instance.bootMs);
      compose.push(await instance.composeMs);
    } finally {
      await stopInstance(instance);
    }
  }
  results.add(
    `${name}_${sized.label}_ms`,
    median(first),
    "ms",
    { name: "the same instance's second turn", value: median(second) },
    `median of ${instances} new processes (AI holding ${sized.count} ${what}, no embedder); in the first turn, loading the app's ` +
      `modules took ${median(compose).toFixed(0)} ms; before it, booting (entry module loaded, listening) took ${median(boot).toFixed(0)} ms`,
  );
}
