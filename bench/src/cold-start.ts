/**
 * Cold start, as the time a fresh Node process spends loading the functions entry
 * module (and, for the first request, the API handler it loads lazily), beside a bare
 * firebase-functions + firebase-admin import. Each load is timed inside its own process.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, type Results } from "./stats";

const FUNCTIONS_DIR = fileURLToPath(new URL("../../functions/", import.meta.url));
const RUNS = 8;

function loadTime(modules: string[]): number {
  const script = [
    "const start = process.hrtime.bigint();",
    ...modules.map((module) => `require(${JSON.stringify(module)});`),
    "process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));",
  ].join("\n");
  // Run from functions/ so both sides resolve the same installed SDKs; a timer would keep the process alive.
  const result = spawnSync(process.execPath, ["-e", `${script}\nprocess.exit(0);`], {
    cwd: FUNCTIONS_DIR,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`cold start probe failed: ${result.stderr}`);
  return Number(result.stdout);
}

function medianLoad(modules: string[]): number {
  loadTime(modules); // warms the OS file cache, as any deployed instance image has
  return median(Array.from({ length: RUNS }, () => loadTime(modules)));
}

export function benchColdStart(results: Results): void {
  const entry = join(FUNCTIONS_DIR, "lib", "index.js");
  const handler = join(FUNCTIONS_DIR, "lib", "http", "api-handler.js");
  const bare = ["firebase-functions/v2/https", "firebase-admin/app", "firebase-admin/firestore", "firebase-admin/auth"];
  const barePeer = {
    name: "bare firebase-functions v2 + firebase-admin (app, firestore, auth) require",
    value: medianLoad(bare),
  };
  results.add(
    "cold_start_entry_module_load_ms",
    medianLoad([entry]),
    "ms (median of 8 fresh processes)",
    barePeer,
    "functions/lib/index.js; the API loads lazily on the first request",
  );
  results.add(
    "cold_start_entry_plus_api_handler_load_ms",
    medianLoad([entry, handler]),
    "ms (median of 8 fresh processes)",
    barePeer,
    "index.js + http/api-handler.js: everything the first request loads",
  );
}
