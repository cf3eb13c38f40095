#!/usr/bin/env node
// `npm run reindex`: builds the search index of every AI (or one) from its memories, and moves what
// earlier versions kept in memory documents (terms, embeddings) to where it lives now. Safe to run
// twice and while the API is serving. It uses the built functions (functions/lib).
//
//   npm run reindex -- --project <your-project-id> [--ai <ai_uuid>]   real Firestore, Application Default Credentials
//   npm run reindex -- --emulator [--ai <ai_uuid>]                    the local emulator of `npm start`
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { emulatorPort, portOffset } from "./ports.mjs";
import { stackOf } from "./stack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function options() {
  const { values } = parseArgs({
    options: { project: { type: "string" }, ai: { type: "string" }, emulator: { type: "boolean", default: false } },
  });
  if (!values.project && !values.emulator) {
    console.error(
      "usage: npm run reindex -- --project <project-id> [--ai <ai_uuid>]   or   npm run reindex -- --emulator [--ai <ai_uuid>]",
    );
    process.exit(2);
  }
  return values;
}

async function main() {
  const { project, ai, emulator } = options();
  if (emulator) {
    process.env.FIRESTORE_EMULATOR_HOST ??= `127.0.0.1:${emulatorPort(8080)}`;
  }
  const build = spawnSync("npm", ["--prefix", join(root, "functions"), "run", "--silent", "build"], {
    stdio: "inherit",
  });
  if (build.status !== 0) process.exit(build.status ?? 1);

  const require = createRequire(join(root, "functions", "package.json"));
  const { initializeApp } = require("firebase-admin/app");
  const { getFirestore } = require("firebase-admin/firestore");
  const { reindexAi, reindexAll } = require("./lib/search/reindex-service.js");
  const db = getFirestore(initializeApp({ projectId: project ?? stackOf(root, "start", portOffset()).projectId }));
  const print = (report) => console.log(JSON.stringify(report));
  if (ai) print(await reindexAi(db, ai));
  else console.log(`${(await reindexAll(db, print)).length} AIs reindexed`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
