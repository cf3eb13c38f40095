#!/usr/bin/env node
// The benchmarks' entry, run by `npm run bench` inside `firebase emulators:exec` (scripts/emulators.mjs).
// The peers (Mem0, LangGraph) and the TypeScript runner are the bench's own dependencies, kept out of
// the product: they are installed here from bench/package-lock.json when missing or out of date.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const installed = join(benchDir, "node_modules", ".package-lock.json");
const lock = join(benchDir, "package-lock.json");

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error("[bench] installing the bench's dependencies (npm ci in bench/)...");
  const install = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: benchDir, stdio: "inherit" });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const tsx = join(benchDir, "node_modules", ".bin", "tsx");
const result = spawnSync(tsx, [join(benchDir, "src", "main.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
  // Mem0 reports usage to its analytics host unless told not to: benchmarks talk to 127.0.0.1 only.
  env: { ...process.env, MEM0_TELEMETRY: "false" },
});
process.exit(result.status ?? 1);
