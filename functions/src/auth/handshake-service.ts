import type { Auth } from "firebase-admin/auth";
import { type Firestore, Timestamp, type Transaction } from "firebase-admin/firestore";
import type { AppConfig } from "../config";
import { AppError } from "../errors";
import type { UserRecord } from "../users/user-record";
import { limitsOf, userRef } from "../users/user-record";
import { newSession, recentUnusedSession, toSessionView } from "../chat/session-service";
import { type AiRecord, databasePaths, newAiRecord, registryCollection, registryRef } from "../memory/registry-service";
import { signAiToken } from "./ai-token";

export interface HandshakeDeps {
  db: Firestore;
  auth: Auth;
  config: AppConfig;
}

/** The Firebase Auth uid of an AI: its custom token signs the client SDK in as this user. */
export const aiFirebaseUid = (aiUuid: string): string => `ai-${aiUuid}`;

export type HandshakeInput =
  | { create: { name: string; ownerId: string; owner: UserRecord | null }; sessionName?: string }
  | { resume: AiRecord; sessionName?: string };

/**
 * Everything a new or resumed AI needs: its identity, a session, tokens and paths. Tokens
 * are made before anything is written, and the AI and its session are written in one batch, so a
 * failed handshake leaves nothing behind.
 */
export async function handshake(deps: HandshakeDeps, input: HandshakeInput) {
  const created = "create" in input;
  const ai = created ? newAi(input.create) : input.resume;
  // `tv` is the token version: firestore.rules refuse the token once the registry's version moves on.
  const firebaseCustomToken = await deps.auth.createCustomToken(aiFirebaseUid(ai.ai_uuid), {
    ai_uuid: ai.ai_uuid,
    tv: ai.token_version,
  });
  const aiToken = signAiToken(deps.config.jwtSecret, ai.ai_uuid, ai.token_version, deps.config.aiTokenTtlSeconds);
  // A resume without a session name takes back a recent session that was never used: no empty one per call.
  const unused = created || input.sessionName ? null : await recentUnusedSession(deps.db, ai.ai_uuid);
  const { ref: sessionRef, session } =
    unused ?? newSession(deps.db, { aiUuid: ai.ai_uuid, userId: ai.owner_id, name: input.sessionName });
  await deps.db.runTransaction(async (transaction) => {
    if (created && input.create.owner) await assertBelowAiLimit(deps.db, transaction, input.create.owner);
    // create(), not set(): a UUID collision must fail rather than overwrite an AI.
    if (created) transaction.create(registryRef(deps.db, ai.ai_uuid), ai);
    if (!unused) transaction.create(sessionRef, session);
  });
  return {
    created,
    body: {
      ai_uuid: ai.ai_uuid,
      ai_name: ai.name,
      created_at: ai.created_at.toDate().toISOString(),
      status: ai.status,
      session: toSessionView(session),
      tokens: {
        ai_token: aiToken.token,
        token_type: "Bearer",
        expires_at: aiToken.expiresAt.toISOString(),
        firebase_custom_token: firebaseCustomToken,
      },
      database_paths: databasePaths(ai.ai_uuid),
    },
  };
}

/** A new AI; a user's is held to the user's memories_per_ai, which only the administrator changes. */
function newAi(create: { name: string; ownerId: string; owner: UserRecord | null }): AiRecord {
  const ai = newAiRecord(create.name, { ownerId: create.ownerId, ownerUid: create.owner?.uid ?? null });
  if (create.owner) ai.settings.max_memories = limitsOf(create.owner).memories_per_ai;
  return ai;
}

/**
 * A 429 when the user owns their limit of AIs already. The transaction reads the user's record and
 * writes it, so concurrent creations by one user take turns and each counts the others' AIs.
 */
async function assertBelowAiLimit(db: Firestore, transaction: Transaction, owner: UserRecord): Promise<void> {
  const ref = userRef(db, owner.uid);
  const user = (await transaction.get(ref)).data();
  if (user?.status !== "active") throw new AppError("permission_denied", "this user may not create AIs");
  const owned = (await transaction.get(registryCollection(db).where("owner_uid", "==", owner.uid).count())).data();
  const limit = limitsOf(user).ais;
  if (owned.count >= limit) {
    throw new AppError("resource_exhausted", `limits.ais: this user owns ${owned.count} AIs of at most ${limit}`, {
      field: "limits.ais",
      limit,
      count: owned.count,
    });
  }
  transaction.update(ref, { last_seen: Timestamp.now() });
}
