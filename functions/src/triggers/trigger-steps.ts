import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { storedAs } from "../firestore-converter";
import * as logs from "../logs";
import { writeUnlessDeleted } from "../memory/ai-deletion";
import { registryRef } from "../memory/registry-service";

/** The steps the memory trigger runs on each memory change, each on its own. */
export const TRIGGER_STEPS = ["embedding", "consolidation", "extraction"] as const;
export type TriggerStep = (typeof TRIGGER_STEPS)[number];

/** Deliveries of one event a failing step gets before it is given up (and left for the admin to see). */
export const STEP_ATTEMPTS = 5;
/** Step records of settled events go after a week (Firestore TTL on `expires_at`), as the events do. */
const RECORD_TTL_MS = 7 * 24 * 60 * 60 * 1000;

interface StepState {
  status: "done" | "failing" | "gave_up";
  attempts: number;
  last_error: string | null;
}

/**
 * The steps of one event that did not all succeed (`ai_registry/{ai}/trigger_steps/{event_id}`):
 * written only once a step fails, so an event whose steps all succeed costs one read. A
 * redelivery runs only the steps not done yet. `failing` is true while a step still fails or gave
 * up: the AI's view lists those records for the admin.
 */
export interface StepRecord {
  event_id: string;
  steps: Partial<Record<TriggerStep, StepState>>;
  failing: boolean;
  updated_at: Timestamp;
  expires_at: Timestamp;
}

export const stepRecords = (db: Firestore, aiUuid: string) =>
  registryRef(db, aiUuid).collection("trigger_steps").withConverter(storedAs<StepRecord>());

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * Runs every step not done yet for this event, each whatever the others do, and records the
 * outcome of any that fails. Throws when a step failed and has deliveries left, so the platform
 * delivers the event again; a step out of deliveries is recorded as given up, and the others go on.
 */
export async function runSteps(
  db: Firestore,
  event: { ai_uuid: string; event_id: string },
  steps: Record<TriggerStep, () => Promise<unknown>>,
): Promise<void> {
  const ref = stepRecords(db, event.ai_uuid).doc(event.event_id);
  const previous = (await ref.get()).data();
  const states: Partial<Record<TriggerStep, StepState>> = { ...previous?.steps };
  let retry: unknown = null;
  for (const step of TRIGGER_STEPS) {
    const before = states[step];
    if (before && before.status !== "failing") continue;
    try {
      await steps[step]();
      states[step] = { status: "done", attempts: (before?.attempts ?? 0) + 1, last_error: null };
    } catch (error) {
      logs.triggerStepFailed(step, event, error);
      // A step that waits on another delivery (`busy`) has not failed: it spends no delivery.
      const busy = (error as { busy?: unknown }).busy === true;
      const attempts = (before?.attempts ?? 0) + (busy ? 0 : 1);
      const gaveUp = attempts >= STEP_ATTEMPTS;
      states[step] = { status: gaveUp ? "gave_up" : "failing", attempts, last_error: messageOf(error) };
      if (!gaveUp) retry ??= error;
    }
  }
  const failed = TRIGGER_STEPS.some((step) => states[step]?.status === "failing" || states[step]?.status === "gave_up");
  if (previous || failed) {
    const now = Timestamp.now();
    const record: StepRecord = {
      event_id: event.event_id,
      steps: states,
      failing: failed,
      updated_at: now,
      expires_at: Timestamp.fromMillis(now.toMillis() + RECORD_TTL_MS),
    };
    // Deleted while its steps ran (they failed for it): nothing to record, nothing to retry.
    if (!(await writeUnlessDeleted(db, event.ai_uuid, (tx) => tx.set(ref, record)))) return;
  }
  if (retry) throw retry;
}

/** The AI's events whose steps still fail or gave up, for the admin: at most `limit`, newest first. */
export async function failingSteps(db: Firestore, aiUuid: string, limit = 20) {
  const snapshot = await stepRecords(db, aiUuid).where("failing", "==", true).limit(100).get();
  return snapshot.docs
    .map((doc) => doc.data())
    .sort((a, b) => b.updated_at.toMillis() - a.updated_at.toMillis())
    .slice(0, limit)
    .flatMap((record) =>
      TRIGGER_STEPS.filter((step) => record.steps[step] && record.steps[step]?.status !== "done").map((step) => ({
        event_id: record.event_id,
        step,
        status: record.steps[step]!.status as "failing" | "gave_up",
        attempts: record.steps[step]!.attempts,
        last_error: record.steps[step]!.last_error,
        updated_at: record.updated_at.toDate().toISOString(),
      })),
    );
}
