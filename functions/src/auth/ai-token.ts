import jwt from "jsonwebtoken";
import { z } from "zod";
import { AppError } from "../errors";
import { aiUuidSchema } from "../ids";
import { type Scope, scopeSchema } from "./scopes";

export const AI_TOKEN_ISSUER = "ai-memory";
export const AI_TOKEN_AUDIENCE = "ai-memory-api";

export interface AiTokenClaims {
  sub: string;
  tv: number;
  /** A scoped token's scopes; absent on a full token (the handshake's). */
  scp?: Scope[];
}

const unauthenticated = (message: string) => new AppError("unauthenticated", message);

export function signAiToken(
  secret: string,
  aiUuid: string,
  tokenVersion: number,
  ttlSeconds: number,
  scopes?: Scope[],
): { token: string; expiresAt: Date } {
  if (!secret) throw new AppError("unavailable", "JWT_SECRET_KEY is not set: the server cannot issue AI tokens");
  const token = jwt.sign({ tv: tokenVersion, ...(scopes ? { scp: scopes } : {}) }, secret, {
    algorithm: "HS256",
    issuer: AI_TOKEN_ISSUER,
    audience: AI_TOKEN_AUDIENCE,
    subject: aiUuid,
    expiresIn: ttlSeconds,
  });
  const { exp } = jwt.decode(token) as { exp: number };
  return { token, expiresAt: new Date(exp * 1000) };
}

/** Verifies signature (HS256 only), issuer, audience and expiry. Revocation is checked by the caller. */
export function verifyAiToken(secret: string, token: string): AiTokenClaims {
  if (!secret) throw new AppError("unavailable", "JWT_SECRET_KEY is not set: the server cannot verify AI tokens");
  let payload: jwt.JwtPayload | string;
  try {
    payload = jwt.verify(token, secret, {
      algorithms: ["HS256"],
      issuer: AI_TOKEN_ISSUER,
      audience: AI_TOKEN_AUDIENCE,
    });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw unauthenticated("the ai_token has expired: handshake again");
    throw unauthenticated("the ai_token is invalid");
  }
  // A token signed with the right secret is still checked field by field: its sub names a document.
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthenticated("the ai_token is invalid");
  return claims.data;
}

const claimsSchema = z.object({
  sub: aiUuidSchema,
  tv: z.number().int().positive(),
  scp: z.array(scopeSchema).optional(),
});

/** The issuer of an unverified JWT, to route it to the right verifier. */
export function peekIssuer(token: string): string | null {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === "string") return null;
  return decoded.payload.iss ?? null;
}
