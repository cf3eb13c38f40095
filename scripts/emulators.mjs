#!/usr/bin/env node
// The emulator runner behind `npm start`, `npm test` and `npm run bench`.
//
//   start  Functions, Firestore, Auth and Hosting emulators, data kept in .emulator-data between runs
//   test   every test suite inside `firebase emulators:exec`
//   bench  the benchmarks inside `firebase emulators:exec`
//
// It works with Java 21 and firebase-tools' own Firestore emulator, and on machines with only Java 17
// and the Google Cloud CLI's official Firestore emulator (see scripts/firestore-java.mjs).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureConsoleAdmin } from "./console-admin.mjs";
import { prepareFirestoreJava } from "./firestore-java.mjs";
import { functionsEnv } from "./functions-env.mjs";
import { emulatorPort, portOffset } from "./ports.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const localDir = join(root, ".local");
const bin = (name) => join(root, "node_modules", ".bin", name);
/** `npm start` runs demo-ai-memory (.firebaserc); tests and benchmarks a project of their own per port offset. */
const PROJECT_ID_BASE = "demo-ai-memory";
/**
 * EMULATOR_PORT_OFFSET shifts every emulator port (and the test model's), so several checkouts or
 * developers can run the emulators side by side; the shifted config is written beside firebase.json.
 * Use multiples of 1000: the emulators' own ports are 1, 100 and 500 apart. A port the Fetch standard
 * bars moves 5 further (scripts/ports.mjs): at 1000 Hosting listens on 6005, at 2000 Firestore on 10085.
 */
const PORT_OFFSET = portOffset();
const HOSTING_URL = `http://127.0.0.1:${emulatorPort(5000)}`;
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

async function waitForHealth(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${HOSTING_URL}/healthz`);
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

function banner(env, projectId) {
  console.log(`
  AI Memory is running on the emulators (project ${projectId}).
    API (Hosting, seed paths at the root)  ${HOSTING_URL}      e.g. ${HOSTING_URL}/v1/handshake
    API (Functions emulator)               http://127.0.0.1:${emulatorPort(5001)}/${projectId}/us-central1/api
    Firestore emulator                     127.0.0.1:${emulatorPort(8080)}
    Auth emulator                          127.0.0.1:${emulatorPort(9099)}
    Admin key (Authorization: Bearer ...)  ${env.ADMIN_API_KEY}
    Language model                         ${env.OPENAI_BASE_URL ?? "https://api.openai.com/v1"}${env.OPENAI_API_KEY ? "" : " (no OPENAI_API_KEY: chat answers 503)"}
  Try:  curl -s -X POST ${HOSTING_URL}/v1/handshake -H "Authorization: Bearer ${env.ADMIN_API_KEY}" -H "Content-Type: application/json" -d '{"ai_name":"Assistant"}'
  Data is kept in .emulator-data between runs. Ctrl+C stops (and saves).
`);
}

function consoleBanner(admin) {
  console.log(`  Admin console  ${HOSTING_URL}
    Sign in with   ${admin.email}  /  ${admin.password}   (a local user on the Auth emulator, with the admin claim)
`);
}

/** firebase.json, or a copy of it with every emulator port shifted by PORT_OFFSET. */
function firebaseConfigArgs() {
  if (!PORT_OFFSET) return [];
  const config = JSON.parse(readFileSync(join(root, "firebase.json"), "utf8"));
  for (const emulator of Object.values(config.emulators)) {
    if (typeof emulator.port === "number") emulator.port = emulatorPort(emulator.port);
    if (typeof emulator.websocketPort === "number") emulator.websocketPort = emulatorPort(emulator.websocketPort);
  }
  // The copy sits beside firebase.json: firebase-tools resolves every path from the config's folder.
  const file = join(root, `.firebase.ports-${PORT_OFFSET}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return ["--config", file];
}

/** `npm start`: the emulators with the data of earlier runs, the URLs and the console's sign-in once up. */
function start(env, projectId) {
  const dataDir = join(root, ".emulator-data");
  const args = [
    "emulators:start",
    ...firebaseConfigArgs(),
    "--only",
    EMULATORS,
    "--project",
    projectId,
    "--export-on-exit",
    dataDir,
  ];
  if (existsSync(join(dataDir, "firebase-export-metadata.json"))) args.push("--import", dataDir);
  const child = spawn(bin("firebase"), args, { cwd: root, env, stdio: "inherit" });
  waitForHealth(180_000).then(async (up) => {
    if (!up) return console.error("The API did not answer /healthz within 180 s.");
    banner(env, projectId);
    await ensureConsoleAdmin(localDir, emulatorPort(9099), projectId).then(consoleBanner, (error) =>
      console.error(`Could not create the console's admin user: ${error.message}`),
    );
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
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

/** `npm test` and `npm run bench`: one command inside `firebase emulators:exec`, which stops them after. */
function exec(mode, env, projectId, extra) {
  const inner =
    mode === "test"
      ? ["npx", "vitest", "run", "--project", "emulator", "--passWithNoTests", ...extra]
      : ["node", "bench/run.mjs", ...extra];
  const quoted = inner.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
  run(
    bin("firebase"),
    ["emulators:exec", ...firebaseConfigArgs(), "--only", EMULATORS, "--project", projectId, quoted],
    {
      env: { ...env, AI_MEMORY_HOSTING_URL: HOSTING_URL, AI_MEMORY_PROJECT_ID: projectId },
    },
  );
}

async function main() {
  await relaunchOnDeployedNode();
  const [mode, ...extra] = process.argv.slice(2);
  if (!MODES.includes(mode)) {
    console.error("usage: node scripts/emulators.mjs start|test|bench [extra args]");
    process.exit(2);
  }
  const projectId =
    mode === "start" ? PROJECT_ID_BASE : `${PROJECT_ID_BASE}-${mode}${PORT_OFFSET ? `-${PORT_OFFSET}` : ""}`;
  // No metadata-server probing: everything here is local.
  const env = {
    ...process.env,
    METADATA_SERVER_DETECTION: "none",
    ...functionsEnv({ root, mode, projectId, testModelPort: TEST_LLM_PORT }),
    ...prepareFirestoreJava(localDir),
  };
  run("npm", ["--prefix", "functions", "run", "--silent", "build"]);
  // The admin console (console/), built into console/dist, which the Hosting emulator serves at the site root.
  run("npm", ["run", "--silent", "console:build"]);
  if (mode === "test") checksBeforeEmulators(extra);
  if (mode === "start") start(env, projectId);
  else exec(mode, env, projectId, extra);
}

await main();
