import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import type { AppConfig } from "../config";
import { newSession, toSessionView } from "../chat/session-service";
import { type AiRecord, databasePaths, newAiRecord, registryRef } from "../memory/registry-service";
import { signAiToken } from "./ai-token";

export interface HandshakeDeps {
  db: Firestore;
  auth: Auth;
  config: AppConfig;
}

/** The Firebase Auth uid of an AI: its custom token signs the client SDK in as this user. */
export const aiFirebaseUid = (aiUuid: string): string => `ai-${aiUuid}`;

export type HandshakeInput =
  | { create: { name: string; ownerId: string }; sessionName?: string }
  | { resume: AiRecord; sessionName?: string };

/**
 * Everything a new or resumed AI needs: its identity, a fresh session, tokens and paths. Tokens
 * are made before anything is written, and the AI and its session are written in one batch, so a
 * failed handshake leaves nothing behind.
 */
export async function handshake(deps: HandshakeDeps, input: HandshakeInput) {
  const created = "create" in input;
  const ai = created ? newAiRecord(input.create.name, input.create.ownerId) : input.resume;
  // `tv` is the token version: firestore.rules refuse the token once the registry's version moves on.
  const firebaseCustomToken = await deps.auth.createCustomToken(aiFirebaseUid(ai.ai_uuid), {
    ai_uuid: ai.ai_uuid,
    tv: ai.token_version,
  });
  const aiToken = signAiToken(deps.config.jwtSecret, ai.ai_uuid, ai.token_version, deps.config.aiTokenTtlSeconds);
  const { ref: sessionRef, session } = newSession(deps.db, {
    aiUuid: ai.ai_uuid,
    userId: ai.owner_id,
    name: input.sessionName,
  });
  const batch = deps.db.batch();
  // create(), not set(): a UUID collision must fail rather than overwrite an AI.
  if (created) batch.create(registryRef(deps.db, ai.ai_uuid), ai);
  batch.create(sessionRef, session);
  await batch.commit();
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
