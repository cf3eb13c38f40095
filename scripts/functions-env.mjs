// What the functions see under the emulators: the params and secrets of functions/src/config.ts, from
// the environment, written where the Functions emulator reads them.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The Functions emulator treats an empty secret as missing and asks Secret Manager for it. */
const NO_OPENAI_KEY = "not-configured";

/** The params of functions/src/config.ts with their defaults: functions/.env, which deploys read too. */
function paramDefaults(root) {
  const lines = readFileSync(join(root, "functions", ".env"), "utf8").split("\n");
  return Object.fromEntries(
    lines
      .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/**
 * Local credentials, generated once into .local and shared by every run of this checkout, so tokens
 * stay valid across restarts and runs side by side never disagree about them.
 */
function localSecrets(localDir) {
  const file = join(localDir, "dev-secrets.json");
  mkdirSync(localDir, { recursive: true });
  const saved = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  // A checkout from before a secret existed gets it added.
  const secrets = {
    ADMIN_API_KEY: `local-admin-${randomBytes(18).toString("base64url")}`,
    JWT_SECRET_KEY: randomBytes(32).toString("base64url"),
    TOOL_SECRETS_KEY: randomBytes(32).toString("base64url"),
    ...saved,
  };
  if (Object.keys(secrets).length !== Object.keys(saved).length)
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * What the functions see, written where the Functions emulator reads it: the stack's own functions
 * folder (scripts/stack.mjs), secrets to .secret.local, params to .env.<project>. Each stack has its
 * own folder, so stacks side by side never overwrite each other's key or settings.
 */
export function functionsEnv({ root, mode, projectId, functionsDir, testModelPort }) {
  const generated = localSecrets(join(root, ".local"));
  const env = {
    ADMIN_API_KEY: process.env.ADMIN_API_KEY || generated.ADMIN_API_KEY,
    JWT_SECRET_KEY: process.env.JWT_SECRET_KEY || generated.JWT_SECRET_KEY,
    TOOL_SECRETS_KEY: process.env.TOOL_SECRETS_KEY || generated.TOOL_SECRETS_KEY,
    ADMIN_EMAIL: process.env.ADMIN_EMAIL ?? (mode === "start" ? "" : "admin@example.com"),
    // Locally anyone signed in may try the product (npm start prints a second user); deployed, admin_only.
    SIGNUP_POLICY: process.env.SIGNUP_POLICY ?? "open",
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
    env.OPENAI_BASE_URL = `http://127.0.0.1:${testModelPort}/v1`;
    env.OPENAI_MODEL = "test-model";
    env.EMBEDDING_MODEL = "";
    env.EMBEDDING_BASE_URL = "";
    env.EMBEDDING_DIMENSIONS = "";
    env.TEST_LLM_PORT = String(testModelPort);
  }
  for (const key of Object.keys(env)) if (env[key] === "") delete env[key];
  const params = paramDefaults(root);
  for (const key of Object.keys(params)) if (env[key] !== undefined) params[key] = env[key];
  writeFileSync(
    join(functionsDir, `.env.${projectId}`),
    "# Written by scripts/emulators.mjs on every run, from the environment: set variables there.\n" +
      Object.entries(params)
        .map(([key, value]) => `${key}=${value}`)
        .join("\n") +
      "\n",
  );
  writeFileSync(
    join(functionsDir, ".secret.local"),
    ["ADMIN_API_KEY", "JWT_SECRET_KEY", "TOOL_SECRETS_KEY"].map((key) => `${key}=${env[key]}`).join("\n") +
      `\nOPENAI_API_KEY=${env.OPENAI_API_KEY ?? NO_OPENAI_KEY}\n`,
    { mode: 0o600 },
  );
  return env;
}

/** The chat and embedding models the functions call, named for `npm start`'s summary. */
export function configuredModels(root, env) {
  const params = { ...paramDefaults(root), ...env };
  const base = params.OPENAI_BASE_URL;
  const chat = params.OPENAI_MODEL;
  const embedding = params.EMBEDDING_MODEL ?? "";
  return {
    chat,
    embedding,
    chatLabel: env.OPENAI_API_KEY
      ? `${chat} at ${base}${chat === "ai-memory-demo" ? " (the local demo model: no AI, it quotes the memory it is given)" : ""}`
      : `none (no OPENAI_API_KEY: chat answers 503; \`npm start -- --demo-model\` runs a local demo model)`,
    embeddingLabel: embedding
      ? `${embedding} at ${params.EMBEDDING_BASE_URL || base}`
      : "none (search by keywords; set EMBEDDING_MODEL for vector search)",
  };
}
