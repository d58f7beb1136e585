/**
 * The rate budget that vendor clients (lib/pipedrive, lib/brevo) spend before each request.
 * One key is one budget shared by every worker process (e.g. `pipedrive:burst:<installationId>`,
 * `brevo:contacts:<connectionId>`); the Postgres implementation keeps it in the database so
 * scaling out does not multiply the request rate.
 */
export interface RatePolicy {
  /** Units that may be spent in one burst (bucket size). */
  capacity: number;
  /** Units regained per second. */
  refillPerSecond: number;
}

export interface RateObservation {
  /** What the vendor says is left in the current window (x-ratelimit-remaining and friends). */
  remaining?: number;
  /** When the vendor's window resets. */
  resetAt?: Date;
  /** Set after a 429: nobody spends this key before then. */
  blockedUntil?: Date;
}

export interface RateLimiter {
  /**
   * Waits until `cost` units can be spent under `key` and spends them.
   * Throws RateBudgetExhaustedError when the key is blocked for longer than `maxWaitMs`.
   */
  acquire(key: string, policy: RatePolicy, cost?: number, maxWaitMs?: number): Promise<void>;
  /** Feeds back what the vendor reported so that every worker slows down before a 429. */
  observe(key: string, policy: RatePolicy, observation: RateObservation): Promise<void>;
}

export class RateBudgetExhaustedError extends Error {
  constructor(
    readonly key: string,
    readonly retryAt: Date,
  ) {
    super(`rate budget ${key} is spent until ${retryAt.toISOString()}`);
    this.name = 'RateBudgetExhaustedError';
  }
}
