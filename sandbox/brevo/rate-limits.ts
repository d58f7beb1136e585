/**
 * Brevo's documented request limits per endpoint family (developers.brevo.com/docs/api-limits, General tier):
 * everything under /v3/contacts and POST /v3/events allow 10 requests/s and 36,000/h; all other endpoints
 * 100/h. Windows here are fixed and aligned to the clock, and `x-sib-ratelimit-reset` is in seconds.
 */
export type RateFamily = 'contacts' | 'events' | 'other' | 'unlimited';
export type RateLimitMode = 'off' | 'real' | 'tight';

export interface FamilyLimits {
  perSecond?: number;
  perHour?: number;
}

export type RateTable = Record<Exclude<RateFamily, 'unlimited'>, FamilyLimits>;

export const RATE_TABLES: Record<Exclude<RateLimitMode, 'off'>, RateTable> = {
  real: { contacts: { perSecond: 10, perHour: 36_000 }, events: { perSecond: 10, perHour: 36_000 }, other: { perHour: 100 } },
  // Small enough that a test reaches a limit in a handful of requests.
  tight: { contacts: { perSecond: 3, perHour: 60 }, events: { perSecond: 3, perHour: 60 }, other: { perHour: 5 } },
};

export function familyOf(method: string, apiPath: string): RateFamily {
  if (apiPath === '/account') return 'other';
  if (apiPath === '/contacts' || apiPath.startsWith('/contacts/')) return 'contacts';
  if (apiPath === '/events' && method === 'POST') return 'events';
  return 'other';
}

interface Window {
  start: number;
  count: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class SandboxRateLimiter {
  private windows = new Map<string, Window>();

  constructor(
    private table: RateTable | null,
    private readonly now: () => number,
  ) {}

  setTable(table: RateTable | null): void {
    this.table = table;
    this.windows.clear();
  }

  /** Counts the request (even when refused: Brevo counts 429s too) and reports the tighter window. */
  check(accountKey: string, family: RateFamily): RateDecision {
    if (!this.table || family === 'unlimited') return { allowed: true, headers: {} };
    const limits = this.table[family];
    const t = this.now();
    let worst: { limit: number; remaining: number; resetMs: number } | undefined;
    let allowed = true;
    for (const [size, limit] of [
      [1000, limits.perSecond],
      [3_600_000, limits.perHour],
    ] as const) {
      if (limit === undefined) continue;
      const key = `${accountKey}|${family}|${size}`;
      const start = Math.floor(t / size) * size;
      let w = this.windows.get(key);
      if (!w || w.start !== start) this.windows.set(key, (w = { start, count: 0 }));
      w.count += 1;
      if (w.count > limit) allowed = false;
      const remaining = Math.max(0, limit - w.count);
      const resetMs = start + size - t;
      if (!worst || remaining < worst.remaining || (remaining === worst.remaining && resetMs > worst.resetMs)) worst = { limit, remaining, resetMs };
    }
    if (!worst) return { allowed: true, headers: {} };
    return {
      allowed,
      headers: {
        'x-sib-ratelimit-limit': String(worst.limit),
        'x-sib-ratelimit-remaining': String(worst.remaining),
        'x-sib-ratelimit-reset': String(Math.max(1, Math.ceil(worst.resetMs / 1000))),
      },
    };
  }
}
