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
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { prepareFirestoreJava } from "./firestore-java.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await relaunchOnDeployedNode();
const localDir = join(root, ".local");
const firebaseBin = join(root, "node_modules", ".bin", "firebase");
/** `npm start` runs demo-ai-memory (.firebaserc); tests and benchmarks a project of their own per port offset. */
const PROJECT_ID_BASE = "demo-ai-memory";
/**
 * EMULATOR_PORT_OFFSET shifts every emulator port (and the test model's), so several checkouts or
 * developers can run the emulators side by side; the shifted config is written beside firebase.json.
 * Use multiples of 1000: the emulators' own ports are 1, 100 and 500 apart.
 */
const PORT_OFFSET = Number(process.env.EMULATOR_PORT_OFFSET ?? 0);
/**
 * Browsers and Node's fetch refuse the Fetch standard's "bad ports": offset 1000 would put Hosting on
 * 6000 (X11), where neither the console nor the tests could reach it. Hosting then takes 5005 + offset.
 */
const FETCH_BAD_PORTS = new Set([6000, 6665, 6666, 6667, 6668, 6669, 6697, 10080]);
const HOSTING_PORT = FETCH_BAD_PORTS.has(5000 + PORT_OFFSET) ? 5005 + PORT_OFFSET : 5000 + PORT_OFFSET;
const HOSTING_URL = `http://127.0.0.1:${HOSTING_PORT}`;
/** The tests' stand-in language model listens here (test/support/fake-openai-server.ts). */
const TEST_LLM_PORT = 18555 + PORT_OFFSET;
/** The Functions emulator treats an empty secret as missing and asks Secret Manager for it. */
const NO_OPENAI_KEY = "not-configured";
/** The params of functions/src/config.ts with their defaults: functions/.env, which deploys read too. */
function paramDefaults() {
  const lines = readFileSync(join(root, "functions", ".env"), "utf8").split("\n");
  return Object.fromEntries(lines.filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line)).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

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

const mode = process.argv[2];
if (!["start", "test", "bench"].includes(mode)) {
  console.error("usage: node scripts/emulators.mjs start|test|bench [extra args]");
  process.exit(2);
}
const PROJECT_ID = mode === "start" ? PROJECT_ID_BASE : `${PROJECT_ID_BASE}-${mode}${PORT_OFFSET ? `-${PORT_OFFSET}` : ""}`;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * Local credentials, generated once into .local and shared by every run of this checkout, so tokens
 * stay valid across restarts and runs side by side never disagree about them.
 */
