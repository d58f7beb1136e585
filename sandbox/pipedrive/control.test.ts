import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClock } from '../shared/clock';
import { seedDemoCompany, startPipedriveSandbox, type CompanyInfo, type RunningPipedriveSandbox } from './index';

const clock = new SandboxClock();
let sb: RunningPipedriveSandbox;

async function control<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sb.url}/_control${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  sb = await startPipedriveSandbox({ clock, rateLimits: 'real' });
});
afterAll(async () => sb.close());

describe('control API over HTTP', () => {
  it('creates and seeds a company, acts as a UI user, and inspects state', async () => {
    const created = await control<CompanyInfo>('POST', '/companies', { domain: 'ctl', plan: 'lite', seed: { persons: 10, deals: 4 } });
    expect(created.status).toBe(200);
    expect(created.body.apiDomain).toBe(`${sb.url}/d/ctl`);
    const stats = await control<Record<string, number>>('GET', '/stats/ctl');
    expect(stats.body).toMatchObject({ persons: 10, deals: 4 });
    await control('POST', '/seed', { domain: 'ctl', options: { persons: 5 } });
    expect((await control<Record<string, number>>('GET', '/stats/ctl')).body.persons).toBe(15);

    const deal = (await control<{ stage_id: number }>('GET', '/deals/ctl/1')).body;
    const moved = await control<{ stage_id: number; stage_change_time: number }>('POST', '/ui/move-deal', { domain: 'ctl', dealId: 1, stageId: deal.stage_id === 1 ? 2 : 1 });
    expect(moved.body.stage_id).not.toBe(deal.stage_id);
    const edited = await control<{ name: string }>('POST', '/ui/edit-person', { domain: 'ctl', id: 2, edit: { name: 'Edited In UI' } });
    expect(edited.body.name).toBe('Edited In UI');
    await control('POST', '/ui/merge-persons', { domain: 'ctl', fromId: 3, intoId: 4 });
    expect((await control<{ is_deleted: boolean }>('GET', '/persons/ctl/3')).body.is_deleted).toBe(true);
    const act = await control<{ done: boolean; deal_id: number }>('POST', '/ui/log-activity', { domain: 'ctl', subject: 'Called', dealId: 1 });
    expect(act.body).toMatchObject({ done: true, deal_id: 1 });
    expect((await control('POST', '/ui/move-deal', { domain: 'ctl', dealId: 1 })).status).toBe(400);
    expect((await control('POST', '/seed', { domain: 'ctl', options: { persons: -1 } })).status).toBe(400);
    expect((await control('POST', '/companies', { domain: 'Bad Domain!' })).status).toBe(400);
    expect((await control('POST', '/ui/edit-person', { domain: 'ctl', id: 2, edit: { emails: 'x' } })).status).toBe(400);
  });

  it('makes UI changes in the past, which the v2 lists then show with those times', async () => {
    const now = clock.now();
    const dayAgo = now - 864e5;
    const monthAgo = now - 30 * 864e5;
    const stage = (await control<{ stage_id: number }>('GET', '/deals/ctl/1')).body.stage_id === 1 ? 2 : 1;
    const deal = (await control<{ id: number; add_time: number }>('POST', '/ui/create-deal', { domain: 'ctl', title: 'Old deal', stageId: 1, at: monthAgo })).body;
    expect(deal.add_time).toBe(monthAgo);
    const moved = (await control<{ stage_id: number; stage_change_time: number; update_time: number }>('POST', '/ui/move-deal', { domain: 'ctl', dealId: deal.id, stageId: stage, at: dayAgo })).body;
    expect(moved).toMatchObject({ stage_id: stage, stage_change_time: dayAgo, update_time: dayAgo });
    const won = (await control<{ won_time: number }>('POST', '/ui/deal-status', { domain: 'ctl', dealId: deal.id, status: 'won', at: dayAgo + 1_000 })).body;
    expect(won.won_time).toBe(dayAgo + 1_000);
    const act = (await control<{ id: number; add_time: number; update_time: number }>('POST', '/ui/log-activity', { domain: 'ctl', subject: 'Old call', personId: 5, at: monthAgo })).body;
    expect(act).toMatchObject({ add_time: monthAgo, update_time: monthAgo });
    // The clock itself did not move: the next change happens now.
    const later = (await control<{ add_time: number }>('POST', '/ui/log-activity', { domain: 'ctl', subject: 'New call', personId: 5 })).body;
    expect(later.add_time).toBeGreaterThanOrEqual(now);

    const token = [...sb.control.company('ctl').apiTokens.keys()][0]!;
    const since = new Date(now - 7 * 864e5).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const res = await fetch(`${sb.url}/d/ctl/api/v2/activities?updated_since=${since}`, { headers: { 'x-api-token': token } });
    const ids = ((await res.json()) as { data: { id: number }[] }).data.map((a) => a.id);
    expect(ids).not.toContain(act.id);
    const dealRes = await fetch(`${sb.url}/d/ctl/api/v2/deals/${deal.id}`, { headers: { 'x-api-token': token } });
    expect(((await dealRes.json()) as { data: { stage_change_time: string } }).data.stage_change_time).toBe(new Date(dayAgo).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect((await control('POST', '/ui/move-deal', { domain: 'ctl', dealId: deal.id, stageId: 1, at: 'yesterday' })).status).toBe(400);
  });

  it('logs the API requests an app sent', async () => {
    const co = sb.control.company('ctl');
    const token = [...co.apiTokens.keys()][0]!;
    await fetch(`${sb.url}/d/ctl/api/v1/users/me`, { headers: { 'x-api-token': token } });
    await fetch(`${sb.url}/d/ctl/api/v2/persons?updated_since=2026-01-01T00:00:00Z`, { headers: { 'x-api-token': token } });
    const log = (await control<{ method: string; path: string; query: Record<string, string>; status: number }[]>('GET', '/requests?domain=ctl')).body.slice(-2);
    expect(log).toMatchObject([
      { method: 'GET', path: '/v1/users/me', status: 200 },
      { method: 'GET', path: '/api/v2/persons', query: { updated_since: '2026-01-01T00:00:00Z' }, status: 200 },
    ]);
  });

  it('advances the clock and manages faults', async () => {
    const before = (await control<{ now: number }>('GET', '/clock')).body.now;
    const after = (await control<{ now: number }>('POST', '/clock/advance', { ms: 3_600_000 })).body.now;
    expect(after - before).toBeGreaterThanOrEqual(3_600_000);
    await control('POST', '/faults', { kind: 'server_error', status: 500, count: 2, pathIncludes: '/api/v2/deals' });
    expect((await control<unknown[]>('GET', '/faults')).body).toHaveLength(1);
    await control('DELETE', '/faults');
    expect((await control<unknown[]>('GET', '/faults')).body).toHaveLength(0);
  });
});

describe('rate limits as Pipedrive enforces them', () => {
  it('sends x-ratelimit and daily-budget headers and spends x-token-cost', async () => {
    const co = sb.control.createCompany({ domain: 'rl', plan: 'lite', seed: { persons: 3 } });
    const res = await fetch(`${co.apiDomain}/api/v2/persons`, { headers: { 'x-api-token': co.apiToken } });
    // Lite plan, API token: 20 per 2 s; budget 30,000 × 1 × 3 seats; a v2 list costs 10.
    expect(res.headers.get('x-ratelimit-limit')).toBe('20');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('19');
    expect(res.headers.get('x-daily-ratelimit-token-limit')).toBe('90000');
    expect(res.headers.get('x-daily-ratelimit-token-remaining')).toBe('89990');
    expect(sb.control.budget('rl')).toEqual({ used: 10, limit: 90_000 });
  });

  it('limits search to 10 requests per 2 s whatever the plan', async () => {
    const co = sb.control.createCompany({ domain: 'rl-search', plan: 'ultimate', seed: { persons: 2 } });
    const search = () => fetch(`${co.apiDomain}/api/v2/persons/search?term=ab`, { headers: { 'x-api-token': co.apiToken } });
    for (let i = 0; i < 10; i++) expect((await search()).status).toBe(200);
    expect((await search()).status).toBe(429);
    expect((await fetch(`${co.apiDomain}/api/v2/persons`, { headers: { 'x-api-token': co.apiToken } })).status).toBe(200);
  });

  it('answers 429 after the burst and recovers after the 2 s window', async () => {
    sb.control.setRateLimits({ mode: 'tight', burst: 3, dailyBudget: 10_000 });
    const co = sb.control.createCompany({ domain: 'rl2', seed: { persons: 1 } });
    const get = () => fetch(`${co.apiDomain}/api/v2/persons/1`, { headers: { 'x-api-token': co.apiToken } });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ success: false, error: 'Request over limit', error_info: 'Please check developers.pipedrive.com', data: null, additional_data: null });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    clock.advance(2_000);
    expect((await get()).status).toBe(200);
    sb.control.setRateLimits({ mode: 'real' });
  });

  it('refuses every call once the daily budget is spent, until midnight UTC', async () => {
    sb.control.setRateLimits({ mode: 'real', dailyBudget: 3 });
    const co = sb.control.createCompany({ domain: 'rl3', seed: { persons: 1 } });
    const get = () => fetch(`${co.apiDomain}/api/v2/persons/1`, { headers: { 'x-api-token': co.apiToken } });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    const spent = await get();
    expect(spent.status).toBe(429);
    expect(spent.headers.get('x-daily-ratelimit-token-remaining')).toBe('0');
    expect(((await spent.json()) as { error: string }).error).toBe('API requests limit reached for a company');
    const now = clock.now();
    clock.advance(Date.parse(new Date(now + 864e5).toISOString().slice(0, 10)) - now);
    expect((await get()).status).toBe(200);
    sb.control.setRateLimits({ mode: 'off' });
  });
});

