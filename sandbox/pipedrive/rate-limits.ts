import type { Plan } from './model';

export type RateLimitMode = 'off' | 'real' | 'tight';

export interface RateLimitConfig {
  mode: RateLimitMode;
  /** Overrides the per-2-second burst limit (tight mode default: 4). */
  burst?: number;
  /** Overrides the company's daily token budget (tight mode default: 200). */
  dailyBudget?: number;
}

/** Burst limits per rolling 2 s window (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting). */
const BURST: Record<Plan, { api_token: number; oauth: number }> = {
  lite: { api_token: 20, oauth: 80 },
  growth: { api_token: 40, oauth: 160 },
  premium: { api_token: 100, oauth: 400 },
  ultimate: { api_token: 120, oauth: 480 },
};

/** Daily budget = 30,000 × plan multiplier × seats. */
const MULTIPLIER: Record<Plan, number> = { lite: 1, growth: 2, premium: 5, ultimate: 7 };

/** Search endpoints allow 10 requests per 2 s on every plan. */
const SEARCH_BURST = 10;
const WINDOW_MS = 2000;

export interface RateCheckInput {
  tokenKey: string;
  authKind: 'api_token' | 'oauth';
  companyId: number;
  plan: Plan;
  seats: number;
  cost: number;
  isSearch: boolean;
}

export type RateCheckResult =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; reason: 'burst' | 'daily'; headers: Record<string, string> };

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class RateLimitState {
  private windows = new Map<string, number[]>();
  private budgets = new Map<number, { day: string; used: number }>();

  constructor(
    public config: RateLimitConfig,
    private readonly now: () => number,
  ) {}

  burstLimit(plan: Plan, kind: 'api_token' | 'oauth', isSearch: boolean): number {
    if (this.config.mode === 'tight') return this.config.burst ?? 4;
    if (isSearch) return SEARCH_BURST;
    return this.config.burst ?? BURST[plan][kind];
  }

  dailyBudget(plan: Plan, seats: number): number {
    if (this.config.dailyBudget !== undefined) return this.config.dailyBudget;
    if (this.config.mode === 'tight') return 200;
    return 30_000 * MULTIPLIER[plan] * Math.max(1, seats);
  }

  budgetUsed(companyId: number): number {
    const b = this.budgets.get(companyId);
    return b && b.day === utcDay(this.now()) ? b.used : 0;
  }

  /** Checks and, when allowed, spends one burst slot and `cost` budget tokens. */
  check(input: RateCheckInput): RateCheckResult {
    if (this.config.mode === 'off') return { allowed: true, headers: {} };
    const now = this.now();
    const limit = this.burstLimit(input.plan, input.authKind, input.isSearch);
    const wKey = `${input.tokenKey}|${input.isSearch ? 'search' : 'all'}`;
    const log = (this.windows.get(wKey) ?? []).filter((t) => t > now - WINDOW_MS);
    this.windows.set(wKey, log);
    const budget = this.dailyBudget(input.plan, input.seats);
    const day = utcDay(now);
    let b = this.budgets.get(input.companyId);
    if (!b || b.day !== day) {
      b = { day, used: 0 };
      this.budgets.set(input.companyId, b);
    }
    const resetSeconds = log.length ? Math.max(1, Math.ceil((log[0]! + WINDOW_MS - now) / 1000)) : 2;
    const headers = (remaining: number, dailyRemaining: number): Record<string, string> => ({
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, remaining)),
      'x-ratelimit-reset': String(resetSeconds),
      'x-daily-ratelimit-token-limit': String(budget),
      'x-daily-ratelimit-token-remaining': String(Math.max(0, dailyRemaining)),
    });
    if (b.used + input.cost > budget) {
      const nextMidnight = Date.parse(`${day}T00:00:00Z`) + 864e5;
      return { allowed: false, reason: 'daily', headers: { ...headers(limit - log.length, 0), 'retry-after': String(Math.ceil((nextMidnight - now) / 1000)) } };
    }
    if (log.length >= limit) {
      return { allowed: false, reason: 'burst', headers: { ...headers(0, budget - b.used), 'retry-after': String(resetSeconds) } };
    }
    log.push(now);
    b.used += input.cost;
    return { allowed: true, headers: headers(limit - log.length, budget - b.used) };
  }
}
