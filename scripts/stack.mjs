// One local stack: the emulators that `npm start`, `npm test` or `npm run bench` run at one port offset.
// Each has its own project id (so its own firebase-tools hub locator), data folder, config copy and
// functions folder (so its own secrets file): two stacks side by side never share any of them.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { emulatorPort } from "./ports.mjs";

const PROJECT_ID_BASE = "demo-ai-memory";
/** What a stack's functions folder shares with functions/: the built code, its dependencies, the param defaults. */
const SHARED_FUNCTION_FILES = ["package.json", "lib", "node_modules", ".env"];

/**
 * `npm start` at offset 0 keeps the project id (and data folder) of earlier versions, demo-ai-memory;
 * every other offset and mode has its own, e.g. demo-ai-memory-20000, demo-ai-memory-test-21000.
 * AI_MEMORY_STACK names a stack apart from the usual one at its offset (the runner's own tests do).
 */
export function stackOf(root, mode, offset, name = process.env.AI_MEMORY_STACK ?? "") {
  const parts = [name, mode === "start" ? "" : mode, offset ? String(offset) : ""];
  const suffix = parts.filter(Boolean).join("-");
  const projectId = suffix ? `${PROJECT_ID_BASE}-${suffix}` : PROJECT_ID_BASE;
  const dir = join(root, ".local", "stacks", projectId);
  return {
    mode,
    offset,
    projectId,
    dir,
    functionsDir: join(dir, "functions"),
    dataDir: join(root, ".emulator-data", projectId),
    configFile: join(root, `.firebase.${projectId}.json`),
    /** What `npm start` printed, for `source` (the quickstart's commands read it): one stack runs at an offset. */
    envFile: join(root, ".local", `stack-${offset}.env`),
    hostingUrl: `http://127.0.0.1:${emulatorPort(5000, offset)}`,
    functionsUrl: `http://127.0.0.1:${emulatorPort(5001, offset)}/${projectId}/us-central1/api`,
  };
}

/**
 * The stack's functions folder: links to functions/'s built code and dependencies, beside files of
 * its own (.secret.local, .env.<project>), which the Functions emulator reads from the functions folder.
 */
export function prepareFunctionsDir(root, stack) {
  mkdirSync(stack.functionsDir, { recursive: true });
  for (const name of SHARED_FUNCTION_FILES) {
    const link = join(stack.functionsDir, name);
    if (existsSync(link) || isLink(link)) continue;
    symlinkSync(relative(stack.functionsDir, join(root, "functions", name)), link);
  }
}

const isLink = (path) => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};

/** Data an earlier version exported straight into .emulator-data (offset 0's project) moves into its folder. */
export function moveLegacyData(root, stack) {
  const legacy = join(root, ".emulator-data");
  if (stack.projectId !== PROJECT_ID_BASE || !existsSync(join(legacy, "firebase-export-metadata.json"))) return;
  mkdirSync(stack.dataDir, { recursive: true });
  for (const name of readdirSync(legacy))
    if (name !== PROJECT_ID_BASE) renameSync(join(legacy, name), join(stack.dataDir, name));
}

/** firebase.json with the stack's ports and functions folder, beside it (firebase-tools resolves paths from there). */
export function stackConfig(root, stack) {
  const config = JSON.parse(readFileSync(join(root, "firebase.json"), "utf8"));
  for (const emulator of Object.values(config.emulators)) {
    if (typeof emulator.port === "number") emulator.port = emulatorPort(emulator.port, stack.offset);
    if (typeof emulator.websocketPort === "number")
      emulator.websocketPort = emulatorPort(emulator.websocketPort, stack.offset);
  }
  config.functions[0].source = relative(root, stack.functionsDir);
  return config;
}
