import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { storedAs } from "../firestore-converter";
import { assertAiNotDeleted, writeUnlessDeleted } from "../memory/ai-deletion";
import { registryRef } from "../memory/registry-service";
import type { DecisionAction } from "./extraction-answer";

/**
 * The record of one exchange's extraction (`ai_registry/{ai_uuid}/extractions/{chat_id}`): its
 * attempts, and once done the decisions it applied, written in the same transaction as the
 * changes. A redelivered trigger finds it and does nothing twice. Clients cannot read it
 * (firestore.rules denies by default); the admin reads it through the API.
 */

export type ExtractionStatus = "running" | "retrying" | "done" | "failed" | "skipped";
const FINAL: readonly ExtractionStatus[] = ["done", "failed", "skipped"];

/** Model calls per exchange at most; the platform redelivers a failed attempt with its own backoff. */
export const MAX_ATTEMPTS = 4;
/** While an attempt runs, a duplicate delivery leaves it alone; past this, the attempt is taken as dead. */
export const LEASE_MS = 150_000;

export interface AppliedDecision {
  action: DecisionAction;
  fact: string;
  valid_from: string | null;
  /** The existing memory the decision is about (update, supersede, none). */
  memory_id: string | null;
  /** What happened: a duplicate of a known fact is `known`, whatever the model said. */
  outcome: "added" | "updated" | "superseded" | "known";
  /** The memory added or updated, or the one that was already known. */
  result_memory_id: string | null;
}

export interface ExtractionRecord {
  chat_id: string;
  ai_uuid: string;
  session_id: string | null;
  status: ExtractionStatus;
  attempts: number;
  model: string | null;
  /** The UTC day of the last model call (the daily cap counts these). */
  call_day: string | null;
  last_error: string | null;
  decisions: AppliedDecision[];
  /** Facts this exchange stated: when one is superseded, the exchange leaves the chat context too. */
  stated_memory_ids: string[];
  /** Exchanges hidden from the chat context because a fact they stated was superseded. */
  hidden_exchange_ids: string[];
  prompt_tokens: number | null;
  leased_until: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export const extractionsCollection = (db: Firestore, aiUuid: string) =>
  registryRef(db, aiUuid).collection("extractions").withConverter(storedAs<ExtractionRecord>());
export const extractionRef = (db: Firestore, aiUuid: string, chatId: string) =>
  extractionsCollection(db, aiUuid).doc(chatId);

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const isFinal = (status: ExtractionStatus | undefined): boolean =>
  status !== undefined && FINAL.includes(status);

function newRecord(aiUuid: string, chat: { id: string; session_id: string | null }, now: Timestamp): ExtractionRecord {
  return {
    chat_id: chat.id,
    ai_uuid: aiUuid,
    session_id: chat.session_id,
    status: "running",
    attempts: 0,
    model: null,
    call_day: null,
    last_error: null,
    decisions: [],
    stated_memory_ids: [],
    hidden_exchange_ids: [],
    prompt_tokens: null,
    leased_until: null,
    created_at: now,
    updated_at: now,
  };
}

export type Claim = { go: true; attempt: number } | { go: false; status: ExtractionStatus };

/**
 * Takes the next attempt of an exchange's extraction, or says why not: it is finished, another
 * delivery is running it, or the attempts are spent (then it is recorded as failed).
 */
export async function claimAttempt(
  db: Firestore,
  aiUuid: string,
  chat: { id: string; session_id: string | null },
  model: string,
  nowMs = Date.now(),
): Promise<Claim> {
  const ref = extractionRef(db, aiUuid, chat.id);
  const now = Timestamp.fromMillis(nowMs);
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const snapshot = await tx.get(ref);
    const record = snapshot.data() ?? newRecord(aiUuid, chat, now);
    if (isFinal(record.status)) return { go: false, status: record.status };
    if (record.status === "running" && record.leased_until && record.leased_until.toMillis() > nowMs)
      return { go: false, status: "running" };
    if (record.attempts >= MAX_ATTEMPTS) {
      tx.set(ref, { ...record, status: "failed", leased_until: null, updated_at: now });
      return { go: false, status: "failed" };
    }
    const attempt = record.attempts + 1;
    tx.set(ref, {
      ...record,
      status: "running",
      attempts: attempt,
      model,
      call_day: utcDay(nowMs),
      leased_until: Timestamp.fromMillis(nowMs + LEASE_MS),
      updated_at: now,
    });
    return { go: true, attempt };
  });
}

/**
 * Records a failed attempt: `retrying` while attempts remain (the caller throws, so the platform
 * redelivers), `failed` after the last. An attempt that another delivery finished stays finished.
 */
export async function recordFailure(
  db: Firestore,
  aiUuid: string,
  chatId: string,
  attempt: number,
  reason: string,
): Promise<ExtractionStatus> {
  const ref = extractionRef(db, aiUuid, chatId);
  return db.runTransaction(async (tx) => {
    const record = (await tx.get(ref)).data();
    if (!record || isFinal(record.status)) return record?.status ?? "done";
    const status: ExtractionStatus = attempt >= MAX_ATTEMPTS ? "failed" : "retrying";
    tx.update(ref, { status, last_error: reason.slice(0, 1000), leased_until: null, updated_at: Timestamp.now() });
    return status;
  });
}

/** Records an exchange that is not extracted (the daily cap), unless it has a record already. */
export async function recordSkipped(
  db: Firestore,
  aiUuid: string,
  chat: { id: string; session_id: string | null },
  reason: string,
): Promise<void> {
  const now = Timestamp.now();
  try {
    await writeUnlessDeleted(db, aiUuid, (tx) =>
      tx.create(extractionRef(db, aiUuid, chat.id), {
        ...newRecord(aiUuid, chat, now),
        status: "skipped",
        last_error: reason,
      }),
    );
  } catch (error) {
    if ((error as { code?: number }).code !== 6) throw error; // ALREADY_EXISTS: another delivery got there first
  }
}

/** Exchanges of the AI whose extraction called the model on this UTC day (one count() read per 1,000). */
export async function callsOnDay(db: Firestore, aiUuid: string, day: string): Promise<number> {
  return (await extractionsCollection(db, aiUuid).where("call_day", "==", day).count().get()).data().count;
}

/** The newest records first, optionally of one status. */
export async function listExtractions(
  db: Firestore,
  aiUuid: string,
  options: { limit: number; status?: ExtractionStatus },
): Promise<ExtractionRecord[]> {
  let query = extractionsCollection(db, aiUuid).orderBy("updated_at", "desc");
  if (options.status)
    query = extractionsCollection(db, aiUuid).where("status", "==", options.status).orderBy("updated_at", "desc");
  return (await query.limit(options.limit).get()).docs.map((doc) => doc.data());
}

/** A record as the API answers it: timestamps as ISO strings, no lease. */
export function toExtractionView(record: ExtractionRecord) {
  const { leased_until: _lease, created_at, updated_at, ...rest } = record;
  return { ...rest, created_at: created_at.toDate().toISOString(), updated_at: updated_at.toDate().toISOString() };
}
