import { timingSafeEqual } from "node:crypto";
import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import type { AppConfig } from "../config";
import { AppError } from "../errors";
import { type AiRecord, registryRef } from "../memory/registry-service";
import { AI_TOKEN_ISSUER, peekIssuer, verifyAiToken } from "./ai-token";

/** Who is calling: the administrator, or one AI holding its own ai_token. */
export type Principal =
  | { kind: "admin"; userId: string; via: "api_key" | "firebase" }
  | { kind: "ai"; aiUuid: string; userId: string; ai: AiRecord };

export interface AuthDeps {
  db: Firestore;
  auth: Auth;
  config: AppConfig;
}

const unauthenticated = (message: string) => new AppError("unauthenticated", message);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearerOf(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) throw unauthenticated("Authorization: expected 'Bearer <admin key, ai_token or Firebase ID token>'");
  return match[1];
}

/** Verifies a bearer credential once; 401 for anything missing, forged, expired or revoked. */
export async function resolvePrincipal(credential: string, deps: AuthDeps): Promise<Principal> {
  const { config } = deps;
  if (config.adminApiKey && sameSecret(credential, config.adminApiKey)) {
    return { kind: "admin", userId: "admin", via: "api_key" };
  }
  const issuer = peekIssuer(credential);
  if (issuer === null) throw unauthenticated("the bearer credential is not valid");
  if (issuer === AI_TOKEN_ISSUER) return aiPrincipal(credential, deps);
  return firebaseAdmin(credential, deps);
}

async function aiPrincipal(token: string, deps: AuthDeps): Promise<Principal> {
  const claims = verifyAiToken(deps.config.jwtSecret, token);
  const snapshot = await registryRef(deps.db, claims.sub).get();
  const ai = snapshot.data();
  if (ai?.status !== "active") throw unauthenticated("the ai_token's AI no longer exists or is disabled");
  if (ai.token_version !== claims.tv) throw unauthenticated("the ai_token has been revoked: handshake again");
  return { kind: "ai", aiUuid: ai.ai_uuid, userId: `ai:${ai.ai_uuid}`, ai };
}

async function firebaseAdmin(idToken: string, deps: AuthDeps): Promise<Principal> {
  let decoded: Awaited<ReturnType<AuthDeps["auth"]["verifyIdToken"]>>;
  try {
    decoded = await deps.auth.verifyIdToken(idToken);
  } catch {
    throw unauthenticated("the bearer credential is not valid");
  }
  const adminEmail = deps.config.adminEmail;
  const emailIsAdmin = Boolean(adminEmail && decoded.email_verified && decoded.email?.toLowerCase() === adminEmail);
  if (emailIsAdmin || decoded.admin === true) return { kind: "admin", userId: decoded.uid, via: "firebase" };
  throw new AppError("permission_denied", "this Firebase user is not the administrator");
}

/** An AI reaches only itself; the admin reaches every AI. */
export function assertCanAccessAi(principal: Principal, aiUuid: string): void {
  if (principal.kind === "ai" && principal.aiUuid !== aiUuid) {
    throw new AppError("permission_denied", "this ai_token belongs to another AI");
  }
}

export function assertAdmin(principal: Principal): void {
  if (principal.kind !== "admin") throw new AppError("permission_denied", "only the administrator may do this");
}