function localSecrets() {
  const file = join(localDir, "dev-secrets.json");
  mkdirSync(localDir, { recursive: true });
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const secrets = {
    ADMIN_API_KEY: `local-admin-${randomBytes(18).toString("base64url")}`,
    JWT_SECRET_KEY: randomBytes(32).toString("base64url"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * What the functions see, written where the Functions emulator reads it (both files gitignored):
 * secrets to functions/.secret.local, the same for every run of this checkout; params to
 * functions/.env.<project>, and each mode and port offset runs its own project, so concurrent runs
 * never overwrite each other's settings.
 */
function functionsEnv() {
  const generated = localSecrets();
  const env = {
    ADMIN_API_KEY: process.env.ADMIN_API_KEY || generated.ADMIN_API_KEY,
    JWT_SECRET_KEY: process.env.JWT_SECRET_KEY || generated.JWT_SECRET_KEY,
    ADMIN_EMAIL: process.env.ADMIN_EMAIL ?? (mode === "start" ? "" : "admin@example.com"),
    OPENAI_API_KEY: process.env.OPENAI_API_KEY || process.env.OPENAI_API_KEY_FLASK_APP || "",
    OPENAI_BASE_URL: process.env.OPENAI_BASE_URL ?? "",
    OPENAI_MODEL: process.env.OPENAI_MODEL ?? "",
    EMBEDDING_MODEL: process.env.EMBEDDING_MODEL ?? "",
    EMBEDDING_BASE_URL: process.env.EMBEDDING_BASE_URL ?? "",
    EMBEDDING_DIMENSIONS: process.env.EMBEDDING_DIMENSIONS ?? "",
    AI_TOKEN_TTL_SECONDS: process.env.AI_TOKEN_TTL_SECONDS ?? "",
  };
  if (mode !== "start") {
    // Tests and benchmarks talk to their own stand-in model (it ignores the key), never to a real one.
    env.OPENAI_BASE_URL = `http://127.0.0.1:${TEST_LLM_PORT}/v1`;
    env.OPENAI_MODEL = "test-model";
    env.EMBEDDING_MODEL = "";
    env.EMBEDDING_BASE_URL = "";
    env.EMBEDDING_DIMENSIONS = "";
    env.TEST_LLM_PORT = String(TEST_LLM_PORT);
  }
  for (const key of Object.keys(env)) if (env[key] === "") delete env[key];
  const params = paramDefaults();
  for (const key of Object.keys(params)) if (env[key] !== undefined) params[key] = env[key];
  writeFileSync(
    join(root, "functions", `.env.${PROJECT_ID}`),
    "# Written by scripts/emulators.mjs on every run, from the environment: set variables there.\n" +
      Object.entries(params).map(([key, value]) => `${key}=${value}`).join("\n") + "\n",
  );
  // .env.local would override the file above for every project: an old one of ours goes.
  const envLocal = join(root, "functions", ".env.local");
  if (existsSync(envLocal) && readFileSync(envLocal, "utf8").startsWith("# Written by scripts/emulators.mjs")) rmSync(envLocal);
  writeFileSync(
    join(root, "functions", ".secret.local"),
    ["ADMIN_API_KEY", "JWT_SECRET_KEY"].map((key) => `${key}=${env[key]}`).join("\n") +
      `\nOPENAI_API_KEY=${env.OPENAI_API_KEY ?? NO_OPENAI_KEY}\n`,
    { mode: 0o600 },
  );
  return env;
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

function banner(env) {
  console.log(`
  AI Memory is running on the emulators (project ${PROJECT_ID}).
    API (Hosting, seed paths at the root)  ${HOSTING_URL}      e.g. ${HOSTING_URL}/v1/handshake
    API (Functions emulator)               http://127.0.0.1:${5001 + PORT_OFFSET}/${PROJECT_ID}/us-central1/api
    Firestore emulator                     127.0.0.1:${8080 + PORT_OFFSET}
    Auth emulator                          127.0.0.1:${9099 + PORT_OFFSET}
    Admin key (Authorization: Bearer ...)  ${env.ADMIN_API_KEY}
    Language model                         ${env.OPENAI_BASE_URL ?? "https://api.openai.com/v1"}${env.OPENAI_API_KEY ? "" : " (no OPENAI_API_KEY: chat answers 503)"}
  Try:  curl -s -X POST ${HOSTING_URL}/v1/handshake -H "Authorization: Bearer ${env.ADMIN_API_KEY}" -H "Content-Type: application/json" -d '{"ai_name":"Assistant"}'
  Data is kept in .emulator-data between runs. Ctrl+C stops (and saves).
`);
}

/** The admin console (console/), built into console/dist, which the Hosting emulator serves at the site root. */
function buildConsole() {
  run("npm", ["run", "--silent", "console:build"]);
}

/**
 * The console's local admin: an email/password user on the Auth emulator with a verified email and
 * the `admin: true` claim (what firestore.rules read). The password is generated once into .local;
 * every start sets it again, so the user matches it even with old emulator data.
 */
async function ensureConsoleAdmin() {
  const file = join(localDir, "console-admin.json");
  if (!existsSync(file)) {
    const created = { email: "admin@example.com", password: randomBytes(9).toString("base64url") };
    writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
  }
  const admin = JSON.parse(readFileSync(file, "utf8"));
  const accounts = `http://127.0.0.1:${9099 + PORT_OFFSET}/identitytoolkit.googleapis.com/v1/projects/${PROJECT_ID}/accounts`;
  const call = async (path, body) => {
    // "Bearer owner" is the Auth emulator's admin credential.
    const response = await fetch(`${accounts}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer owner" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error?.message ?? `Auth emulator answered ${response.status}`);
    return answer;
  };
  const found = await call(":lookup", { email: [admin.email] });
  const localId = found.users?.[0]?.localId ?? (await call("", { email: admin.email, password: admin.password })).localId;
  await call(":update", { localId, password: admin.password, emailVerified: true, customAttributes: JSON.stringify({ admin: true }) });
  return admin;
}

function consoleBanner(admin) {
  console.log(`  Admin console  ${HOSTING_URL}
    Sign in with   ${admin.email}  /  ${admin.password}   (a local user on the Auth emulator, with the admin claim)
`);
}

// No metadata-server probing: everything here is local.
const env = { ...process.env, METADATA_SERVER_DETECTION: "none", ...functionsEnv(), ...prepareFirestoreJava(localDir) };
run("npm", ["--prefix", "functions", "run", "--silent", "build"]);
buildConsole();
if (mode === "test") {
  // The suites and the client SDK are type-checked too: vitest itself only strips types.
  run(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"]);
  run(join(root, "node_modules", ".bin", "tsc"), ["-p", join("client", "tsconfig.json"), "--noEmit"]);
  // The unit tier needs no emulator: it runs first, and a failure stops here.
  run(join(root, "node_modules", ".bin", "vitest"), [
    "run", "--project", "unit", "--passWithNoTests", "--outputFile.json=.vitest-report-unit.json", ...process.argv.slice(3),
  ]);
}

/** firebase.json, or a copy of it with every emulator port shifted by PORT_OFFSET. */
function firebaseConfigArgs() {
  if (!PORT_OFFSET) return [];
  const config = JSON.parse(readFileSync(join(root, "firebase.json"), "utf8"));
  for (const emulator of Object.values(config.emulators)) {
    if (typeof emulator.port === "number") emulator.port += PORT_OFFSET;
    if (typeof emulator.websocketPort === "number") emulator.websocketPort += PORT_OFFSET;
  }
  config.emulators.hosting.port = HOSTING_PORT;
  // The copy sits beside firebase.json: firebase-tools resolves every path from the config's folder.
  const file = join(root, `.firebase.ports-${PORT_OFFSET}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return ["--config", file];
}

const only = "functions,firestore,auth,hosting";
const extra = process.argv.slice(3);
if (mode === "start") {
  const dataDir = join(root, ".emulator-data");
  const args = ["emulators:start", ...firebaseConfigArgs(), "--only", only, "--project", PROJECT_ID, "--export-on-exit", dataDir];
  if (existsSync(join(dataDir, "firebase-export-metadata.json"))) args.push("--import", dataDir);
  const child = spawn(firebaseBin, args, { cwd: root, env, stdio: "inherit" });
  waitForHealth(180_000).then(async (up) => {
    if (!up) return console.error("The API did not answer /healthz within 180 s.");
    banner(env);
    await ensureConsoleAdmin().then(consoleBanner, (error) => console.error(`Could not create the console's admin user: ${error.message}`));
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
} else {
  const inner = mode === "test"
    ? ["npx", "vitest", "run", "--project", "emulator", "--passWithNoTests", ...extra]
    : ["node", "bench/run.mjs", ...extra];
  const quoted = inner.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
  run(firebaseBin, ["emulators:exec", ...firebaseConfigArgs(), "--only", only, "--project", PROJECT_ID, quoted], {
    env: { ...env, AI_MEMORY_HOSTING_URL: HOSTING_URL, AI_MEMORY_PROJECT_ID: PROJECT_ID },
  });
}
