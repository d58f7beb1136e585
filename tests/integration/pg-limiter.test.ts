import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgRateLimiter } from '@/lib/ratelimit/pg-limiter';
import { RateBudgetExhaustedError } from '@/lib/ratelimit/types';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('Postgres rate limiter shared by processes', () => {
  let db: TestDatabase;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Two pools stand for two worker processes.
    pools.push(new pg.Pool({ connectionString: db.url, max: 4 }), new pg.Pool({ connectionString: db.url, max: 4 }));
    for (const p of pools) p.on('error', () => undefined); // connections cut by the final DROP DATABASE
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db.drop();
  });

  it('holds two processes together to the bucket rate', async () => {
    const policy = { capacity: 5, refillPerSecond: 20 };
    const [a, b] = pools.map((p) => new PgRateLimiter(p));
    const started = Date.now();
    await Promise.all(Array.from({ length: 45 }, (_, i) => (i % 2 ? a! : b!).acquire('test:shared', policy)));
    const elapsed = Date.now() - started;
    // 45 units with 5 in the bucket need 40 refilled at 20/s: at least 2 s, whoever spends them.
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(6000);
  });

  it('a 429 seen by one process blocks the other until the reset', async () => {
    const policy = { capacity: 100, refillPerSecond: 100 };
    const [a, b] = pools.map((p) => new PgRateLimiter(p));
    await a!.observe('test:blocked', policy, { blockedUntil: new Date(Date.now() + 800) });
    const t = Date.now();
    await b!.acquire('test:blocked', policy);
    expect(Date.now() - t).toBeGreaterThanOrEqual(700);
  });

  it('gives up with a clear error when the wait is longer than allowed', async () => {
    const policy = { capacity: 10, refillPerSecond: 10 };
    const a = new PgRateLimiter(pools[0]!);
    await a.observe('test:daily', policy, { remaining: 0, resetAt: new Date(Date.now() + 3_600_000) });
    await expect(a.acquire('test:daily', policy, 1, 1000)).rejects.toBeInstanceOf(RateBudgetExhaustedError);
  });

  it('lowers the bucket to what the vendor reports as remaining', async () => {
    const policy = { capacity: 10, refillPerSecond: 1 };
    const a = new PgRateLimiter(pools[0]!);
    await a.observe('test:remaining', policy, { remaining: 1 });
    const t = Date.now();
    await a.acquire('test:remaining', policy);
    await a.acquire('test:remaining', policy);
    expect(Date.now() - t).toBeGreaterThanOrEqual(800);
  });
});
