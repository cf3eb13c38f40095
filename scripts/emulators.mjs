#!/usr/bin/env node
// The emulator runner behind `npm start`, `npm test` and `npm run bench`.
//
//   start  Functions, Firestore, Auth and Hosting emulators, data kept between runs (scripts/start.mjs)
//   test   every test suite inside `firebase emulators:exec`
//   bench  the benchmarks inside `firebase emulators:exec`
//
// It works with Java 21 and firebase-tools' own Firestore emulator, and on machines with only Java 17
// and the Google Cloud CLI's official Firestore emulator (see scripts/firestore-java.mjs).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_MODEL, startDemoModel } from "./demo-model.mjs";
import { prepareFirestoreJava } from "./firestore-java.mjs";
import { configuredModels, functionsEnv } from "./functions-env.mjs";
import { emulatorPort, portOffset } from "./ports.mjs";
import { prepareFunctionsDir, stackConfig, stackOf } from "./stack.mjs";
import { startStack } from "./start.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const localDir = join(root, ".local");
const bin = (name) => join(root, "node_modules", ".bin", name);
/**
 * EMULATOR_PORT_OFFSET shifts every emulator port (and the test model's), so several checkouts or
 * developers can run the emulators side by side; each mode and offset is a stack of its own
 * (scripts/stack.mjs). Use multiples of 1000: the emulators' own ports are 1, 100 and 500 apart. A
 * port the Fetch standard bars moves 5 further (scripts/ports.mjs): at 1000 Hosting listens on 6005.
 */
const PORT_OFFSET = portOffset();
/** The tests' stand-in language model listens here (test-support/fake-openai-server.ts). */
const TEST_LLM_PORT = emulatorPort(18555);
const MODES = ["start", "test", "bench"];
const EMULATORS = "functions,firestore,auth,hosting";

/**
 * The functions run on Node 22 when deployed, so they run on it here too: the `node` devDependency
 * (22.x) is first on PATH under `npm run`, and firebase-tools' Functions emulator then picks it.
 * Started directly (`node scripts/emulators.mjs`) on another Node, the runner re-launches itself with it.
 */
async function relaunchOnDeployedNode() {
  const binDir = join(root, "node_modules", ".bin");
  const node22 = join(binDir, "node");
  if (process.versions.node.split(".")[0] === "22" || !existsSync(node22)) return;
  const child = spawn(node22, process.argv.slice(1), {
    stdio: "inherit",
    env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}` },
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  await new Promise(() => child.on("exit", (code) => process.exit(code ?? 1)));
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * What needs no emulator, first, each stopping the run when it fails: the formatter and linter
 * (biome.json), the type-checks of the suites and the client SDK (vitest itself only strips types),
 * the unit tier.
 */
function checksBeforeEmulators(extra) {
  run(bin("biome"), ["ci", "--colors=off", "."]);
  run(bin("tsc"), ["-p", "tsconfig.json"]);
  run(bin("tsc"), ["-p", join("client", "tsconfig.json"), "--noEmit"]);
  run(bin("vitest"), [
    "run",
    "--project",
    "unit",
    "--passWithNoTests",
    "--outputFile.json=.vitest-report-unit.json",
    ...extra,
  ]);
}

/**
 * The runner's own tests (scripts/test): they start stacks of their own, at this offset and the next
 * thousand, so they run before the suites' emulators start.
 */
function stackTests(extra) {
  run(
    bin("vitest"),
    ["run", "--project", "stacks", "--passWithNoTests", "--outputFile.json=.vitest-report-stacks.json", ...extra],
    {
      env: { ...process.env, AI_MEMORY_BUILT: "1" },
    },
  );
}

/** `npm test` and `npm run bench`: one command inside `firebase emulators:exec`, which stops them after. */
function exec(stack, env, extra) {
  const inner =
    stack.mode === "test"
      ? ["npx", "vitest", "run", "--project", "emulator", "--passWithNoTests", ...extra]
      : ["node", "bench/run.mjs", ...extra];
  const quoted = inner.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
  run(
    bin("firebase"),
    ["emulators:exec", "--config", stack.configFile, "--only", EMULATORS, "--project", stack.projectId, quoted],
    { env: { ...env, AI_MEMORY_HOSTING_URL: stack.hostingUrl, AI_MEMORY_PROJECT_ID: stack.projectId } },
  );
}

/** `npm start -- --demo-model`: the local demo model (scripts/demo-model.mjs) in this process, as the functions' model. */
async function useDemoModel() {
  const port = emulatorPort(18600);
  await startDemoModel(port);
  Object.assign(process.env, {
    OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
    OPENAI_MODEL: DEMO_MODEL,
    OPENAI_API_KEY: "no-key-needed",
  });
}

async function main() {
  await relaunchOnDeployedNode();
  const [mode, ...extra] = process.argv.slice(2);
  if (!MODES.includes(mode)) {
    console.error("usage: node scripts/emulators.mjs start|test|bench [extra args]");
    process.exit(2);
  }
  const stack = stackOf(root, mode, PORT_OFFSET);
  if (mode === "start" && extra.includes("--demo-model")) await useDemoModel();
  prepareFunctionsDir(root, stack);
  writeFileSync(stack.configFile, JSON.stringify(stackConfig(root, stack), null, 2));
  const functions = functionsEnv({ root, mode, ...stack, testModelPort: TEST_LLM_PORT });
  // No metadata-server probing: everything here is local.
  const env = {
    ...process.env,
    METADATA_SERVER_DETECTION: "none",
    // Bad requests answer locally as deployed: clean JSON 400 and 413 (scripts/emulator-patches.cjs).
    NODE_OPTIONS:
      `${process.env.NODE_OPTIONS ?? ""} --require "${join(root, "scripts", "emulator-patches.cjs")}"`.trim(),
    ...functions,
    ...prepareFirestoreJava(localDir),
  };
  // AI_MEMORY_BUILT=1: what is built is current (the runner's own tests start stacks after building).
  if (process.env.AI_MEMORY_BUILT !== "1") {
    run("npm", ["--prefix", "functions", "run", "--silent", "build"]);
    // The admin console (console/), built into console/dist, which the Hosting emulator serves at the site root.
    run("npm", ["run", "--silent", "console:build"]);
  }
  if (mode === "test") {
    checksBeforeEmulators(extra);
    stackTests(extra);
  }
  if (mode === "start") {
    const models = configuredModels(root, functions);
    startStack({ root, stack, env, models, firebase: bin("firebase"), only: EMULATORS });
  } else exec(stack, env, extra);
}

await main();
