import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { AppError } from "../errors";
import { readAll } from "../firestore-converter";
import { allowlistRef, type Identity, refusalOf, type SignupPolicy } from "./signup-policy";
import { newUserRecord, type UserRecord, userRef } from "./user-record";

/** last_seen moves at most this often: no write per request. */
const LAST_SEEN_EVERY_MS = 5 * 60_000;

const ALREADY_EXISTS = 6;

/**
 * The user record of a signed-in, non-admin Firebase user, made on first use; a 403 naming the
 * reason when the user is disabled or the sign-up policy refuses them. The record and the
 * allowlist are read in one round trip, on every request, so a change takes effect at once.
 */
export async function admitUser(db: Firestore, policy: SignupPolicy, identity: Identity): Promise<UserRecord> {
  const [userSnapshot, allowlistSnapshot] = await readAll(db, userRef(db, identity.uid), allowlistRef(db));
  const existing = userSnapshot.data();
  if (existing?.status === "deleted") throw new AppError("unauthenticated", "this account has been deleted");
  if (existing?.status === "disabled") {
    throw new AppError("permission_denied", "this user has been disabled by the administrator", { status: "disabled" });
  }
  const refusal = refusalOf(policy, identity, allowlistSnapshot.data()?.entries ?? []);
  if (refusal) throw new AppError("permission_denied", refusal, { signup_policy: policy });
  if (existing) return touch(db, existing);
  const record = newUserRecord(identity.uid, identity.email);
  try {
    await userRef(db, identity.uid).create(record);
    return record;
  } catch (error) {
    // Two first requests at once: the other made the record.
    if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
    return (await userRef(db, identity.uid).get()).data() as UserRecord;
  }
}

async function touch(db: Firestore, user: UserRecord, now = Timestamp.now()): Promise<UserRecord> {
  if (now.toMillis() - user.last_seen.toMillis() < LAST_SEEN_EVERY_MS) return user;
  await userRef(db, user.uid).update({ last_seen: now });
  return { ...user, last_seen: now };
}
