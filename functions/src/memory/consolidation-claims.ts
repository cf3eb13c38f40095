import { createHash } from "node:crypto";
import { type Firestore, Timestamp, type Transaction } from "firebase-admin/firestore";
import { assertAiNotDeleted } from "./ai-deletion";
import type { StoredMemory } from "./memory-types";
import { registryRef } from "./registry-service";

/** A run that claimed a set to summarize holds it this long at most (two model calls), then another takes over. */
export const CLAIM_MS = 150_000;

/** The set consolidated names its summary, its reflection and its claim. */
export const groupOf = (originals: StoredMemory[]): string =>
  createHash("sha256")
    .update(originals.map((memory) => memory.id).join("\n"))
    .digest("hex")
    .slice(0, 40);

export const claimRef = (db: Firestore, aiUuid: string, group: string) =>
  registryRef(db, aiUuid).collection("consolidation_claims").doc(group);

/**
 * Claims a set before its model calls, so concurrent runs on one AI pay for its summary once:
 * `busy` while another run holds it, `done` once a run has committed it (the claim says so, in
 * the same transaction; Firestore's TTL removes it a day later).
 */
export async function claimGroup(
  db: Firestore,
  aiUuid: string,
  group: string,
  nowMs = Date.now(),
): Promise<"claimed" | "busy" | "done"> {
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const claim = await tx.get(claimRef(db, aiUuid, group));
    if (claim.get("done") === true) return "done";
    if (((claim.get("claimed_until") as Timestamp | undefined)?.toMillis() ?? 0) > nowMs) return "busy";
    const until = Timestamp.fromMillis(nowMs + CLAIM_MS);
    tx.set(claimRef(db, aiUuid, group), { done: false, claimed_until: until, expires_at: until });
    return "claimed";
  });
}

/** In the transaction that commits the set: later runs that computed the same set find it done. */
export function markDone(tx: Transaction, db: Firestore, aiUuid: string, group: string, now: Timestamp): void {
  const kept = Timestamp.fromMillis(now.toMillis() + 24 * 60 * 60 * 1000);
  tx.set(claimRef(db, aiUuid, group), { done: true, claimed_until: now, expires_at: kept });
}
