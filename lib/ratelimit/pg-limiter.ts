import type pg from 'pg';
import { RateBudgetExhaustedError, type RateLimiter, type RateObservation, type RatePolicy } from './types';

/**
 * Token buckets in Postgres (`rate_buckets`), so every web and worker process of a company spends
 * one budget. Each acquire is one statement that locks the bucket row, refills it for the time
 * elapsed and either spends or answers how long to wait; nothing is held while waiting.
 */
const ACQUIRE_SQL = `
WITH b AS (
  SELECT key, blocked_until,
         LEAST($2::float8, tokens + GREATEST(0, EXTRACT(EPOCH FROM (clock_timestamp() - updated_at))) * $3::float8) AS avail
    FROM rate_buckets WHERE key = $1 FOR UPDATE
)
UPDATE rate_buckets r
   SET tokens = CASE WHEN (b.blocked_until IS NULL OR b.blocked_until <= clock_timestamp()) AND b.avail >= $4::float8
                     THEN b.avail - $4::float8 ELSE b.avail END,
       updated_at = clock_timestamp()
  FROM b WHERE r.key = b.key
RETURNING CASE WHEN b.blocked_until > clock_timestamp() THEN EXTRACT(EPOCH FROM (b.blocked_until - clock_timestamp())) * 1000
               WHEN b.avail >= $4::float8 THEN 0
               ELSE ($4::float8 - b.avail) / $3::float8 * 1000 END AS wait_ms`;

export class PgRateLimiter implements RateLimiter {
  constructor(
    private readonly pool: pg.Pool,
    /** Owner of the buckets this limiter creates, so they go with the company. */
    private readonly companyId: string | null = null,
    private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  ) {}

  private async ensure(key: string, policy: RatePolicy): Promise<void> {
    await this.pool.query(
      `INSERT INTO rate_buckets (key, company_id, tokens, updated_at) VALUES ($1, $2, $3, clock_timestamp()) ON CONFLICT (key) DO NOTHING`,
      [key, this.companyId, policy.capacity],
    );
  }

  async acquire(key: string, policy: RatePolicy, cost = 1, maxWaitMs = 120_000): Promise<void> {
    if (cost > policy.capacity) throw new Error(`cost ${cost} exceeds the capacity ${policy.capacity} of ${key}`);
    await this.ensure(key, policy);
    const started = Date.now();
    for (;;) {
      const r = await this.pool.query<{ wait_ms: string | number }>(ACQUIRE_SQL, [key, policy.capacity, policy.refillPerSecond, cost]);
      const wait = Number(r.rows[0]?.wait_ms ?? 0);
      if (wait <= 0) return;
      if (Date.now() - started + wait > maxWaitMs) throw new RateBudgetExhaustedError(key, new Date(Date.now() + wait));
      // Wake slightly apart so that processes waiting on one bucket do not stampede it.
      await this.sleep(Math.ceil(wait) + Math.floor(Math.random() * 5));
    }
  }

  async observe(key: string, policy: RatePolicy, o: RateObservation): Promise<void> {
    await this.ensure(key, policy);
    const blocked = o.blockedUntil ?? (o.remaining === 0 && o.resetAt ? o.resetAt : null);
    await this.pool.query(
      `UPDATE rate_buckets
          SET tokens = CASE WHEN $2::float8 IS NULL THEN tokens ELSE LEAST(tokens, $2::float8) END,
              blocked_until = CASE WHEN $3::timestamptz IS NULL THEN blocked_until
                                   ELSE GREATEST(COALESCE(blocked_until, $3::timestamptz), $3::timestamptz) END
        WHERE key = $1`,
      [key, o.remaining ?? null, blocked],
    );
  }
}
