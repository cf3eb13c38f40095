#!/usr/bin/env node
// The checks `firebase deploy` makes before it talks to Google, run offline with firebase-tools' own
// code (`npm run deploy:check`, and a test in `npm test`):
//   firebase.json   the CLI's JSON schema (the CLI only logs its complaints; here they fail), and its
//                   Hosting validation
//   functions       the manifest loaded as deploy loads it (the SDK's admin server serves functions.yaml),
//                   every param resolved non-interactively from functions/.env, the endpoints validated
//   indexes         firestore.indexes.json through the CLI's index and field-override validation
// Not offline, so not here: Secret Manager (the secrets must exist: README, Deploy), the deployed
// indexes and rules compilation (the Firestore emulator compiles firestore.rules in every test run).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const cli = (path) => require(`firebase-tools/lib/${path}`);

/** A project id for the checks: deploy reads functions/.env and .env.<project>; this one has none. */
const CHECK_PROJECT = "deploy-check";

function checkFirebaseJson() {
  const data = JSON.parse(readFileSync(join(root, "firebase.json"), "utf8"));
  const validator = cli("firebaseConfigValidate").getValidator();
  if (!validator(data)) throw new Error(validator.errors.map((e) => cli("firebaseConfigValidate").getErrorMessage(e)).join("\n"));
  const hosting = [data.hosting].flat();
  cli("hosting/config").validate(hosting, { cwd: root, projectRoot: root });
  return data;
}

async function checkFunctions(firebaseJson) {
  // The SDK version notice asks the npm registry; offline, npm then answers at once instead of in 10 s.
  process.env.npm_config_offline = "true";
  const { Config } = cli("config");
  const options = { cwd: root, projectRoot: root, project: CHECK_PROJECT, projectId: CHECK_PROJECT, nonInteractive: true };
  options.config = new Config(firebaseJson, options);
  const codebases = cli("functions/projectConfig").normalizeAndValidate(firebaseJson.functions);
  const firebaseConfig = { projectId: CHECK_PROJECT };
  const builds = await cli("deploy/functions/prepare").loadCodebases(codebases, options, firebaseConfig, { firebase: firebaseConfig });
  const build = cli("deploy/functions/build");
  const backendLib = cli("deploy/functions/backend");
  const validate = cli("deploy/functions/validate");
  const endpoints = [];
  for (const [codebase, wantBuild] of Object.entries(builds)) {
    const source = join(root, cli("functions/projectConfig").configForCodebase(codebases, codebase).source);
    const userEnvs = cli("functions/env").loadUserEnvs({ functionsSource: source, projectId: CHECK_PROJECT, projectDir: root });
    // nonInteractive: a param without a value in functions/.env fails here as it fails `firebase deploy`.
    // isEmulator only skips the Secret Manager lookups, which need the network.
    const { backend } = await build.resolveBackend({ build: wantBuild, firebaseConfig, userEnvs, codebase, nonInteractive: true, isEmulator: true });
    cli("deploy/functions/prepare").resolveCpuAndConcurrency(backend);
    validate.endpointsAreValid(backend);
    endpoints.push(...backendLib.allEndpoints(backend));
  }
  return endpoints;
}

function checkIndexes(firebaseJson) {
  const spec = JSON.parse(readFileSync(join(root, firebaseJson.firestore.indexes), "utf8"));
  const { FirestoreApi } = cli("firestore/api");
  const api = new FirestoreApi();
  api.validateSpec(api.upgradeOldSpec(spec));
  return spec;
}

/** Ours, not the CLI's: a Hosting rewrite to a function names the region the function deploys to. */
function checkRewriteRegions(firebaseJson, endpoints) {
  for (const rewrite of [firebaseJson.hosting].flat().flatMap((site) => site.rewrites ?? [])) {
    if (!rewrite.function) continue;
    const id = typeof rewrite.function === "string" ? rewrite.function : rewrite.function.functionId;
    const region = (typeof rewrite.function === "string" ? rewrite.region : rewrite.function.region) ?? "us-central1";
    const endpoint = endpoints.find((each) => each.id === id);
    if (!endpoint) throw new Error(`firebase.json rewrites ${rewrite.source} to ${id}, which the functions do not export`);
    if (endpoint.region !== region) throw new Error(`firebase.json rewrites ${rewrite.source} to ${id} in ${region}, but it deploys to ${endpoint.region}`);
  }
}

/** Runs every check; throws on the first failure. */
export async function deployChecks() {
  const firebaseJson = checkFirebaseJson();
  const endpoints = await checkFunctions(firebaseJson);
  checkRewriteRegions(firebaseJson, endpoints);
  const indexes = checkIndexes(firebaseJson);
  return { endpoints, indexes };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { endpoints, indexes } = await deployChecks();
  if (process.argv.includes("--json")) {
    const summary = endpoints.map(({ id, region, platform, minInstances, maxInstances, concurrency, eventTrigger }) =>
      ({ id, region, platform, minInstances, maxInstances, concurrency, retry: eventTrigger?.retry }));
    console.log(JSON.stringify({ endpoints: summary, indexes: indexes.indexes.length, fieldOverrides: indexes.fieldOverrides?.length ?? 0 }));
  } else {
    console.log(`deploy checks passed: firebase.json, ${endpoints.length} functions (${endpoints.map((e) => `${e.id}@${e.region}`).join(", ")}), ${indexes.indexes.length} indexes, ${indexes.fieldOverrides?.length ?? 0} field overrides`);
  }
  // The CLI's discovery leaves a 10 s timer behind (its load timeout); the checks are done.
  process.exit(0);
}
