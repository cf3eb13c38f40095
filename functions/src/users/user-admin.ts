import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import { revokeAiAccess } from "../auth/revocation";
import { notFound } from "../errors";
import { listAis, memoryCounts, registryCollection, registryRef } from "../memory/registry-service";
import { limitsOf, type UserLimits, type UserRecord, toUserView, userRef, usersCollection } from "./user-record";

/** Every AI a user owns, at most their limit (10,000): the listing is bounded by what creation allows. */
export const ownedAis = (db: Firestore, uid: string) => listAis(db, 10_000, uid);

/** The user as the administrator sees them: with how many AIs they own and how many memories those hold. */
export async function userSummary(db: Firestore, user: UserRecord) {
  const ais = await ownedAis(db, user.uid);
  const counts = await Promise.all(ais.map((ai) => memoryCounts(db, ai.ai_uuid)));
  const memoryCount = counts.flatMap((count) => Object.values(count)).reduce((sum, count) => sum + count, 0);
  return { ...toUserView(user), ai_count: ais.length, memory_count: memoryCount };
}

/** A page of users, newest first, after the user named by `after` (a uid). Deleted accounts are left out. */
export async function listUsers(db: Firestore, limit: number, after?: string) {
  let query = usersCollection(db).orderBy("created_at", "desc");
  if (after !== undefined) {
    const cursor = await userRef(db, after).get();
    if (!cursor.exists) throw notFound(`user ${after}`);
    query = query.startAfter(cursor);
  }
  const snapshot = await query.limit(limit).get();
  const users = snapshot.docs.map((doc) => doc.data()).filter((user) => user.status !== "deleted");
  const last = snapshot.docs.at(-1);
  return { users, next_after: snapshot.size === limit && last ? last.id : null };
}

export async function getUser(db: Firestore, uid: string): Promise<UserRecord> {
  const user = (await userRef(db, uid).get()).data();
  if (!user || user.status === "deleted") throw notFound(`user ${uid}`);
  return user;
}

export interface UserChange {
  status?: "active" | "disabled";
  limits?: Partial<UserLimits>;
}

/**
 * The administrator's change of a user. Disabling refuses the user's ID tokens at once (the API
 * and the rules read the record's status), ends their Firebase refresh tokens, and revokes every
 * token of their AIs. A new memories_per_ai becomes each owned AI's max_memories.
 */
export async function updateUser(deps: { db: Firestore; auth: Auth }, uid: string, change: UserChange) {
  const { db } = deps;
  const user = await getUser(db, uid);
  const limits = { ...limitsOf(user), ...change.limits };
  const status = change.status ?? user.status;
  await userRef(db, uid).update({ status, limits });
  const ais = await ownedAis(db, uid);
  if (change.limits?.memories_per_ai !== undefined) {
    for (let start = 0; start < ais.length; start += 400) {
      const batch = db.batch();
      for (const ai of ais.slice(start, start + 400)) {
        batch.update(registryRef(db, ai.ai_uuid), { "settings.max_memories": limits.memories_per_ai });
      }
      await batch.commit();
    }
  }
  if (change.status === "disabled") {
    await Promise.all(ais.map((ai) => revokeAiAccess(deps, ai.ai_uuid)));
    await revokeRefreshTokens(deps.auth, uid);
  }
  return getUser(db, uid);
}

/** A user made by an Auth provider the Admin SDK cannot see (or already deleted) has none to revoke. */
export async function revokeRefreshTokens(auth: Auth, uid: string): Promise<void> {
  try {
    await auth.revokeRefreshTokens(uid);
  } catch (error) {
    if ((error as { code?: string }).code !== "auth/user-not-found") throw error;
  }
}

/** How many AIs a user owns, counted by the same query the AI limit uses. */
export const countOwnedAis = async (db: Firestore, uid: string) =>
  (await registryCollection(db).where("owner_uid", "==", uid).count().get()).data().count;
