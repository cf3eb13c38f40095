import { AppError } from "../errors";

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets in this instance's memory, one per AI: a bucket holds a minute's allowance and
 * refills at that rate. No Firestore document takes a write per request (a hot document would cap
 * throughput and cost a write each time), so the limit holds per instance: an AI may get up to
 * `maxInstances` times its allowance when its requests spread over several instances.
 */
export class RequestBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly maxKeys = 10_000) {}

  /** Takes one request from the AI's allowance; 0 when allowed, else the seconds until one is. */
  take(key: string, perMinute: number, nowMs = Date.now()): number {
    const perMs = perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: perMinute, updatedMs: nowMs };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (nowMs - bucket.updatedMs) * perMs);
    bucket.updatedMs = nowMs;
    this.remember(key, bucket, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }

  /** Bounded memory: when full, buckets idle long enough to be full again are forgotten. */
  private remember(key: string, bucket: Bucket, nowMs: number): void {
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) {
      for (const [other, { updatedMs }] of this.buckets) if (nowMs - updatedMs > 60_000) this.buckets.delete(other);
    }
    this.buckets.set(key, bucket);
  }
}

/** The instance's buckets, shared by every router of the app. */
export const requestBuckets = new RequestBuckets();

/** A 429; the error handlers answer `retry_after_seconds` as Retry-After. */
export function assertWithinRate(
  buckets: RequestBuckets,
  key: string,
  perMinute: number,
  field = "settings.requests_per_minute",
  who = "AI",
): void {
  const retryAfter = buckets.take(key, perMinute);
  if (retryAfter === 0) return;
  throw new AppError(
    "resource_exhausted",
    `${field}: this ${who} may make ${perMinute} requests per minute; retry after ${retryAfter} s`,
    { field, limit: perMinute, retry_after_seconds: retryAfter },
  );
}
