import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { storedAs } from "../firestore-converter";

/** Who may use the API besides the administrator (the `SIGNUP_POLICY` param). */
export const SIGNUP_POLICIES = ["admin_only", "allowlist", "open"] as const;
export type SignupPolicy = (typeof SIGNUP_POLICIES)[number];
export const signupPolicySchema = z.enum(SIGNUP_POLICIES);

/** A signed-in Firebase user, as the policy sees them. */
export interface Identity {
  uid: string;
  email: string | null;
  emailVerified: boolean;
}

/** An allowlist entry: an email, or `@domain` for everyone with a verified address there. */
export const allowlistEntrySchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .regex(/^([^@\s]+@|@)[^@\s]+\.[^@\s]+$/, "must be an email or @domain");
export const ALLOWLIST_MAX_ENTRIES = 1000;
export const allowlistSchema = z.strictObject({
  entries: z.array(allowlistEntrySchema).max(ALLOWLIST_MAX_ENTRIES),
});

/** One document, bounded by ALLOWLIST_MAX_ENTRIES. */
export const allowlistRef = (db: Firestore) =>
  db.collection("app_settings").withConverter(storedAs<{ entries: string[] }>()).doc("signup_allowlist");

/**
 * Why the policy refuses this user, or null when it admits them. An unverified email is never
 * trusted: anyone can sign up with someone else's address. A user with no email at all (anonymous,
 * phone) exists only where the administrator enabled that provider, so `open` admits them.
 */
export function refusalOf(policy: SignupPolicy, identity: Identity, allowlist: readonly string[]): string | null {
  if (policy === "admin_only") return "SIGNUP_POLICY is admin_only: only the administrator may use this API";
  const email = identity.emailVerified ? identity.email?.toLowerCase() : undefined;
  if (policy === "open") {
    return identity.email === null || email ? null : "SIGNUP_POLICY is open to verified emails: verify yours first";
  }
  const domain = email ? email.slice(email.lastIndexOf("@")) : undefined;
  if (email && (allowlist.includes(email) || allowlist.includes(domain as string))) return null;
  return "SIGNUP_POLICY is allowlist: this account's verified email is not on the administrator's allowlist";
}
