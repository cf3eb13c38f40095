import type { Firestore, Transaction } from "firebase-admin/firestore";
import { AppError } from "../errors";

/**
 * Transactions on contended memories end within a bounded time: each try that Firestore aborts for
 * contention is retried after a short jittered pause (the Admin SDK's own pauses are 1 s, 1.5 s,
 * 2.25 s ...), and once the deadline is past the caller gets a 503 with Retry-After instead. Only
 * a transaction that certainly did not commit is retried (aborted, or closed before its commit by an
 * expiry), so an error answer never comes with an applied change. Within one instance, changes of the same memory also wait their turn instead of
 * aborting each other.
 */
const DEADLINE_MS = 7_000;

/** ABORTED, or INVALID_ARGUMENT for a transaction the server closed (expired) before it committed. */
export function neverCommitted(error: unknown): boolean {
  const { code, message } = error as { code?: number; message?: string };
  return code === 10 || (code === 3 && /transaction (is invalid or closed|has expired)/i.test(message ?? ""));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const overloaded = (waitedMs: number) =>
  new AppError("unavailable", "too many concurrent changes to the same memory: try again in a moment", {
    retry_after_seconds: 1,
    waited_ms: waitedMs,
  });

const turns = new Map<string, Promise<void>>();

/** Runs `work` after the earlier holders of `key` in this instance, or gives up at the deadline. */
async function inTurn<T>(key: string, deadline: number, work: () => Promise<T>): Promise<T> {
  const previous = turns.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
  turns.set(key, mine);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(deadline - Date.now(), 0))));
  try {
    const ready = await Promise.race([previous.then(() => true as const), timedOut]);
    if (!ready) throw overloaded(DEADLINE_MS);
    return await work();
  } finally {
    clearTimeout(timer);
    // Released now or, if we gave up waiting, as soon as our turn would have come.
    void previous.then(() => release());
    if (turns.get(key) === mine) void mine.then(() => turns.get(key) === mine && turns.delete(key));
  }
}

/** A read-write transaction that ends within the deadline; `key` names what it contends on (one memory). */
export async function boundedTransaction<T>(db: Firestore, key: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const started = Date.now();
  const deadline = started + DEADLINE_MS;
  return inTurn(key, deadline, async () => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await db.runTransaction(work, { maxAttempts: 1 });
      } catch (error) {
        if (!neverCommitted(error)) throw error;
        const pause = Math.min(20 * 2 ** attempt, 400) * (0.5 + Math.random());
        if (Date.now() + pause > deadline) throw overloaded(Date.now() - started);
        await sleep(pause);
      }
    }
  });
}
