import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryRateLimiter } from '../ratelimit/memory-limiter';
import { errorFromResponse } from './brevo-error';
import { BrevoTransport } from './brevo-transport';
import { outcomeFromError } from './record-outcome';

type Scripted = { status: number; body?: unknown; headers?: Record<string, string> } | 'network' | 'timeout';

function scriptedFetch(script: Scripted[]) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    calls.push({ url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, init });
    const next = script.shift() ?? { status: 500 };
    if (next === 'network') return Promise.reject(new TypeError('fetch failed'));
    if (next === 'timeout') return Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const body = typeof next.body === 'string' ? next.body : next.body === undefined ? null : JSON.stringify(next.body);
    const type = typeof next.body === 'string' ? 'text/html' : 'application/json';
    return Promise.resolve(new Response(body, { status: next.status, headers: { 'content-type': type, ...(next.headers ?? {}) } }));
  };
  return { fetchImpl, calls };
}

function transport(script: Scripted[]) {
  const { fetchImpl, calls } = scriptedFetch(script);
  const sleeps: number[] = [];
  const logs: { obj: Record<string, unknown>; msg: string }[] = [];
  const t = new BrevoTransport({
    baseUrl: 'https://api.brevo.test/v3/',
    apiKey: 'xkeysib-test',
    limiter: new MemoryRateLimiter(),
    budgetKey: 'k',
    fetch: fetchImpl,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 1,
    maxRetries: 3,
    logger: { warn: (obj, msg) => logs.push({ obj, msg }) },
  });
  return { t, calls, sleeps, logs };
}

