// `npm start`: the emulators with the data of earlier runs, quietly; once the API answers, one
// summary (URLs, admin key, console sign-in, models), also written to a file a shell can `source`.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { createInterface } from "node:readline";
import { ensureConsoleAdmin, ensureConsoleUser } from "./console-admin.mjs";
import { emulatorPort } from "./ports.mjs";
import { moveLegacyData } from "./stack.mjs";

/** Startup chatter that a newcomer need not read (it all stays in the stack's emulators.log). */
const NOISE = [
  /\/healthz/,
  /Beginning execution of|Finished "/,
  /Env variable override detected|Unable to fetch the CLI MOTD|Emulator UI is not starting/,
  /function initialized\.|Loaded functions definitions/,
  /^\s*[│┌└├─┼┤┬┴┘┐╔╚║═]/,
];
const WARNING = /^(⚠|!|Error)/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that starts a terminal colour
const ANSI = /\u001b\[[0-9;]*m/g;

async function answers(url) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** The function's own URL first: Hosting would log a 404 for every try before the function is loaded. */
async function waitForApi(stack, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (const url of [`${stack.functionsUrl}/healthz`, `${stack.hostingUrl}/healthz`]) {
    while (!(await answers(url))) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return true;
}

/** What the summary shows and the env file exports, by variable name. */
function summaryValues(stack, env, models, admin, user) {
  return {
    AI_MEMORY_URL: stack.hostingUrl,
    AI_MEMORY_FUNCTIONS_URL: stack.functionsUrl,
    AI_MEMORY_MCP_URL: `${stack.hostingUrl}/mcp`,
    AI_MEMORY_ADMIN_KEY: env.ADMIN_API_KEY,
    AI_MEMORY_PROJECT_ID: stack.projectId,
    AI_MEMORY_FIRESTORE_HOST: `127.0.0.1:${emulatorPort(8080, stack.offset)}`,
    AI_MEMORY_AUTH_HOST: `127.0.0.1:${emulatorPort(9099, stack.offset)}`,
    AI_MEMORY_CONSOLE_EMAIL: admin?.email ?? "",
    AI_MEMORY_CONSOLE_PASSWORD: admin?.password ?? "",
    AI_MEMORY_USER_EMAIL: user?.email ?? "",
    AI_MEMORY_USER_PASSWORD: user?.password ?? "",
    AI_MEMORY_CHAT_MODEL: models.chat,
    AI_MEMORY_EMBEDDING_MODEL: models.embedding,
  };
}

const quoted = (value) => `'${String(value).replaceAll("'", "'\\''")}'`;

function writeEnvFile(stack, values) {
  const lines = Object.entries(values).map(([name, value]) => `export ${name}=${quoted(value)}`);
  writeFileSync(
    stack.envFile,
    `# What \`npm start\` printed for project ${stack.projectId}; \`source\` it (the README's quickstart does).\n${lines.join("\n")}\n`,
    { mode: 0o600 },
  );
}

function printSummary(root, stack, values, models) {
  const envFile = relative(root, stack.envFile);
  console.log(`
  AI Memory is running on the emulators (project ${stack.projectId}, data in ${relative(root, stack.dataDir)}).
    API and admin console (Hosting)        ${values.AI_MEMORY_URL}
    API (the function's own URL)           ${values.AI_MEMORY_FUNCTIONS_URL}   (for streaming)
    MCP                                    ${values.AI_MEMORY_MCP_URL}
    Admin key (Authorization: Bearer ...)  ${values.AI_MEMORY_ADMIN_KEY}
    Console sign-in                        ${values.AI_MEMORY_CONSOLE_EMAIL}  /  ${values.AI_MEMORY_CONSOLE_PASSWORD}
    A user's sign-in (their own AIs)       ${values.AI_MEMORY_USER_EMAIL}  /  ${values.AI_MEMORY_USER_PASSWORD}
    Chat model                             ${models.chatLabel}
    Embedding model                        ${models.embeddingLabel}
  These are in ${envFile}:  source ${envFile}
  Ctrl+C stops (and saves the data). The emulators' full log: ${relative(root, stack.dir)}/emulators.log
`);
}

/** Starts the stack; `models` names the configured models (scripts/functions-env.mjs). */
export function startStack({ root, stack, env, models, firebase, only }) {
  moveLegacyData(root, stack);
  const args = ["emulators:start", "--config", stack.configFile, "--only", only, "--project", stack.projectId];
  args.push("--export-on-exit", stack.dataDir);
  if (existsSync(`${stack.dataDir}/firebase-export-metadata.json`)) args.push("--import", stack.dataDir);
  const child = spawn(firebase, args, { cwd: root, env, stdio: ["inherit", "pipe", "pipe"] });
  const log = createWriteStream(`${stack.dir}/emulators.log`);
  let phase = "starting";
  // firebase-tools' "All emulators ready" box and table: the summary says it all, and comes after them.
  let inTable = false;
  let tableDone;
  const emulatorsReady = new Promise((resolve) => (tableDone = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (raw) => {
      const line = raw.replace(ANSI, "");
      log.write(`${line}\n`);
      if (line.includes("All emulators ready")) inTable = true;
      if (inTable) {
        if (line.startsWith("Issues? Report them")) {
          inTable = false;
          tableDone();
        }
        return;
      }
      const quiet = !line.trim() || NOISE.some((noise) => noise.test(line));
      if (phase === "stopping" || (!quiet && (phase === "ready" || WARNING.test(line)))) console.log(raw);
    });
  }
  const apiUp = waitForApi(stack, 180_000);
  // Should a firebase-tools version print no table, the summary comes 20 s after the API answers.
  apiUp.then(() => setTimeout(tableDone, 20_000).unref());
  Promise.all([emulatorsReady, apiUp]).then(async ([, up]) => {
    if (!up) return console.error(`The API did not answer /healthz within 180 s: see ${stack.dir}/emulators.log`);
    const admin = await ensureConsoleAdmin(`${root}/.local`, emulatorPort(9099, stack.offset), stack.projectId).catch(
      (error) => console.error(`Could not create the console's admin user: ${error.message}`),
    );
    const user = await ensureConsoleUser(`${root}/.local`, emulatorPort(9099, stack.offset), stack.projectId).catch(
      (error) => console.error(`Could not create the console's second user: ${error.message}`),
    );
    const values = summaryValues(stack, env, models, admin, user);
    writeEnvFile(stack, values);
    printSummary(root, stack, values, models);
    phase = "ready";
  });
  for (const signal of ["SIGINT", "SIGTERM"])
    process.on(signal, () => {
      phase = "stopping";
      child.kill(signal);
    });
  child.on("exit", (code) => process.exit(code ?? 0));
}
