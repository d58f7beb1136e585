import type { z } from 'zod';
import { RateBudgetExhaustedError, type RateLimiter, type RatePolicy } from '../ratelimit/types';
import { initialLimitState, nextLimitState, type FamilyLimitState } from './announced-limits';
import { BrevoError, errorFromResponse } from './brevo-error';
import { sharedPacer, WindowPacer, type PacedCall } from './window-pacer';
import { brevoBudgetKey, brevoFamilyOf, GENERAL_TIER_POLICIES, type BrevoFamily } from './rate-families';

export interface BrevoTransportOptions {
  baseUrl: string;
  apiKey: string;
  limiter: RateLimiter;
  budgetKey: string;
  fetch?: typeof fetch;
  /** Per-family budgets; defaults to Brevo's General tier. */
  policies?: Record<BrevoFamily, RatePolicy>;
  /** Retries after transient failures and 429s (default 4). */
  maxRetries?: number;
  /** Abort a request after this long (default 30 s). */
  timeoutMs?: number;
  /** First backoff step, doubled per retry with full jitter (default 500 ms, capped at 30 s). */
  backoffBaseMs?: number;
  /** Longest wait for rate budget before giving up with rate_limited (default 120 s). */
  maxRateWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Structured logger (pino-compatible); retries and 429s are logged at warn, without the API key. */
  logger?: BrevoLogger;
}

export interface BrevoLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface BrevoRequest<S extends z.ZodType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | (string | number)[] | undefined>;
  body?: unknown;
  formData?: FormData;
  schema?: S;
  /** What the call does, for error messages ("update contact jane@acme.com"). */
  what: string;
}

export interface BrevoResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

/**
 * The sliding window the transport paces a per-second family in, and how long after its start a
 * call has surely reached Brevo (WindowPacer's `arrivalMarginMs`): a call counts from its answer
 * when that comes sooner, so quick calls go at nearly the full limit; a slow one counts from its
 * start plus the margin. The margin must cover the longest a call can take to be counted: at 95 ms,
 * calls held 110-160 ms before the server counted them (the sandbox's event loop, busy with an
 * import's body) landed in the next window, which then had 11 (a 429 beyond the first in 2 of 27
 * backfills). A longer margin costs nothing while answers are quick.
 */
const PACED_WINDOW_MS = 1_005;
const PACED_ARRIVAL_MARGIN_MS = 250;

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The one place that sends HTTP to Brevo: spends the family's shared rate budget before each attempt, feeds
 * back x-sib-ratelimit-* so every worker slows down before a 429, retries transient failures with backoff,
 * and turns answers into typed data or a BrevoError.
 */
export class BrevoTransport {
  private readonly fetchImpl: typeof fetch;
  private readonly policies: Record<BrevoFamily, RatePolicy>;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly backoffBaseMs: number;
  private readonly maxRateWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly baseUrl: string;
  /** Requests sent and not yet answered, per family: they will spend budget the last answer still shows. */
  private readonly inflight = new Map<BrevoFamily, number>();
  /** Each family's budget as Brevo's answers describe it for this account (announced-limits.ts). */
  private readonly limits = new Map<BrevoFamily, FamilyLimitState>();
  private readonly ownPacers = new Map<string, WindowPacer>();

