import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '@/lib/ratelimit/memory-limiter';
import { SandboxClock } from '@/sandbox/shared/clock';
import { startPipedriveSandbox, type CompanyInfo, type RunningPipedriveSandbox } from '@/sandbox/pipedrive';
import { PipedriveClient, type PipedriveClientOptions } from './client';
import { PipedriveError } from './errors';

let sb: RunningPipedriveSandbox;
let co: CompanyInfo;
let other: CompanyInfo;
const clock = new SandboxClock();
let calls: { method: string; url: string; status: number }[] = [];

/** Records every call; the sandbox clock is the limiter's and the client's clock, so waits are instant. */
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  calls.push({ method: init?.method ?? 'GET', url: input instanceof Request ? input.url : input.toString(), status: res.status });
  return res;
};

const advance = (ms: number) => {
  clock.advance(ms);
  return Promise.resolve();
};

/** A limiter on the sandbox clock; pass the same one to several clients to model several workers. */
function limiter(): MemoryRateLimiter {
  return new MemoryRateLimiter(() => clock.now(), advance);
}

function client(over: Partial<PipedriveClientOptions> = {}): PipedriveClient {
  return new PipedriveClient({
    apiDomain: co.apiDomain,
    auth: { kind: 'api_token', token: co.apiToken },
    limiter: limiter(),
    budgetKey: `pd:${co.id}`,
    fetch: recordingFetch,
    now: () => clock.now(),
    sleep: advance,
    backoffBaseMs: 100,
    ...over,
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(p: Promise<unknown>): Promise<PipedriveError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PipedriveError) return e;
    throw e;
  }
  throw new Error('expected a PipedriveError');
}

beforeAll(async () => {
  sb = await startPipedriveSandbox({ clock });
  co = sb.control.createCompany({ domain: 'client-co', plan: 'growth', seed: { persons: 1100, organizations: 40, deals: 120, activities: 80, leads: 1050, archivedLeadRate: 0.1 } });
  other = sb.control.createCompany({ domain: 'client-other', seed: { persons: 3 } });
}, 60_000);
afterAll(async () => sb.close());
beforeEach(() => {
  calls = [];
  sb.control.clearFaults();
  sb.control.setRateLimits({ mode: 'off' });
});

describe('pagination', () => {
  it('iterates every v2 person to the end over cursor pages of 500', async () => {
    const persons = await collect(client().persons());
    expect(persons).toHaveLength(1100);
    expect(new Set(persons.map((p) => p.id)).size).toBe(1100);
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.url.includes('/api/v2/persons'))).toBe(true);
  });

  it('iterates every v1 lead (open and archived) over start/limit pages', async () => {
    const c = sb.control.company('client-co');
    const open = [...c.leads.values()].filter((l) => !l.is_archived).length;
    const leads = await collect(client().leads());
    expect(leads).toHaveLength(open);
    expect(leads.every((l) => !l.is_archived)).toBe(true);
    expect(calls.length).toBe(Math.ceil(open / 500));
    const archived = await collect(client().leads({ archived: true }));
    expect(archived.length).toBe(c.leads.size - open);
    expect(archived.every((l) => l.is_archived)).toBe(true);
    expect(leads[0]!.custom_fields).toBeTypeOf('object');
    const pivot = [...c.leads.values()].filter((l) => !l.is_archived).sort((a, b) => a.update_time - b.update_time)[300]!;
    const recent = await collect(client().leads({ updatedSince: new Date(pivot.update_time) }));
    expect(recent.length).toBe([...c.leads.values()].filter((l) => !l.is_archived && l.update_time >= pivot.update_time).length);
  });

  it('follows next_start through several recents pages (pagination wrapper)', async () => {
    // since_timestamp has one-second resolution: start at the next whole second.
    const since = new Date(Math.ceil((clock.now() + 1) / 1000) * 1000);
    clock.advance(2000);
    for (let id = 100; id < 700; id++) sb.control.editPerson('client-co', id, { last_name: `R${id}` });
    const recents = await collect(client().recents({ since, items: ['person'] }));
    expect(recents.map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 600 }, (_, i) => 100 + i));
    expect(calls).toHaveLength(2);
  });

  it('refuses recents older than a month without calling Pipedrive', () => {
    expect(() => client().recents({ since: new Date(clock.now() - 40 * 864e5) })).toThrow(PipedriveError);
    expect(calls).toHaveLength(0);
  });

  it('resumes from a checkpointed cursor', async () => {
    const pages = client().dealPages({ limit: 50 });
    const first = (await pages.next()).value!;
    const rest = await collect(client().deals({ limit: 50, cursor: first.nextCursor! }));
    expect(first.items.length + rest.length).toBe(120);
  });

  it('honours updated_since (inclusive) and updated_until (exclusive)', async () => {
    const all = await collect(client().persons({ sortBy: 'update_time' }));
    const pivot = all[600]!.update_time!;
    const since = await collect(client().persons({ updatedSince: pivot }));
    const until = await collect(client().persons({ updatedUntil: pivot }));
    expect(since.some((p) => p.update_time === pivot)).toBe(true);
    expect(until.every((p) => p.update_time! < pivot)).toBe(true);
    expect(since.length + until.length).toBe(1100);
  });

  it('reads pipelines, stages, fields, recents and the current user', async () => {
    const cl = client();
    expect((await collect(cl.pipelines())).length).toBe(1);
    expect((await collect(cl.stages({ pipelineId: 1 }))).map((s) => s.order_nr)).toEqual([1, 2, 3, 4, 5]);
    const fields = await collect(cl.fields('person'));
    expect(fields.filter((f) => f.is_custom_field).every((f) => /^[0-9a-f]{40}$/.test(f.field_code))).toBe(true);
    const me = await cl.me();
    expect(me).toMatchObject({ company_id: co.id, company_domain: 'client-co', id: co.adminUserId });
    sb.control.editPerson('client-co', 5, { name: 'Recently Edited' });
    const recents = await collect(cl.recents({ since: new Date(clock.now() - 1000), items: ['person'] }));
    expect(recents.map((r) => r.id)).toContain(5);
  });
});

