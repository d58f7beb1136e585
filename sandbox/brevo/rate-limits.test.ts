import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FrozenClock } from './frozen-clock';
import { startBrevoSandbox, type BrevoSandbox } from './index';
import { brevoHttp } from './test-http';

// Real HTTP on a shared 2-core machine: room for load spikes (these tests take well under a second).
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

let sb: BrevoSandbox;
const clock = new FrozenClock();
beforeAll(async () => {
  sb = await startBrevoSandbox({ rateLimits: 'real', clock });
});
afterAll(async () => {
  await sb.close();
});

function setup() {
  const acc = sb.control.createAccount();
  return { acc, call: brevoHttp(sb.url, acc.apiKey) };
}

describe('rate limits per endpoint family (real values)', () => {
  it('allows 10 contacts requests per second, then 429 with x-sib-ratelimit headers until the window resets', async () => {
    const { call } = setup();
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 11; i++) {
      last = await call('GET', '/contacts?limit=1');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
    expect(last?.headers.get('x-sib-ratelimit-limit')).toBe('10');
    expect(last?.headers.get('x-sib-ratelimit-remaining')).toBe('0');
    expect(last?.headers.get('x-sib-ratelimit-reset')).toBe('1');
    expect(last?.body).toMatchObject({ code: 'too_many_requests' });
    // Events have their own 10/s budget, untouched by the contacts burst.
    expect((await call('POST', '/events', { event_name: 'e', identifiers: { email_id: 'a@b.co' } })).status).toBe(204);
    clock.advance(1000);
    const next = await call('GET', '/contacts?limit=1');
    expect(next.status).toBe(200);
    expect(next.headers.get('x-sib-ratelimit-remaining')).toBe('9');
  });

  it('allows 100 requests per hour on other endpoints (companies, webhooks, account, processes)', async () => {
    const { call } = setup();
    for (let i = 0; i < 100; i++) {
      const path = ['/account', '/webhooks', '/companies', '/processes'][i % 4] ?? '/account';
      const r = await call('GET', path);
      expect(r.status, `${path} #${i}`).toBe(200);
    }
    const over = await call('GET', '/account');
    expect(over.status).toBe(429);
    expect(over.headers.get('x-sib-ratelimit-limit')).toBe('100');
    expect(Number(over.headers.get('x-sib-ratelimit-reset'))).toBeGreaterThan(3000);
    // The contacts family is separate.
    expect((await call('GET', '/contacts?limit=1')).status).toBe(200);
    clock.advance(3_600_000);
    expect((await call('GET', '/account')).status).toBe(200);
  });

  it('keeps budgets per account', async () => {
    const a = setup();
    const b = setup();
    for (let i = 0; i < 10; i++) await a.call('GET', '/contacts?limit=1');
    expect((await a.call('GET', '/contacts?limit=1')).status).toBe(429);
    expect((await b.call('GET', '/contacts?limit=1')).status).toBe(200);
    clock.advance(1000);
  });

  it('can be switched to tight or off', async () => {
    const { call } = setup();
    sb.control.setRateLimits('tight');
    const tight = [];
    for (let i = 0; i < 4; i++) tight.push((await call('GET', '/contacts?limit=1')).status);
    expect(tight).toEqual([200, 200, 200, 429]);
    sb.control.setRateLimits('off');
    for (let i = 0; i < 30; i++) expect((await call('GET', '/contacts?limit=1')).status).toBe(200);
    sb.control.setRateLimits('real');
  });
});

describe('faults', () => {
  it('answers injected 5xx (JSON or gateway HTML), 429 storms and record rejections, then recovers', async () => {
    const { acc, call } = setup();
    clock.advance(1000);
    sb.control.injectFault(acc.apiKey, { kind: 'status', status: 500, times: 1 });
    sb.control.injectFault(acc.apiKey, { kind: 'status', status: 502, times: 1, pathPrefix: '/contacts' });
    const r1 = await call('GET', '/contacts?limit=1');
    expect(r1.status).toBe(500);
    const r2 = await call('GET', '/contacts?limit=1');
    expect(r2.status).toBe(502);
    expect(r2.headers.get('content-type')).toContain('text/html');
    expect((await call('GET', '/contacts?limit=1')).status).toBe(200);
    sb.control.injectFault(acc.apiKey, { kind: 'rate-limit-storm', times: 3, method: 'POST' });
    for (let i = 0; i < 3; i++) expect((await call('POST', '/contacts', { email: 'a@x.io' })).status).toBe(429);
    expect((await call('POST', '/contacts', { email: 'a@x.io' })).status).toBe(201);
    sb.control.injectFault(acc.apiKey, { kind: 'reject-record', match: '+33612345678', reason: 'invalid_phone', times: 1 });
    const rej = await call('POST', '/contacts', { email: 'p@x.io', attributes: { SMS: '0033612345678' } });
    expect(rej.body).toEqual({ code: 'invalid_parameter', message: 'Invalid phone number' });
    expect((await call('POST', '/contacts', { email: 'p@x.io', attributes: { SMS: '0033612345678' } })).status).toBe(201);
  });

  it('holds a request on a timeout fault until the caller gives up', async () => {
    const acc = sb.control.createAccount();
    sb.control.injectFault(acc.apiKey, { kind: 'timeout', times: 1 });
    clock.advance(1000);
    const started = Date.now();
    await expect(fetch(`${sb.url}/v3/account`, { headers: { 'api-key': acc.apiKey }, signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await brevoHttp(sb.url, acc.apiKey)('GET', '/account')).status).toBe(200);
  });
});
