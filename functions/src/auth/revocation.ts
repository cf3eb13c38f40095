import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import { revokeAiTokens } from "../memory/registry-service";
import { aiFirebaseUid } from "./handshake-service";

/**
 * Ends every credential an AI holds, everywhere it reaches: its ai_tokens (the API compares their
 * token version with the registry's), its Firebase custom tokens and the ID tokens minted from them
 * (firestore.rules compares the `tv` claim with the same version), and its Firebase refresh tokens,
 * so no new ID token is minted. An ID token already held still signs requests for up to its hour,
 * but the rules refuse it from the moment the version moves.
 */
export async function revokeAiAccess(deps: { db: Firestore; auth: Auth }, aiUuid: string): Promise<number> {
  const tokenVersion = await revokeAiTokens(deps.db, aiUuid);
  try {
    await deps.auth.revokeRefreshTokens(aiFirebaseUid(aiUuid));
  } catch (error) {
    // An AI whose custom token was never used has no Firebase user, hence nothing to revoke.
    if ((error as { code?: string }).code !== "auth/user-not-found") throw error;
  }
  return tokenVersion;
}
