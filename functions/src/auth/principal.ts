import { timingSafeEqual } from "node:crypto";
import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import type { AppConfig } from "../config";
import { AppError, notFound } from "../errors";
import { type AiRecord, registryRef } from "../memory/registry-service";
import type { UserRecord } from "../users/user-record";
import { admitUser } from "../users/user-service";
import { AI_TOKEN_ISSUER, peekIssuer, verifyAiToken } from "./ai-token";

/**
 * Who is calling: the administrator; a signed-in Firebase user the sign-up policy admits, who
 * reaches the AIs they own; or one AI holding its own ai_token, which reaches only itself.
 */
export type Principal =
  | { kind: "admin"; userId: string; via: "api_key" | "firebase" }
  | { kind: "user"; userId: string; user: UserRecord }
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
  return firebasePrincipal(credential, deps);
}

async function aiPrincipal(token: string, deps: AuthDeps): Promise<Principal> {
  const claims = verifyAiToken(deps.config.jwtSecret, token);
  const snapshot = await registryRef(deps.db, claims.sub).get();
  const ai = snapshot.data();
  if (ai?.status !== "active") throw unauthenticated("the ai_token's AI no longer exists or is disabled");
  if (ai.token_version !== claims.tv) throw unauthenticated("the ai_token has been revoked: handshake again");
  return { kind: "ai", aiUuid: ai.ai_uuid, userId: `ai:${ai.ai_uuid}`, ai };
}

async function firebasePrincipal(idToken: string, deps: AuthDeps): Promise<Principal> {
  let decoded: Awaited<ReturnType<AuthDeps["auth"]["verifyIdToken"]>>;
  try {
    decoded = await deps.auth.verifyIdToken(idToken);
  } catch {
    throw unauthenticated("the bearer credential is not valid");
  }
  // An AI's own Firebase user (its custom token's) reads through the rules; the API takes its ai_token.
  if (decoded.ai_uuid !== undefined) throw new AppError("permission_denied", "an AI calls the API with its ai_token");
  const adminEmail = deps.config.adminEmail;
  const emailIsAdmin = Boolean(adminEmail && decoded.email_verified && decoded.email?.toLowerCase() === adminEmail);
  if (emailIsAdmin || decoded.admin === true) return { kind: "admin", userId: decoded.uid, via: "firebase" };
  const user = await admitUser(deps.db, deps.config.signupPolicy, {
    uid: decoded.uid,
    email: decoded.email ?? null,
    emailVerified: decoded.email_verified === true,
  });
  return { kind: "user", userId: decoded.uid, user };
}

/** The owner of an AI: a user's uid, or null for the administrator's (and every AI made before users). */
export const ownerOf = (ai: Pick<AiRecord, "owner_uid">): string | null => ai.owner_uid ?? null;

const notYours = () => new AppError("permission_denied", "this AI does not exist or is not yours");

/**
 * The AI a request is about, after the permission check: the admin reaches every AI, a user the
 * AIs they own, an AI itself. A user gets the same 403 for another user's AI as for one that does
 * not exist, so nothing reveals which AIs exist. An AI's own record was read when it authenticated.
 */
export async function reachableAi(db: Firestore, principal: Principal, aiUuid: string): Promise<AiRecord> {
  if (principal.kind === "ai") {
    if (principal.aiUuid !== aiUuid) throw new AppError("permission_denied", "this ai_token belongs to another AI");
    return principal.ai;
  }
  const ai = (await registryRef(db, aiUuid).get()).data();
  if (principal.kind === "user" && (!ai || ownerOf(ai) !== principal.userId)) throw notYours();
  if (!ai) throw notFound(`AI ${aiUuid}`);
  return ai;
}

export function assertAdmin(principal: Principal): void {
  if (principal.kind !== "admin") throw new AppError("permission_denied", "only the administrator may do this");
}

/** A person (the admin or a user), not an AI's token: creating and deleting AIs. */
export function assertPerson(principal: Principal): asserts principal is Exclude<Principal, { kind: "ai" }> {
  if (principal.kind === "ai") throw new AppError("permission_denied", "an ai_token cannot do this");
}
