import { defineInt, defineSecret, defineString } from "firebase-functions/params";
import { type SignupPolicy, signupPolicySchema, SIGNUP_POLICIES } from "./users/signup-policy";

/**
 * Every parameter and secret of the backend, declared once. Values are read with `.value()` only
 * inside handlers (see `readAppConfig`), never at module load.
 */
export const ADMIN_API_KEY = defineSecret("ADMIN_API_KEY");
export const JWT_SECRET_KEY = defineSecret("JWT_SECRET_KEY");
/** The language model's key. `OPENAI_API_KEY_FLASK_APP`, the seed's name, is accepted as an alias. */
export const OPENAI_API_KEY = defineSecret("OPENAI_API_KEY");
/** Seals the secrets of AIs' custom tools (headers' `{{secret:NAME}}`) in Firestore. */
export const TOOL_SECRETS_KEY = defineSecret("TOOL_SECRETS_KEY");

export const ADMIN_EMAIL = defineString("ADMIN_EMAIL", {
  default: "",
  description: "Email of the administrator: a Firebase ID token with this verified email is admin",
});
export const SIGNUP_POLICY = defineString("SIGNUP_POLICY", {
  default: "admin_only",
  description:
    "Who besides the administrator may use the API with a Firebase ID token: admin_only, allowlist (emails or @domains the admin lists) or open (any verified email, or a user without one, e.g. anonymous)",
  input: { select: { options: SIGNUP_POLICIES.map((value) => ({ value })) } },
});
export const OPENAI_BASE_URL = defineString("OPENAI_BASE_URL", {
  default: "https://api.openai.com/v1",
  description: "Base URL of any OpenAI-compatible chat completions server",
});
export const OPENAI_MODEL = defineString("OPENAI_MODEL", {
  default: "gpt-4o-mini",
  description: "Model used when neither the request nor the AI's settings name one",
});
export const EMBEDDING_MODEL = defineString("EMBEDDING_MODEL", {
  default: "",
  description: "Embedding model; empty turns vector search off (keyword retrieval only)",
});
export const EMBEDDING_BASE_URL = defineString("EMBEDDING_BASE_URL", {
  default: "",
  description: "Base URL of an OpenAI-compatible embeddings server; empty means OPENAI_BASE_URL",
});
export const EMBEDDING_DIMENSIONS = defineInt("EMBEDDING_DIMENSIONS", {
  default: 1536,
  description: "Dimensions of the embedding vectors (must match the vector index)",
});
export const AI_TOKEN_TTL_SECONDS = defineInt("AI_TOKEN_TTL_SECONDS", {
  default: 86400,
  description: "Lifetime of an AI's ai_token",
});

/** Where the functions run: firebase.json's Hosting rewrite names the same region (it cannot read a param). */
export const FUNCTIONS_REGION = defineString("FUNCTIONS_REGION", {
  default: "us-central1",
  description:
    "Region of every function; keep it the Hosting rewrite's region and near the Firestore database's location",
});
export const MAX_INSTANCES = defineInt("MAX_INSTANCES", {
  default: 10,
  description: "At most this many instances of each function, a cost guard (rate limits hold per instance)",
});
export const API_MIN_INSTANCES = defineInt("API_MIN_INSTANCES", {
  default: 0,
  description: "Instances of the api function kept warm, billed while idle; 0 scales to zero",
});

export const SECRETS = [ADMIN_API_KEY, JWT_SECRET_KEY, OPENAI_API_KEY, TOOL_SECRETS_KEY];

/** What the model clients are built from: the triggers need this part only. */
export interface ModelConfig {
  openai: { apiKey: string; baseUrl: string; model: string };
  embedding: { model: string; baseUrl: string; dimensions: number };
}

/** The configuration services receive: plain values, so tests can build one by hand. */
export interface AppConfig extends ModelConfig {
  adminApiKey: string;
  adminEmail: string;
  signupPolicy: SignupPolicy;
  jwtSecret: string;
  aiTokenTtlSeconds: number;
  /** Custom tools: the key their secrets are sealed with, and whether loopback URLs are allowed. */
  tools: { secretsKey: string; allowLoopback: boolean };
}

/** What the emulator runner writes for a secret left unset: the emulator treats "" as missing. */
const UNSET_SECRET = "not-configured";

const secretValue = (secret: { value(): string }, ...aliases: string[]): string => {
  let value = "";
  try {
    value = secret.value();
  } catch {
    value = "";
  }
  if (value === UNSET_SECRET) value = "";
  for (const alias of aliases) value ||= process.env[alias] ?? "";
  return value;
};

/** Reads every parameter. Call inside a request, never at module load. */
export function readAppConfig(): AppConfig {
  return {
    adminApiKey: secretValue(ADMIN_API_KEY),
    adminEmail: ADMIN_EMAIL.value().trim().toLowerCase(),
    signupPolicy: signupPolicySchema.parse(SIGNUP_POLICY.value()),
    jwtSecret: secretValue(JWT_SECRET_KEY),
    aiTokenTtlSeconds: AI_TOKEN_TTL_SECONDS.value(),
    // The Functions emulator sets FUNCTIONS_EMULATOR; a deployed function never has it.
    tools: { secretsKey: secretValue(TOOL_SECRETS_KEY), allowLoopback: process.env.FUNCTIONS_EMULATOR === "true" },
    ...readModelConfig(),
  };
}

/** The model params and OPENAI_API_KEY only: the one secret bound to the triggers. */
export function readModelConfig(): ModelConfig {
  const baseUrl = OPENAI_BASE_URL.value();
  return {
    openai: {
      apiKey: secretValue(OPENAI_API_KEY, "OPENAI_API_KEY_FLASK_APP"),
      baseUrl,
      model: OPENAI_MODEL.value(),
    },
    embedding: {
      model: EMBEDDING_MODEL.value(),
      baseUrl: EMBEDDING_BASE_URL.value() || baseUrl,
      dimensions: EMBEDDING_DIMENSIONS.value(),
    },
  };
}