describe('writes', () => {
  it('writes an unsubscribe back to a person and creates an activity', async () => {
    const cl = client();
    const p = await cl.createPerson({ name: 'Una Subscribe', emails: [{ value: 'una@example.com' }], marketing_status: 'subscribed' });
    const updated = await cl.updatePerson(p.id, { marketing_status: 'unsubscribed' });
    expect(updated.marketing_status).toBe('unsubscribed');
    expect((await cl.getPerson(p.id, { includeMarketingStatus: true })).marketing_status).toBe('unsubscribed');
    const a = await cl.createActivity({ subject: 'Opened newsletter', type: 'email', participants: [{ person_id: p.id, primary: true }], done: true });
    expect(a.person_id).toBe(p.id);
  });

  it('refuses an invalid body before sending it', async () => {
    await expect(client().updatePerson(1, { owner_id: '1' } as never)).rejects.toThrow();
    expect(calls).toHaveLength(0);
  });
});

describe('errors', () => {
  it('classifies 404 as not_found, 400 as invalid, and a foreign api_domain as auth', async () => {
    expect((await failure(client().getDeal(99_999))).kind).toBe('not_found');
    const enumField = sb.control.company('client-co').fields.person.find((f) => f.field_type === 'enum')!;
    const invalid = await failure(client().updatePerson(2, { custom_fields: { [enumField.key]: 123_456 } }));
    expect(invalid.kind).toBe('invalid');
    expect(invalid.adminMessage).toContain(enumField.key);
    const wrongBase = await failure(client({ apiDomain: other.apiDomain }).me());
    expect(wrongBase.kind).toBe('auth');
    expect(wrongBase.adminMessage).toMatch(/reconnect pipedrive/i);
  });

  it('classifies a missing OAuth scope as permission', async () => {
    const app = sb.control.registerApp({ redirectUri: 'https://app.example.com/cb', scopes: ['base', 'deals:read'] });
    const tokens = sb.control.issueTokens({ clientId: app.clientId, domain: 'client-co' });
    const cl = client({ auth: { kind: 'oauth', getAccessToken: () => Promise.resolve(tokens.access_token) } });
    expect((await cl.getDeal(1)).id).toBe(1);
    const denied = await failure(cl.getPerson(1));
    expect(denied.kind).toBe('permission');
    expect(denied.adminMessage).toMatch(/reinstall/i);
  });

  it('uses the OAuth bearer token, refreshes once on 401 and then succeeds', async () => {
    const app = sb.control.registerApp({ redirectUri: 'https://app.example.com/cb2' });
    let tokens = sb.control.issueTokens({ clientId: app.clientId, domain: 'client-co' });
    let refreshed = 0;
    const cl = client({
      auth: {
        kind: 'oauth',
        getAccessToken: () => Promise.resolve(tokens.access_token),
        onUnauthorized: () => {
          refreshed++;
          tokens = sb.control.issueTokens({ clientId: app.clientId, domain: 'client-co' });
          return Promise.resolve();
        },
      },
    });
    expect((await cl.me()).id).toBe(co.adminUserId);
    clock.advance(61 * 60_000);
    expect((await cl.me()).id).toBe(co.adminUserId);
    expect(refreshed).toBe(1);
    expect(calls.map((c) => c.status)).toEqual([200, 401, 200]);
  });
});

