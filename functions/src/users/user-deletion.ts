import type { Auth } from "firebase-admin/auth";
import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { deleteAi } from "../memory/ai-deletion";
import { listAis } from "../memory/registry-service";
import { notFound } from "../errors";
import { revokeRefreshTokens } from "./user-admin";
import { userRef } from "./user-record";

/**
 * Deletes a user and everything they own (the right of erasure). First the user's record becomes a
 * tombstone (no email, status `deleted`), so from that commit on their ID tokens are refused and no
 * AI can be created for them (creation reads the record in its transaction); then each AI is
 * deleted with everything it owns (ai-deletion.ts: its own tombstone stops in-flight writes), then
 * the Firebase Auth user. Safe to run again: an interrupted deletion is finished by the next call.
 */
export async function deleteUser(deps: { db: Firestore; auth: Auth }, uid: string): Promise<{ ais_deleted: number }> {
  const { db } = deps;
  await db.runTransaction(async (transaction) => {
    const user = (await transaction.get(userRef(db, uid))).data();
    if (!user) throw notFound(`user ${uid}`);
    if (user.status !== "deleted")
      transaction.update(userRef(db, uid), { status: "deleted", email: null, last_seen: Timestamp.now() });
  });
  await revokeRefreshTokens(deps.auth, uid);
  let deleted = 0;
  for (;;) {
    const ais = await listAis(db, 100, uid);
    if (ais.length === 0) break;
    for (const ai of ais) await deleteAi(deps, ai.ai_uuid);
    deleted += ais.length;
  }
  try {
    await deps.auth.deleteUser(uid);
  } catch (error) {
    if ((error as { code?: string }).code !== "auth/user-not-found") throw error;
  }
  return { ais_deleted: deleted };
}
