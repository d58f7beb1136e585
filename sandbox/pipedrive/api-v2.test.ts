/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-explicit-any -- raw JSON bodies; the assertions are the shape checks */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClock } from '../shared/clock';
import { startPipedriveSandbox, type CompanyInfo, type RunningPipedriveSandbox } from './index';

let sb: RunningPipedriveSandbox;
let co: CompanyInfo;
let other: CompanyInfo;
const clock = new SandboxClock();

async function get(path: string, token = co.apiToken, base = co.apiDomain): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, { headers: { 'x-api-token': token } });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function send(method: string, path: string, body: unknown, token = co.apiToken): Promise<{ status: number; body: any }> {
  const res = await fetch(`${co.apiDomain}${path}`, { method, headers: { 'x-api-token': token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  sb = await startPipedriveSandbox({ clock });
  co = sb.control.createCompany({ domain: 'alpha', seed: { persons: 230, organizations: 12, deals: 30, activities: 20, leads: 8 } });
  other = sb.control.createCompany({ domain: 'beta', seed: { persons: 5 } });
});
afterAll(async () => sb.close());

describe('v2 cursor pagination', () => {
  it('walks every person exactly once, in id order, to next_cursor null', async () => {
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(`/api/v2/persons?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      ids.push(...r.body.data.map((p: { id: number }) => p.id));
      cursor = r.body.additional_data.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(ids).toHaveLength(230);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(230);
  });

  it('sorts by update_time descending and keeps the order across pages', async () => {
    const times: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await get(`/api/v2/persons?limit=50&sort_by=update_time&sort_direction=desc${cursor ? `&cursor=${cursor}` : ''}`);
      times.push(...r.body.data.map((p: { update_time: string }) => p.update_time));
      cursor = r.body.additional_data.next_cursor;
    } while (cursor);
    expect(times).toHaveLength(230);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('rejects limit above 500 and a cursor from another sort', async () => {
    expect((await get('/api/v2/persons?limit=501')).status).toBe(400);
    const first = await get('/api/v2/persons?limit=10');
    expect((await get(`/api/v2/persons?limit=10&sort_by=update_time&cursor=${first.body.additional_data.next_cursor}`)).status).toBe(400);
  });

  it('treats updated_since as inclusive and updated_until as exclusive', async () => {
    const all = (await get('/api/v2/persons?limit=500&sort_by=update_time')).body.data as { id: number; update_time: string }[];
    const pivot = all[100]!.update_time;
    const since = (await get(`/api/v2/persons?limit=500&updated_since=${pivot}`)).body.data as { update_time: string }[];
    const until = (await get(`/api/v2/persons?limit=500&updated_until=${pivot}`)).body.data as { update_time: string }[];
    expect(since.every((p) => p.update_time >= pivot)).toBe(true);
    expect(since.some((p) => p.update_time === pivot)).toBe(true);
    expect(until.every((p) => p.update_time < pivot)).toBe(true);
    expect(since.length + until.length).toBe(230);
  });

  it('filters by ids and narrows custom_fields to the asked keys', async () => {
    const r = await get('/api/v2/persons?ids=1,2,3');
    expect(r.body.data.map((p: { id: number }) => p.id)).toEqual([1, 2, 3]);
    const key = sb.control.company('alpha').fields.person[0]!.key;
    const narrowed = await get(`/api/v2/persons?ids=1&custom_fields=${key}`);
    expect(Object.keys(narrowed.body.data[0].custom_fields)).toEqual([key]);
  });
});

describe('v2 writes', () => {
  it('creates a person with emails (first becomes primary), updates and deletes it', async () => {
    const created = await send('POST', '/api/v2/persons', { name: 'Jane Roe', emails: [{ value: 'jane@example.com' }, { value: 'j@example.org', label: 'home' }] });
    expect(created.status).toBe(200);
    expect(created.body.data.emails).toEqual([
      { value: 'jane@example.com', label: 'work', primary: true },
      { value: 'j@example.org', label: 'home', primary: false },
    ]);
    const id = created.body.data.id as number;
    const patched = await send('PATCH', `/api/v2/persons/${id}`, { marketing_status: 'unsubscribed' });
    expect(patched.body.data.marketing_status).toBe('unsubscribed');
    expect((await send('DELETE', `/api/v2/persons/${id}`, {})).body).toEqual({ success: true, data: { id } });
    expect((await get(`/api/v2/persons/${id}`)).status).toBe(404);
  });

  it('answers errors with the standard envelope', async () => {
    const notFound = await get('/api/v2/persons/999999');
    expect(notFound.status).toBe(404);
    expect(notFound.body).toEqual({ success: false, error: 'Entity was not found', error_info: 'Object was not found.', data: null, additional_data: null });
    const bad = await send('POST', '/api/v2/deals', { value: 'lots' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: expect.stringContaining('value') as string, data: null, additional_data: null });
  });

  it('is strict about types and custom field values', async () => {
    expect((await send('POST', '/api/v2/persons', { name: 'X', owner_id: '1' })).status).toBe(400);
    const enumField = sb.control.company('alpha').fields.person.find((f) => f.field_type === 'enum')!;
    const bad = await send('PATCH', '/api/v2/persons/1', { custom_fields: { [enumField.key]: 999_999 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain(enumField.key);
    const good = await send('PATCH', '/api/v2/persons/1', { custom_fields: { [enumField.key]: enumField.options![0]!.id } });
    expect(good.body.data.custom_fields[enumField.key]).toBe(enumField.options![0]!.id);
  });

  it('refuses to edit an archived deal unless unarchiving it', async () => {
    const c = sb.control.company('alpha');
    const d = [...c.deals.values()].find((x) => !x.is_deleted && !x.is_archived)!;
    c.updateDeal(d.id, (x) => (x.is_archived = true), { userId: co.adminUserId, source: 'app' });
    expect((await send('PATCH', `/api/v2/deals/${d.id}`, { title: 'nope' })).status).toBe(400);
    expect((await send('PATCH', `/api/v2/deals/${d.id}`, { is_archived: false })).body.data.is_archived).toBe(false);
  });

  it('merges organizations: persons and deals move to the survivor', async () => {
    const c = sb.control.company('alpha');
    const [a, b] = [...c.organizations.values()].filter((o) => !o.is_deleted);
    const movedPersons = [...c.persons.values()].filter((p) => p.org_id === a!.id && !p.is_deleted).map((p) => p.id);
    const r = await send('PUT', `/v1/organizations/${a!.id}/merge`, { merge_with_id: b!.id });
    expect(r.body).toEqual({ success: true, data: { id: b!.id } });
    expect(c.organizations.get(a!.id)!.is_deleted).toBe(true);
    expect(movedPersons.every((id) => c.persons.get(id)!.org_id === b!.id)).toBe(true);
    expect([...c.deals.values()].some((d) => d.org_id === a!.id && !d.is_deleted)).toBe(false);
  });

  it('moves a deal to another stage and records stage_change_time', async () => {
    const stages = (await get('/api/v2/stages')).body.data as { id: number; pipeline_id: number }[];
    const deal = (await get('/api/v2/deals?limit=1')).body.data[0];
    const target = stages.find((s) => s.id !== deal.stage_id)!;
    const r = await send('PATCH', `/api/v2/deals/${deal.id}`, { stage_id: target.id });
    expect(r.body.data.stage_id).toBe(target.id);
    expect(r.body.data.stage_change_time).not.toBeNull();
  });
});

describe('tenancy and auth', () => {
  it("refuses a company's token on another company's api_domain", async () => {
    const r = await get('/api/v2/persons', co.apiToken, other.apiDomain);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ success: false, errorCode: 401 });
  });

  it('refuses calls without the company domain in the URL', async () => {
    const res = await fetch(`${sb.url}/api/v2/persons`, { headers: { 'x-api-token': co.apiToken } });
    expect(res.status).toBe(404);
  });

  it('serves v1 on both /api/v1 and /v1', async () => {
    expect((await get('/v1/users/me')).body.data.company_domain).toBe('alpha');
    expect((await get('/api/v1/users/me')).body.data.company_id).toBe(co.id);
  });
});

describe('v1 offset pagination', () => {
  it('pages leads with start/limit and more_items_in_collection, archived apart', async () => {
    const page1 = await get('/v1/leads?limit=3');
    const open = [...sb.control.company('alpha').leads.values()].filter((l) => !l.is_archived && !l.is_deleted);
    const archived = [...sb.control.company('alpha').leads.values()].filter((l) => l.is_archived);
    expect(page1.body.additional_data).toEqual({ start: 0, limit: 3, more_items_in_collection: open.length > 3 });
    const seen: string[] = [];
    for (let start = 0; ; start += 3) {
      const r = await get(`/v1/leads?limit=3&start=${start}`);
      seen.push(...r.body.data.map((l: { id: string }) => l.id));
      if (!r.body.additional_data.more_items_in_collection) break;
    }
    expect(seen.sort()).toEqual(open.map((l) => l.id).sort());
    const arch = await get('/v1/leads/archived?limit=500');
    expect(arch.body.data.map((l: { id: string }) => l.id).sort()).toEqual(archived.map((l) => l.id).sort());
  });

  it('serves recents at most a month back, with the pagination wrapper', async () => {
    const since = new Date(clock.now() - 5 * 864e5).toISOString().slice(0, 19).replace('T', ' ');
    const r = await get(`/v1/recents?since_timestamp=${encodeURIComponent(since)}&items=person,deal&limit=5`);
    expect(r.status).toBe(200);
    expect(r.body.additional_data.pagination).toMatchObject({ start: 0, limit: 5 });
    const old = new Date(clock.now() - 40 * 864e5).toISOString().slice(0, 19).replace('T', ' ');
    expect((await get(`/v1/recents?since_timestamp=${encodeURIComponent(old)}`)).status).toBe(400);
  });
});
