#!/usr/bin/env node
// The benchmarks' entry, run by `npm run bench` inside `firebase emulators:exec` (scripts/emulators.mjs).
// The peer (Mem0) and the TypeScript runner are the bench's own dependencies, kept out of the
// product: they are installed here from bench/package-lock.json when missing or out of date.
import { spawnSync } from "node:child_process";
import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const installed = join(benchDir, "node_modules", ".package-lock.json");
const lock = join(benchDir, "package-lock.json");

/**
 * The headers of the Node running here: Mem0's history store, better-sqlite3, is a native addon built
 * against them with no download. The runner's Node 22 (the `node` npm package) keeps them in its
 * platform package; a system Node under its prefix.
 */
function nodeHeadersDir() {
  const prefix = dirname(dirname(realpathSync(process.execPath)));
  const candidates = [join(prefix, "node_modules", `node-${process.platform}-${process.arch}`), prefix];
  return candidates.find((dir) => existsSync(join(dir, "include", "node", "common.gypi")));
}

const headers = nodeHeadersDir();
const npmEnv = headers ? { ...process.env, npm_config_nodedir: headers } : process.env;

function npm(args) {
  const result = spawnSync("npm", args, { cwd: benchDir, stdio: "inherit", env: npmEnv });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error("[bench] installing the bench's dependencies (npm ci in bench/)...");
  npm(["ci", "--no-audit", "--no-fund"]);
}
const sqliteLoads = () =>
  spawnSync(process.execPath, ["-e", "new (require('better-sqlite3'))(':memory:')"], { cwd: benchDir }).status === 0;
if (!sqliteLoads()) {
  console.error(`[bench] building better-sqlite3 for Node ${process.version} (about a minute)...`);
  npm(["rebuild", "better-sqlite3"]);
  // Built against other headers (no Node ${process.version} headers found, so node-gyp took the system's), it
  // does not load, and every section with Mem0 would fail: say so now.
  if (!sqliteLoads()) {
    console.error(
      `[bench] better-sqlite3 still does not load in Node ${process.version}: its headers were not found ` +
        `(${headers ?? "none"}). Install node-${process.platform}-${process.arch}@${process.version.slice(1)} ` +
        "and run `npm rebuild better-sqlite3` in bench/ with npm_config_nodedir set to it.",
    );
    process.exit(1);
  }
}

const tsx = join(benchDir, "node_modules", ".bin", "tsx");
const result = spawnSync(tsx, [join(benchDir, "src", "main.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
  // Mem0 reports usage to its analytics host unless told not to: benchmarks talk to 127.0.0.1 only.
  env: { ...process.env, MEM0_TELEMETRY: "false" },
});
process.exit(result.status ?? 1);