describe('rate limits', () => {
  it('slows down before the burst limit instead of hitting 429', async () => {
    sb.control.setRateLimits({ mode: 'tight', burst: 4, dailyBudget: 100_000 });
    const cl = client();
    const started = clock.now();
    for (let i = 1; i <= 12; i++) await cl.getPerson(i);
    expect(calls.filter((c) => c.status === 429)).toEqual([]);
    // 12 requests at 4 per 2 s need at least two window resets on the shared clock.
    expect(clock.now() - started).toBeGreaterThanOrEqual(4000);
  });

  it('recovers from a 429 storm by waiting for the reset', async () => {
    sb.control.injectFault({ kind: 'rate_limit', count: 3 });
    const warnings: string[] = [];
    const started = clock.now();
    const p = await client({ log: { warn: (_o, msg) => warnings.push(msg) } }).getPerson(3);
    expect(p.id).toBe(3);
    expect(calls.map((c) => c.status)).toEqual([429, 429, 429, 200]);
    // Each 429 said x-ratelimit-reset: 2, and the shared limiter waited that long on the clock.
    expect(clock.now() - started).toBeGreaterThanOrEqual(6000);
    expect(warnings).toEqual(Array(3).fill('Pipedrive rate limit hit, waiting for the reset'));
  });

  it('pauses every worker of the company just before the daily budget runs out, without a 429', async () => {
    const b = sb.control.createCompany({ domain: 'client-budget-1', seed: { persons: 3, deals: 2, organizations: 1 } });
    sb.control.setRateLimits({ mode: 'real', dailyBudget: 75 });
    const shared = limiter();
    const worker = () => client({ apiDomain: b.apiDomain, auth: { kind: 'api_token', token: b.apiToken }, limiter: shared, budgetKey: `pd:${b.id}` });
    const w1 = worker();
    const w2 = worker();
    await collect(w1.persons());
    await collect(w2.deals());
    await w1.getPerson(1);
    await collect(w2.persons());
    // 34 tokens left after this list: below the reserve, so the company pauses now.
    await collect(w1.organizations());
    const before = calls.length;
    const spent = await failure(w2.getPerson(2));
    expect(spent.kind).toBe('budget_exhausted');
    expect(spent.retryAt!.toISOString()).toBe(`${new Date(clock.now() + 864e5).toISOString().slice(0, 10)}T00:00:00.000Z`);
    expect(spent.adminMessage).toMatch(/daily API budget/);
    expect(calls.length).toBe(before);
    expect(calls.some((c) => c.status === 429)).toBe(false);
    expect(sb.control.budget('client-budget-1').used).toBe(41);
  });

  it('pauses after a daily-budget 429 and stops calling until the reset', async () => {
    const b = sb.control.createCompany({ domain: 'client-budget-2', seed: { persons: 2 } });
    sb.control.setRateLimits({ mode: 'real', dailyBudget: 0 });
    const cl = client({ apiDomain: b.apiDomain, auth: { kind: 'api_token', token: b.apiToken }, budgetKey: `pd:${b.id}` });
    const spent = await failure(cl.getPerson(1));
    expect(spent.kind).toBe('budget_exhausted');
    expect(calls.map((c) => c.status)).toEqual([429]);
    expect((await failure(cl.getPerson(1))).kind).toBe('budget_exhausted');
    expect(calls).toHaveLength(1);
    // After midnight UTC on the shared clock the company works again.
    await advance(spent.retryAt!.getTime() - clock.now());
    sb.control.setRateLimits({ mode: 'real', dailyBudget: 100 });
    expect((await cl.getPerson(1)).id).toBe(1);
  });
});

describe('faults', () => {
  it('retries GETs through 5xx and gives up with a transient error', async () => {
    sb.control.injectFault({ kind: 'server_error', status: 502, count: 2 });
    expect((await client().getPerson(4)).id).toBe(4);
    expect(calls.map((c) => c.status)).toEqual([502, 502, 200]);
    sb.control.injectFault({ kind: 'server_error', count: 10 });
    const e = await failure(client({ maxRetries: 2 }).getPerson(4));
    expect(e.kind).toBe('transient');
    expect(e.status).toBe(503);
  });

  it('does not repeat a POST after a 5xx', async () => {
    sb.control.injectFault({ kind: 'server_error', count: 1, method: 'POST' });
    const e = await failure(client().createPerson({ name: 'Once Only' }));
    expect(e.kind).toBe('transient');
    expect(calls).toHaveLength(1);
  });

  it('times out a hanging request and retries it', async () => {
    sb.control.injectFault({ kind: 'timeout', count: 1 });
    expect((await client({ timeoutMs: 500 }).getPerson(6)).id).toBe(6);
    expect(calls).toHaveLength(1);
  });

  it('waits for a slow answer within the timeout', async () => {
    sb.control.injectFault({ kind: 'slow', delayMs: 100 });
    expect((await client({ timeoutMs: 2000 }).getPerson(7)).id).toBe(7);
  });

  it('classifies the Cloudflare HTML block as a rate limit and does not hammer on', async () => {
    sb.control.injectFault({ kind: 'abuse_block', count: 1 });
    const e = await failure(client({ maxRetries: 0 }).getPerson(9));
    expect(e.kind).toBe('rate_limited');
    expect(e.adminMessage).toMatch(/blocked/);
    expect(e.retryAt!.getTime()).toBeGreaterThanOrEqual(clock.now() + 9 * 60_000);
  });

  it('retries a malformed body', async () => {
    sb.control.injectFault({ kind: 'malformed', count: 1 });
    expect((await client().getPerson(8)).id).toBe(8);
    expect(calls.map((c) => c.status)).toEqual([200, 200]);
  });
});
