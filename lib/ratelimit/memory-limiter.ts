import { RateBudgetExhaustedError, type RateLimiter, type RateObservation, type RatePolicy } from './types';

interface Bucket {
  tokens: number;
  updatedAt: number;
  blockedUntil: number;
}

/** A single-process token bucket, for unit tests and scripts. Workers use the Postgres limiter. */
export class MemoryRateLimiter implements RateLimiter {
  private buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now, private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))) {}

  private bucket(key: string, policy: RatePolicy): Bucket {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: policy.capacity, updatedAt: t, blockedUntil: 0 };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(policy.capacity, b.tokens + ((t - b.updatedAt) / 1000) * policy.refillPerSecond);
    b.updatedAt = t;
    return b;
  }

  async acquire(key: string, policy: RatePolicy, cost = 1, maxWaitMs = 120_000): Promise<void> {
    const started = this.now();
    for (;;) {
      const b = this.bucket(key, policy);
      const t = this.now();
      let waitMs = 0;
      if (b.blockedUntil > t) waitMs = b.blockedUntil - t;
      else if (b.tokens >= cost) {
        b.tokens -= cost;
        return;
      } else waitMs = ((cost - b.tokens) / policy.refillPerSecond) * 1000;
      if (t + waitMs - started > maxWaitMs) throw new RateBudgetExhaustedError(key, new Date(t + waitMs));
      await this.sleep(Math.max(1, Math.ceil(waitMs)));
    }
  }

  observe(key: string, policy: RatePolicy, o: RateObservation): Promise<void> {
    const b = this.bucket(key, policy);
    if (o.remaining !== undefined) b.tokens = Math.min(b.tokens, o.remaining);
    if (o.blockedUntil) b.blockedUntil = Math.max(b.blockedUntil, o.blockedUntil.getTime());
    if (o.remaining === 0 && o.resetAt) b.blockedUntil = Math.max(b.blockedUntil, o.resetAt.getTime());
    return Promise.resolve();
  }
}