describe('demo company and inspector', () => {
  it('seeds the demo company with two pipelines and custom fields', () => {
    const demo = seedDemoCompany(sb.control);
    const c = sb.control.company(demo.domain);
    expect(sb.control.stats(demo.domain)).toMatchObject({ persons: 300, organizations: 60, deals: 120, pipelines: 2 });
    expect(c.fields.person.map((f) => f.name)).toContain('Lead source');
    expect(c.fields.organization.map((f) => f.name)).toEqual(expect.arrayContaining(['Industry', 'Company size']));
    expect(new Set([...c.deals.values()].map((d) => d.pipeline_id)).size).toBe(2);
    expect(seedDemoCompany(sb.control).id).toBe(demo.id);
  });

  it('seeds the demo company over HTTP too', async () => {
    const r = await control<CompanyInfo>('POST', '/demo', { domain: 'demo-http' });
    expect(r.body.domain).toBe('demo-http');
    expect(sb.control.stats('demo-http').persons).toBe(300);
  });

  it('lists deals by stage and moves a deal, edits a person and logs an activity from the page', async () => {
    const demo = seedDemoCompany(sb.control);
    const page = await (await fetch(`${sb.url}/_inspector/${demo.domain}`)).text();
    expect(page).toContain('<h2>Sales</h2>');
    expect(page).toContain('<h2>Partnerships</h2>');
    const deal = [...sb.control.company(demo.domain).deals.values()].find((d) => d.status === 'open')!;
    const target = [...sb.control.company(demo.domain).stages.values()].find((s) => s.id !== deal.stage_id)!;
    const post = (action: string, form: Record<string, string>) =>
      fetch(`${sb.url}/_inspector/${demo.domain}/${action}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    expect((await post('move-deal', { dealId: String(deal.id), stageId: String(target.id) })).status).toBe(303);
    expect(sb.control.deal(demo.domain, deal.id)!.stage_id).toBe(target.id);
    await post('edit-person', { personId: '1', name: 'Inspector Edit', email: 'inspector@example.com' });
    expect(sb.control.person(demo.domain, 1)).toMatchObject({ name: 'Inspector Edit', emails: [{ value: 'inspector@example.com', primary: true, label: 'work' }] });
    const before = sb.control.stats(demo.domain).activities!;
    await post('log-activity', { dealId: String(deal.id), subject: 'Demo call' });
    expect(sb.control.stats(demo.domain).activities).toBe(before + 1);
  });
});
