import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/** A stack that `npm start` runs, as a newcomer starts it, in a stack of its own (AI_MEMORY_STACK). */
export const ROOT = join(import.meta.dirname, "..", "..");
export const BASE_OFFSET = Number(process.env.EMULATOR_PORT_OFFSET ?? 0);

export interface RunningStack {
  child: ChildProcess;
  output: () => string;
  /** What the env file exports, by name. */
  values: Record<string, string>;
}

/** The file the quickstart sources: the one stack at an offset writes it. */
export const envFileOf = (offset: number) => join(ROOT, ".local", `stack-${offset}.env`);
const dataDirOf = (name: string, offset: number) =>
  join(ROOT, ".emulator-data", `demo-ai-memory-${name}${offset ? `-${offset}` : ""}`);

/** The variables a sourced env file sets, read by a shell as the quickstart's `source` would. */
export function sourced(file: string): Promise<Record<string, string>> {
  const shell = spawn("bash", ["-c", `source '${file}'; env -0`], { env: {} });
  let text = "";
  shell.stdout.on("data", (chunk) => (text += chunk));
  return new Promise((resolve) =>
    shell.on("exit", () => {
      const pairs = text.split("\0").filter((pair) => pair.startsWith("AI_MEMORY_"));
      resolve(
        Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)])),
      );
    }),
  );
}

/** Runs `command` (`npm start`, as a user types it) and waits for its summary; its env file is written then. */
export async function startStack(
  name: string,
  offset: number,
  extraEnv: Record<string, string> = {},
  command = "npm start",
): Promise<RunningStack> {
  const startedAt = Date.now();
  const child = spawn("bash", ["-c", command], {
    cwd: ROOT,
    env: { ...process.env, EMULATOR_PORT_OFFSET: String(offset), AI_MEMORY_STACK: name, ...extraEnv },
    detached: true,
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk) => (output += chunk));
  const file = envFileOf(offset);
  const deadline = Date.now() + 240_000;
  while (!(existsSync(file) && statSync(file).mtimeMs >= startedAt && output.includes("AI Memory is running"))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`npm start (${name}, offset ${offset}) did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { child, output: () => output, values: await sourced(file) };
}

/** Ctrl+C, as a user stops it: the data is exported on the way out. */
export async function stopStack(stack: RunningStack): Promise<void> {
  if (stack.child.exitCode !== null) return;
  const exited = new Promise((resolve) => stack.child.once("exit", resolve));
  process.kill(-stack.child.pid!, "SIGINT");
  await exited;
}

/** What a test's stacks left: their data and env files. */
export function removeStackFiles(name: string, offset: number): void {
  rmSync(dataDirOf(name, offset), { recursive: true, force: true });
  rmSync(envFileOf(offset), { force: true });
}
