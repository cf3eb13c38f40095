import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { AppError } from "../errors";
import { readAll, storedAs } from "../firestore-converter";
import { assertAiNotDeleted } from "../memory/ai-deletion";
import { registryRef } from "../memory/registry-service";
import { chatsCollection, type StoredChat } from "./chat-log";

const keyReusedForAnother = () =>
  new AppError("failed_precondition", "Idempotency-Key: this key was already used for a different request", {
    field: "Idempotency-Key",
  });

/** While one request of a key calls the model, its retries wait: longer than a request may run (120 s). */
const CLAIM_MS = 130_000;

/** The claim of a chat id by the request calling the model for it (`ai_registry/{ai}/chat_claims/{chat_id}`). */
interface ChatClaim {
  request_hash: string;
  claimed_until: Timestamp;
  /** Firestore's TTL policy removes a claim its request never released. */
  expires_at: Timestamp;
}
const claimRef = (db: Firestore, aiUuid: string, chatId: string) =>
  registryRef(db, aiUuid).collection("chat_claims").withConverter(storedAs<ChatClaim>()).doc(chatId);

/** How long a retry waits for the request holding its key, before it is told to come back (409). */
const CLAIM_WAIT_MS = 30_000;

/**
 * Before a request with an Idempotency-Key calls the model: the stored chat when a retry finds one
 * (replayed, never asked twice), else a claim. A retry that arrives while another request of its
 * key calls the model waits for that answer and replays it; past CLAIM_WAIT_MS it is a 409 with
 * Retry-After. A claim whose request died runs out after CLAIM_MS.
 */
export async function claimChat(
  db: Firestore,
  aiUuid: string,
  chatId: string,
  requestHash: string,
): Promise<StoredChat | null> {
  const deadline = Date.now() + CLAIM_WAIT_MS;
  for (;;) {
    const outcome = await tryClaim(db, aiUuid, chatId, requestHash, Date.now());
    if (outcome !== "busy") return outcome;
    if (Date.now() > deadline) {
      throw new AppError("failed_precondition", "Idempotency-Key: a request with this key is still running", {
        field: "Idempotency-Key",
        retry_after_seconds: 5,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function tryClaim(
  db: Firestore,
  aiUuid: string,
  chatId: string,
  requestHash: string,
  nowMs: number,
): Promise<StoredChat | null | "busy"> {
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const [chatDoc, claimDoc] = await readAll(tx, chatsCollection(db).doc(chatId), claimRef(db, aiUuid, chatId));
    const chat = chatDoc.data();
    const claim = claimDoc.data();
    if (chat && chat.request_hash !== requestHash) throw keyReusedForAnother();
    if (chat) return chat;
    if (claim && claim.claimed_until.toMillis() > nowMs) {
      if (claim.request_hash !== requestHash) throw keyReusedForAnother();
      return "busy";
    }
    const until = Timestamp.fromMillis(nowMs + CLAIM_MS);
    tx.set(claimRef(db, aiUuid, chatId), { request_hash: requestHash, claimed_until: until, expires_at: until });
    return null;
  });
}

/** Ends a claim once its request has stored its answer or failed: a retry may then go ahead at once. */
export async function releaseChat(db: Firestore, aiUuid: string, chatId: string): Promise<void> {
  await claimRef(db, aiUuid, chatId).delete();
}
