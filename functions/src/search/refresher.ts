/**
 * Refreshes one at a time; a caller gets a refresh whose reads start after its call, so a write
 * acknowledged before the call is seen. Callers that arrive while one waits to start share it.
 */
export class Refresher {
  private queued: Promise<void> | null = null;
  private tail: Promise<void> = Promise.resolve();

  run(task: () => Promise<void>): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.tail
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return task();
      });
    this.queued = next;
    this.tail = next;
    return next;
  }
}