  constructor(private readonly opts: BrevoTransportOptions) {
    this.fetchImpl = opts.fetch ?? fetch;
    this.policies = opts.policies ?? GENERAL_TIER_POLICIES;
    this.maxRetries = opts.maxRetries ?? 4;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.backoffBaseMs = opts.backoffBaseMs ?? 500;
    this.maxRateWaitMs = opts.maxRateWaitMs ?? 120_000;
    this.sleep = opts.sleep ?? sleepReal;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  private url(path: string, query: BrevoRequest<undefined>['query']): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      // OpenAPI's default for query arrays is form/explode: listIds=1&listIds=2.
      if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
      else params.set(k, String(v));
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  async request<S extends z.ZodType | undefined>(req: BrevoRequest<S>): Promise<BrevoResponse<S extends z.ZodType ? z.infer<S> : undefined>> {
    const family = brevoFamilyOf(req.method, req.path);
    const key = brevoBudgetKey(this.opts.budgetKey, family);
    const defaults = this.policies[family];
    let lastError: BrevoError | undefined;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (attempt > 0 && lastError?.kind === 'transient') {
        const cap = Math.min(30_000, this.backoffBaseMs * 2 ** (attempt - 1));
        await this.sleep(Math.round(cap / 2 + (this.random() * cap) / 2));
      }
      const policy = this.policyOf(family);
      const pacer = this.pacerOf(family, policy);
      let paced: PacedCall | null = null;
      try {
        if (policy) await this.opts.limiter.acquire(key, policy, 1, this.maxRateWaitMs);
        paced = (await pacer?.slot()) ?? null;
      } catch (e) {
        if (e instanceof RateBudgetExhaustedError) {
          throw new BrevoError('rate_limited', `The Brevo request budget (${family}) is spent until ${e.retryAt.toISOString()}; the sync resumes then.`, { retryAt: e.retryAt, cause: e });
        }
        throw e;
      }
      let res: Response;
      this.inflight.set(family, (this.inflight.get(family) ?? 0) + 1);
      // Answered once the headers are here (Brevo has counted the call), or once it failed.
      const answered = paced;
      paced = null;
      try {
        res = await this.fetchImpl(this.url(req.path, req.query), {
          method: req.method,
          headers: {
            'api-key': this.opts.apiKey,
            accept: 'application/json',
            ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: req.formData ?? (req.body !== undefined ? JSON.stringify(req.body) : undefined),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (e) {
        answered?.answered();
        this.inflight.set(family, (this.inflight.get(family) ?? 1) - 1);
        const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
        lastError = new BrevoError('transient', `Brevo ${timedOut ? 'did not answer in time' : 'could not be reached'} while trying to ${req.what}. It will be retried automatically.`, { cause: e });
        this.opts.logger?.warn({ budgetKey: this.opts.budgetKey, family, method: req.method, path: req.path, attempt, error: timedOut ? 'timeout' : 'network' }, 'brevo transient error');
        continue;
      }
      answered?.answered();
      this.inflight.set(family, (this.inflight.get(family) ?? 1) - 1);
      this.limits.set(
        family,
        nextLimitState(defaults, this.limits.get(family) ?? initialLimitState(defaults), res.status, {
          limit: res.headers.get('x-sib-ratelimit-limit'),
          remaining: res.headers.get('x-sib-ratelimit-remaining'),
          reset: res.headers.get('x-sib-ratelimit-reset'),
        }),
      );
      const observedReset = await this.observe(key, this.policyOf(family) ?? defaults, res, this.inflight.get(family) ?? 0, pacer);
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        // The body can still time out or be cut after the headers arrived.
        lastError = new BrevoError('transient', `Brevo's answer was cut off while trying to ${req.what}. It will be retried automatically.`, { status: res.status, cause: e });
        continue;
      }
      let body: unknown = text;
      if (text && (res.headers.get('content-type') ?? '').includes('json')) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          body = text;
        }
      }
      if (res.status === 429) {
        const blockedUntil = new Date(this.now() + (observedReset ?? 1) * 1000);
        this.opts.logger?.warn({ budgetKey: this.opts.budgetKey, family, method: req.method, path: req.path, attempt, retryAt: blockedUntil.toISOString() }, 'brevo rate limited');
        await this.opts.limiter.observe(key, this.policyOf(family) ?? defaults, { remaining: 0, blockedUntil });
        lastError = errorFromResponse(429, body, req.what);
        lastError = new BrevoError('rate_limited', lastError.message, { status: 429, retryAt: blockedUntil, brevoMessage: lastError.brevoMessage });
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        if (!req.schema) return { status: res.status, data: undefined as never, headers: res.headers };
        const parsed = req.schema.safeParse(text ? body : undefined);
        if (!parsed.success) {
          throw new BrevoError('invalid', `Brevo answered in an unexpected shape while trying to ${req.what}; the connector may need an update.`, {
            status: res.status,
            cause: parsed.error,
          });
        }
        return { status: res.status, data: parsed.data as never, headers: res.headers };
      }
      const err = errorFromResponse(res.status, body, req.what);
      if (err.kind !== 'transient') throw err;
      this.opts.logger?.warn({ budgetKey: this.opts.budgetKey, family, method: req.method, path: req.path, attempt, status: res.status }, 'brevo transient error');
      lastError = err;
    }
    throw lastError ?? new BrevoError('transient', `Brevo could not be reached while trying to ${req.what}.`);
  }

  /** The budget to spend before a request of the family, or null when Brevo does not limit it. */
  policyOf(family: BrevoFamily): RatePolicy | null {
    const defaults = this.policies[family];
    return (this.limits.get(family) ?? initialLimitState(defaults)).policy;
  }

  /**
   * A family counted in one-second windows gets a pacer that starts at most its limit of calls in any
   * sliding second: no aligned window can then receive more. Without it, the answer that empties a
   * window makes the family wait for `x-sib-ratelimit-reset`, which has whole seconds, so every
   * window would cost a second and a bit.
   */
  private pacerOf(family: BrevoFamily, policy: RatePolicy | null): WindowPacer | null {
    if (!policy || Math.abs(policy.capacity / policy.refillPerSecond - 1) > 1e-6) return null;
    const key = `transport:${this.opts.budgetKey}:${family}:${policy.capacity}`;
    const perSecond = Math.max(1, Math.floor(policy.capacity));
    // A transport on its own clock (tests) paces on that clock, apart from the process's real one.
    if (!this.opts.now && !this.opts.sleep) return sharedPacer(key, perSecond, { windowMs: PACED_WINDOW_MS, arrivalMarginMs: PACED_ARRIVAL_MARGIN_MS });
    let own = this.ownPacers.get(key);
    if (!own) this.ownPacers.set(key, (own = new WindowPacer(perSecond, this.now, this.sleep, PACED_WINDOW_MS, PACED_ARRIVAL_MARGIN_MS)));
    return own;
  }

  /**
   * Passes Brevo's x-sib-ratelimit-* headers to the shared limiter; returns the reset delay in seconds.
   * What is left is reduced by this process's requests still in flight, so a burst stops before the window
   * is spent rather than one 429 later. When this process's own paced calls account for everything the
   * window used, the pacer already keeps the next call out of it and nothing is held; use by anyone
   * else (another worker process) is respected as Brevo reports it.
   */
  private async observe(key: string, policy: RatePolicy, res: Response, inflight: number, pacer: WindowPacer | null): Promise<number | undefined> {
    const remaining = res.headers.get('x-sib-ratelimit-remaining');
    // Brevo documents x-sib-ratelimit-reset (seconds); a Retry-After, if a proxy adds one, means the same.
    const reset = res.headers.get('x-sib-ratelimit-reset') ?? res.headers.get('retry-after');
    if (remaining === null && reset === null) return undefined;
    const resetSeconds = reset !== null && Number.isFinite(Number(reset)) ? Number(reset) : undefined;
    const limit = Number(res.headers.get('x-sib-ratelimit-limit') ?? policy.capacity);
    if (pacer && remaining !== null && res.status !== 429 && Number.isFinite(limit) && limit - Number(remaining) <= pacer.recentStarts()) return resetSeconds;
    await this.opts.limiter.observe(key, policy, {
      remaining: remaining !== null && Number.isFinite(Number(remaining)) ? Math.max(0, Number(remaining) - inflight) : undefined,
      resetAt: resetSeconds !== undefined ? new Date(this.now() + resetSeconds * 1000) : undefined,
    });
    return resetSeconds;
  }
}
