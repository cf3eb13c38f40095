import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { storedAs } from "../firestore-converter";
import { strictObject } from "../validation";

/** What the administrator limits per user; a user can read these, never change them. */
const limitFields = {
  ais: z.number().int().min(0).max(10_000).describe("AIs the user may own; one more is a 429"),
  memories_per_ai: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .describe("memories each of the user's AIs may hold (its settings.max_memories)"),
  requests_per_minute: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .describe("requests the user's ID token may make, per function instance"),
};
export const userLimitsSchema = z.strictObject(limitFields);
export type UserLimits = z.infer<typeof userLimitsSchema>;
/** An administrator's change of limits: any of the fields. */
export const userLimitsPatchSchema = strictObject(limitFields).partial();

export const DEFAULT_USER_LIMITS: UserLimits = { ais: 10, memories_per_ai: 10_000, requests_per_minute: 300 };

/** `deleted` is a tombstone: the account and everything it owned are gone, and stay gone. */
export const userStatusSchema = z.enum(["active", "disabled", "deleted"]);

/** `users/{uid}`: one Firebase Auth user of the product, made on their first request. */
export interface UserRecord {
  uid: string;
  email: string | null;
  status: z.infer<typeof userStatusSchema>;
  limits: UserLimits;
  created_at: Timestamp;
  last_seen: Timestamp;
}

export const usersCollection = (db: Firestore) => db.collection("users").withConverter(storedAs<UserRecord>());
export const userRef = (db: Firestore, uid: string) => usersCollection(db).doc(uid);

export function newUserRecord(uid: string, email: string | null, now = Timestamp.now()): UserRecord {
  return { uid, email, status: "active", limits: { ...DEFAULT_USER_LIMITS }, created_at: now, last_seen: now };
}

/** Stored limits with the defaults of any limit added since the record was made. */
export const limitsOf = (user: Pick<UserRecord, "limits">): UserLimits => ({ ...DEFAULT_USER_LIMITS, ...user.limits });

export function toUserView(user: UserRecord) {
  return {
    uid: user.uid,
    email: user.email,
    status: user.status,
    limits: limitsOf(user),
    created_at: user.created_at.toDate().toISOString(),
    last_seen: user.last_seen.toDate().toISOString(),
  };
}