describe('BrevoTransport', () => {
  it('retries network errors, timeouts and gateway pages with doubling backoff, then returns typed data', async () => {
    const { t, calls, sleeps, logs } = transport(['network', 'timeout', { status: 502, body: '<html>bad gateway</html>' }, { status: 200, body: { id: 5 } }]);
    const res = await t.request({ method: 'GET', path: '/contacts/5', schema: z.object({ id: z.number() }), what: 'read' });
    expect(res.data).toEqual({ id: 5 });
    expect(logs.map((l) => l.obj.error ?? l.obj.status)).toEqual(['network', 'timeout', 502]);
    expect(JSON.stringify(logs)).not.toContain('xkeysib-test');
    expect(calls).toHaveLength(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(calls[0]?.url).toBe('https://api.brevo.test/v3/contacts/5');
    expect(new Headers(calls[0]?.init?.headers).get('api-key')).toBe('xkeysib-test');
  });

  it('gives up after maxRetries with a transient error, and never retries a 400', async () => {
    const a = transport(Array<Scripted>(4).fill({ status: 503 }));
    await expect(a.t.request({ method: 'GET', path: '/account', what: 'read the account' })).rejects.toMatchObject({ kind: 'transient', status: 503 });
    expect(a.calls).toHaveLength(4);
    const b = transport([{ status: 400, body: { code: 'invalid_parameter', message: 'Invalid phone number' } }]);
    await expect(b.t.request({ method: 'POST', path: '/contacts', body: {}, what: 'save' })).rejects.toMatchObject({ kind: 'invalid', brevoMessage: 'Invalid phone number' });
    expect(b.calls).toHaveLength(1);
  });

  it('retries when the body is cut off after the headers', async () => {
    let n = 0;
    const fetchImpl: typeof fetch = () => {
      n += 1;
      if (n === 1) {
        const broken = new ReadableStream({ start: (c) => c.error(new Error('socket hang up')) });
        return Promise.resolve(new Response(broken, { status: 200, headers: { 'content-type': 'application/json' } }));
      }
      return Promise.resolve(new Response(JSON.stringify({ id: 1 }), { status: 200, headers: { 'content-type': 'application/json' } }));
    };
    const t = new BrevoTransport({ baseUrl: 'https://api.brevo.test/v3', apiKey: 'k', limiter: new MemoryRateLimiter(), budgetKey: 'k', fetch: fetchImpl, sleep: () => Promise.resolve() });
    expect((await t.request({ method: 'GET', path: '/contacts/1', schema: z.object({ id: z.number() }), what: 'read' })).data).toEqual({ id: 1 });
    expect(n).toBe(2);
  });

  it('reports an answer of the wrong shape as a contract problem, not as data', async () => {
    const { t } = transport([{ status: 200, body: { id: 'five' } }]);
    await expect(t.request({ method: 'GET', path: '/contacts/5', schema: z.object({ id: z.number() }), what: 'read' })).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('sends query arrays as repeated parameters and skips undefined ones', async () => {
    const { t, calls } = transport([{ status: 200, body: { contacts: [], count: 0 } }]);
    await t.request({ method: 'GET', path: '/contacts', query: { listIds: [1, 2], limit: 10, sort: undefined }, what: 'list' });
    expect(calls[0]?.url).toBe('https://api.brevo.test/v3/contacts?listIds=1&listIds=2&limit=10');
  });

  it('after a 429 waits for the reset the headers announce (x-sib-ratelimit-reset or Retry-After)', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new MemoryRateLimiter(
      () => now,
      (ms) => {
        waits.push(ms);
        now += ms;
        return Promise.resolve();
      },
    );
    const { fetchImpl } = scriptedFetch([
      { status: 429, body: { code: 'too_many_requests', message: 'x' }, headers: { 'x-sib-ratelimit-remaining': '0', 'x-sib-ratelimit-reset': '7' } },
      { status: 429, body: { code: 'too_many_requests', message: 'x' }, headers: { 'retry-after': '3' } },
      { status: 204 },
    ]);
    const t = new BrevoTransport({ baseUrl: 'https://api.brevo.test/v3', apiKey: 'k', limiter, budgetKey: 'k', fetch: fetchImpl, now: () => now, sleep: () => Promise.resolve() });
    const res = await t.request({ method: 'DELETE', path: '/contacts/1', what: 'delete' });
    expect(res.status).toBe(204);
    expect(waits).toEqual([7000, 3000]);
  });
  it('paces with the limit Brevo announces, and not at all where Brevo announces none', async () => {
    const acquired: number[] = [];
    const limiter = new MemoryRateLimiter();
    const counting = {
      acquire: (key: string, policy: { capacity: number; refillPerSecond: number }, cost?: number, maxWaitMs?: number) => {
        acquired.push(policy.capacity);
        return limiter.acquire(key, policy, cost, maxWaitMs);
      },
      observe: limiter.observe.bind(limiter),
    };
    const advanced = { 'x-sib-ratelimit-limit': '20', 'x-sib-ratelimit-remaining': '19', 'x-sib-ratelimit-reset': '1' };
    const { fetchImpl } = scriptedFetch([{ status: 204, headers: advanced }, { status: 204, headers: advanced }, ...Array<Scripted>(6).fill({ status: 204 }), { status: 429, body: { code: 'too_many_requests', message: 'x' } }, { status: 204 }]);
    const t = new BrevoTransport({ baseUrl: 'https://api.brevo.test/v3', apiKey: 'k', limiter: counting, budgetKey: 'k', fetch: fetchImpl, sleep: () => Promise.resolve() });
    for (let i = 0; i < 9; i++) await t.request({ method: 'DELETE', path: `/contacts/${i}`, what: 'delete' });
    // 10 (General) for the first, 20 once announced; after 5 answers without headers nothing is
    // acquired; the 429 brings the General tier back for its retry.
    expect(acquired).toEqual([10, 20, 20, 20, 20, 20, 20, 10]);
  });
});

describe('BrevoTransport pacing under one-second windows', () => {
  function clocked(script: Scripted[]) {
    let now = 1_000_000;
    const starts: number[] = [];
    const sleep = (ms: number) => {
      now += ms;
      return Promise.resolve();
    };
    const limiter = new MemoryRateLimiter(() => now, sleep);
    const { fetchImpl } = scriptedFetch(script);
    // Each answer takes 50 ms.
    const recording: typeof fetch = (input, init) => {
      starts.push(now);
      now += 50;
      return fetchImpl(input, init);
    };
    const t = new BrevoTransport({ baseUrl: 'https://api.brevo.test/v3', apiKey: 'k', limiter, budgetKey: 'k', fetch: recording, now: () => now, sleep });
    return { t, starts };
  }
  const window = (remaining: number) => ({ status: 204, headers: { 'x-sib-ratelimit-limit': '10', 'x-sib-ratelimit-remaining': String(remaining), 'x-sib-ratelimit-reset': '1' } });

  it('does not hold the family for a whole second when its own paced calls emptied the window', async () => {
    const { t, starts } = clocked([...Array.from({ length: 10 }, (_, i) => window(9 - i)), window(9), window(8)]);
    for (let i = 0; i < 12; i++) await t.request({ method: 'DELETE', path: `/contacts/${i}`, what: 'delete' });
    // Ten in half a second, then the next ones a window (1,005 ms) after the answers of the first
    // and second (each answer takes 50 ms, within the arrival margin): the 'remaining 0' answer
    // (reset: 1 s) adds no wait of its own.
    expect(starts.slice(10).map((s) => s - starts[0]!)).toEqual([1055, 1105]);
  });

  it('waits for the reset when someone else used the window', async () => {
    const { t, starts } = clocked([window(0), window(9)]);
    await t.request({ method: 'DELETE', path: '/contacts/1', what: 'delete' });
    await t.request({ method: 'DELETE', path: '/contacts/2', what: 'delete' });
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(1000);
  });
});

describe('error classification', () => {
  it.each([
    [401, { message: 'Key not found', code: 'unauthorized' }, 'auth'],
    [401, { message: 'We have detected you are using an unrecognised IP address 1.2.3.4', code: 'unauthorized' }, 'ip_not_allowed'],
    [403, { code: 'permission_denied', message: 'x' }, 'permission'],
    [404, { code: 'document_not_found', message: 'Contact does not exist' }, 'not_found'],
    [429, { code: 'too_many_requests', message: 'x' }, 'rate_limited'],
    [425, { code: 'account_in_process', message: 'x' }, 'transient'],
    [400, { code: 'duplicate_parameter', message: 'Contact already exist' }, 'duplicate'],
    [400, { code: 'invalid_parameter', message: 'x', metadata: { duplicate_identifiers: ['email'] } }, 'duplicate'],
    [400, { code: 'invalid_parameter', message: 'Invalid phone number' }, 'invalid'],
  ])('%i %o is %s', (status, body, kind) => {
    const err = errorFromResponse(status, body, 'do it');
    expect(err.kind).toBe(kind);
    expect(err.message.length).toBeGreaterThan(20);
  });

  it.each([
    [{ code: 'duplicate_parameter', message: 'Unable to create contact, SMS is already associated with another Contact', metadata: { duplicate_identifiers: ['SMS'] } }, 'duplicate_sms'],
    [{ code: 'duplicate_parameter', message: 'contacts[3]: Unable to update contact, SMS is already associated with another Contact' }, 'duplicate_sms'],
    [{ code: 'duplicate_parameter', message: 'Unable to update contact, SMS or EXT_ID are already associated with another Contact' }, 'duplicate_sms'],
    [{ code: 'invalid_parameter', message: 'Invalid phone number' }, 'invalid_phone'],
    [{ code: 'invalid_parameter', message: 'Invalid WHATSAPP format' }, 'invalid_phone'],
    [{ code: 'invalid_parameter', message: 'Invalid email address' }, 'invalid_email'],
    [{ code: 'invalid_parameter', message: 'Unable to update contact, the contact is blocklisted' }, 'blocklisted'],
    [{ code: 'invalid_parameter', message: 'contacts[0]: Contact does not exist' }, 'not_found'],
  ])('record outcome of %o is %s', (body, reason) => {
    expect(outcomeFromError(errorFromResponse(400, body, 'save'), 'Contact x')).toMatchObject({ ok: false, reason });
  });

  it('leaves account-level failures to the caller', () => {
    expect(outcomeFromError(errorFromResponse(401, { code: 'unauthorized', message: 'Key not found' }, 'save'), 'x')).toBeUndefined();
    expect(outcomeFromError(errorFromResponse(503, 'down', 'save'), 'x')).toBeUndefined();
  });
});
