import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryRateLimiter } from '../ratelimit/memory-limiter';
import { FrozenClock } from '../../sandbox/brevo/frozen-clock';
import { startBrevoSandbox, type BrevoSandbox } from '../../sandbox/brevo/index';
import { contractFetch } from '../../sandbox/brevo/contract/contract-fetch';
import { BrevoClient, BrevoError } from './index';

// Real HTTP on a shared 2-core machine: room for load spikes (these tests take well under a second).
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

/*
 * The sandbox enforces Brevo's real limits on a clock that only moves when the client's limiter waits, so
 * these tests run in milliseconds while checking what would happen over seconds and hours.
 */
let sb: BrevoSandbox;
const clock = new FrozenClock();
// Waits overlap as real timers do: each sleeper moves the clock to its own due time, not by its duration.
const sleep = async (ms: number) => {
  const due = clock.now() + ms;
  await new Promise<void>((r) => setImmediate(r));
  if (clock.now() < due) clock.advance(due - clock.now());
};

beforeAll(async () => {
  sb = await startBrevoSandbox({ rateLimits: 'real', clock });
});
afterAll(async () => {
  await sb.close();
});

function worker(apiKey: string, limiter: MemoryRateLimiter, extra: Partial<ConstructorParameters<typeof BrevoClient>[0]> = {}) {
  return new BrevoClient({ baseUrl: `${sb.url}/v3`, apiKey, limiter, budgetKey: 'conn-1', now: () => clock.now(), sleep, fetch: contractFetch(`${sb.url}/v3`), ...extra });
}

/** Accepted (non-429) requests per clock second, per family, from the sandbox's log. */
function perSecond(apiKey: string, family: string): number[] {
  const counts = new Map<number, number>();
  for (const r of sb.control.requestLog(apiKey)) {
    if (r.family !== family || r.status === 429) continue;
    const s = Math.floor(r.at / 1000);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts.values()];
}

describe('shared rate budget', () => {
  it('two workers sharing one budget write 80 contacts without exceeding 10/s', async () => {
    const acc = sb.control.createAccount();
    const limiter = new MemoryRateLimiter(() => clock.now(), sleep);
    const a = worker(acc.apiKey, limiter);
    const b = worker(acc.apiKey, limiter);
    const started = clock.now();
    const inputs = Array.from({ length: 80 }, (_, i) => ({ email: `w${i}@x.io` }));
    const [ra, rb] = await Promise.all([a.upsertContacts(inputs.slice(0, 40), { concurrency: 4 }), b.upsertContacts(inputs.slice(40), { concurrency: 4 })]);
    expect([...ra, ...rb].every((o) => o.ok)).toBe(true);
    expect(sb.control.state(acc.apiKey).contacts).toHaveLength(80);
    expect(Math.max(...perSecond(acc.apiKey, 'contacts'))).toBeLessThanOrEqual(10);
    const rejected = sb.control.requestLog(acc.apiKey).filter((r) => r.status === 429).length;
    // Each worker discounts only its own requests in flight, so a window edge can still cost the other one a
    // 429 (then retried after the reset); it stays a small fraction of the 80 writes.
    expect(rejected).toBeLessThanOrEqual(8);
    // 80 requests at 10/s take at least 7 whole windows.
    expect(clock.now() - started).toBeGreaterThanOrEqual(7000);
  });

  it('keeps families apart: events do not spend the contacts budget', async () => {
    const acc = sb.control.createAccount();
    clock.advance(1000);
    const limiter = new MemoryRateLimiter(() => clock.now(), sleep);
    const client = worker(acc.apiKey, limiter);
    const t0 = clock.now();
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => client.upsertContact({ email: `f${i}@x.io` })),
      ...Array.from({ length: 10 }, (_, i) => client.sendEvent({ eventName: 'seen', identifiers: { email_id: `f${i}@x.io` } })),
    ]);
    expect(clock.now() - t0).toBeLessThan(1000);
    expect(sb.control.requestLog(acc.apiKey).every((r) => r.status !== 429)).toBe(true);
  });

  it('stops at the 100-per-hour budget of other endpoints with a rate_limited error saying when to retry', async () => {
    const acc = sb.control.createAccount();
    const limiter = new MemoryRateLimiter(() => clock.now(), sleep);
    const client = worker(acc.apiKey, limiter, { maxRateWaitMs: 60_000 });
    for (let i = 0; i < 100; i++) await client.getAccount();
    let err: unknown;
    try {
      await client.getAccount();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BrevoError);
    expect((err as BrevoError).kind).toBe('rate_limited');
    expect((err as BrevoError).retryAt?.getTime()).toBeGreaterThan(clock.now() + 60_000);
    expect(sb.control.requestLog(acc.apiKey).filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('after a 429 storm, waits for the advertised reset and succeeds', async () => {
    const acc = sb.control.createAccount();
    const limiter = new MemoryRateLimiter(() => clock.now(), sleep);
    const client = worker(acc.apiKey, limiter);
    sb.control.injectFault(acc.apiKey, { kind: 'rate-limit-storm', times: 2, resetSeconds: 5 });
    const t0 = clock.now();
    expect((await client.upsertContact({ email: 'storm@x.io' })).created).toBe(true);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(10_000);
    sb.control.injectFault(acc.apiKey, { kind: 'rate-limit-storm', times: 10, resetSeconds: 1 });
    await expect(client.upsertContact({ email: 'storm2@x.io' })).rejects.toMatchObject({ kind: 'rate_limited' });
  });
});
