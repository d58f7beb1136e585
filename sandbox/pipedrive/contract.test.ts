import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allApiRoutes } from './api-dispatch';
import { startPipedriveSandbox, type CompanyInfo, type RunningPipedriveSandbox } from './index';
import { contractTargetOf, OpenApiContract, specsLocation } from './openapi-contract';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const specs = specsLocation(repoRoot, process.env.PIPEBRIDGE_SPECS_DIR);
if (!specs.available) console.warn(`Pipedrive contract tests skipped: no OpenAPI specs in ${specs.dir} (set PIPEBRIDGE_SPECS_DIR)`);

interface Sample {
  path: string;
  body?: unknown;
  status?: number;
  /** Keys asked for with include_fields, which the spec's response schema does not list. */
  ignoreDataKeys?: string[];
}

// Compiling the spec schemas is slow on a loaded machine: allow 30 s per test.
describe.skipIf(!specs.available)('sandbox responses match the official OpenAPI specs', { timeout: 30_000 }, () => {
  let sb: RunningPipedriveSandbox;
  let co: CompanyInfo;
  let contract: OpenApiContract;
  let leadId: string;
  let scratchPerson: number;
  let scratchOrg: number;
  let scratchDeal: number;
  let scratchActivity: number;
  let webhookId: number;

  beforeAll(async () => {
    contract = OpenApiContract.load(specs.dir);
    sb = await startPipedriveSandbox();
    co = sb.control.createCompany({ domain: 'contract', seed: { persons: 30, organizations: 5, deals: 10, activities: 10, leads: 6, archivedLeadRate: 0.5, archivedDealRate: 0.3 } });
    const c = sb.control.company('contract');
    leadId = [...c.leads.values()].find((l) => !l.is_archived)!.id;
    scratchPerson = sb.control.createPerson('contract', { name: 'Scratch Person', emails: ['s@example.com'] }).id;
    scratchOrg = c.createOrganization({ name: 'Scratch Org', owner_id: co.adminUserId, visible_to: 3, address: null, label_ids: [], custom_fields: {} }, { userId: co.adminUserId, source: 'app' }).id;
    scratchDeal = [...c.deals.values()].find((d) => !d.is_archived)!.id;
    scratchActivity = [...c.activities.values()][0]!.id;
  }, 60_000);
  afterAll(async () => sb?.close());

  async function call(method: string, s: Sample) {
    const res = await fetch(`${co.apiDomain}${s.path}`, {
      method,
      headers: { 'x-api-token': co.apiToken, 'content-type': 'application/json' },
      body: s.body === undefined ? undefined : JSON.stringify(s.body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  function samples(): Record<string, () => Sample> {
    const c = sb.control.company('contract');
    const stage = [...c.stages.values()][1]!;
    return {
      'GET /api/v2/persons': () => ({ path: '/api/v2/persons?limit=5&sort_by=update_time&sort_direction=desc' }),
      'GET /api/v2/persons/:id': () => ({ path: `/api/v2/persons/${scratchPerson}` }),
      'POST /api/v2/persons': () => ({ path: '/api/v2/persons', body: { name: 'New One', emails: [{ value: 'n@example.com', primary: true, label: 'work' }], phones: [{ value: '+4930123456' }] } }),
      'PATCH /api/v2/persons/:id': () => ({ path: `/api/v2/persons/${scratchPerson}`, body: { name: 'Scratch Renamed' } }),
      'DELETE /api/v2/persons/:id': () => ({ path: `/api/v2/persons/${sb.control.createPerson('contract', { name: 'Doomed' }).id}` }),
      'GET /api/v2/organizations': () => ({ path: '/api/v2/organizations?limit=3' }),
      'GET /api/v2/organizations/:id': () => ({ path: `/api/v2/organizations/${scratchOrg}` }),
      'POST /api/v2/organizations': () => ({ path: '/api/v2/organizations', body: { name: 'Org Co' } }),
      'PATCH /api/v2/organizations/:id': () => ({ path: `/api/v2/organizations/${scratchOrg}`, body: { name: 'Org Renamed' } }),
      'DELETE /api/v2/organizations/:id': () => ({ path: `/api/v2/organizations/${c.createOrganization({ name: 'Doomed Org', owner_id: co.adminUserId, visible_to: 3, address: null, label_ids: [], custom_fields: {} }, { userId: co.adminUserId, source: 'app' }).id}` }),
      'GET /api/v2/deals': () => ({ path: '/api/v2/deals?limit=3&status=open,won' }),
      'GET /api/v2/deals/:id': () => ({ path: `/api/v2/deals/${scratchDeal}` }),
      'POST /api/v2/deals': () => ({ path: '/api/v2/deals', body: { title: 'Big deal', value: 1200, currency: 'USD' } }),
      'PATCH /api/v2/deals/:id': () => ({ path: `/api/v2/deals/${scratchDeal}`, body: { stage_id: stage.id } }),
      'DELETE /api/v2/deals/:id': () => ({ path: `/api/v2/deals/${[...c.deals.values()].filter((d) => !d.is_deleted).pop()!.id}` }),
      'GET /api/v2/deals/archived': () => ({ path: '/api/v2/deals/archived' }),
      'GET /api/v2/activities': () => ({ path: '/api/v2/activities?limit=3&done=true' }),
      'GET /api/v2/activities/:id': () => ({ path: `/api/v2/activities/${scratchActivity}` }),
      'POST /api/v2/activities': () => ({ path: '/api/v2/activities', body: { subject: 'Call back', type: 'call', participants: [{ person_id: scratchPerson, primary: true }], due_date: '2026-12-01' } }),
      'PATCH /api/v2/activities/:id': () => ({ path: `/api/v2/activities/${scratchActivity}`, body: { done: true } }),
      'DELETE /api/v2/activities/:id': () => ({ path: `/api/v2/activities/${[...c.activities.values()].filter((a) => !a.is_deleted).pop()!.id}` }),
      'GET /api/v2/pipelines': () => ({ path: '/api/v2/pipelines' }),
      'GET /api/v2/pipelines/:id': () => ({ path: '/api/v2/pipelines/1' }),
      'GET /api/v2/stages': () => ({ path: '/api/v2/stages?pipeline_id=1&sort_by=order_nr' }),
      'GET /api/v2/stages/:id': () => ({ path: `/api/v2/stages/${stage.id}` }),
      'GET /api/v2/persons/search': () => ({ path: '/api/v2/persons/search?term=Scratch&fields=name' }),
      'GET /api/v2/itemSearch': () => ({ path: '/api/v2/itemSearch?term=Org&item_types=organization,deal,person' }),
      'GET /v1/users/me': () => ({ path: '/v1/users/me' }),
      'GET /v1/users': () => ({ path: '/v1/users' }),
      'GET /v1/leads': () => ({ path: '/v1/leads?limit=2' }),
      'GET /v1/leads/archived': () => ({ path: '/v1/leads/archived' }),
      'GET /v1/leads/:id': () => ({ path: `/v1/leads/${leadId}` }),
      'POST /v1/leads': () => ({ path: '/v1/leads', body: { title: 'Fresh lead', person_id: scratchPerson, value: { amount: 10, currency: 'EUR' } }, status: 201 }),
      'PATCH /v1/leads/:id': () => ({ path: `/v1/leads/${leadId}`, body: { title: 'Renamed lead' } }),
      'DELETE /v1/leads/:id': () => ({ path: `/v1/leads/${[...c.leads.values()].filter((l) => !l.is_deleted && l.id !== leadId).pop()!.id}` }),
      'GET /v1/leadLabels': () => ({ path: '/v1/leadLabels' }),
      'GET /v1/activityTypes': () => ({ path: '/v1/activityTypes' }),
      'GET /v1/recents': () => ({ path: `/v1/recents?since_timestamp=${encodeURIComponent(new Date(Date.now() - 864e5).toISOString().slice(0, 19).replace('T', ' '))}&items=person,deal,activity` }),
      'GET /v1/webhooks': () => ({ path: '/v1/webhooks' }),
      'POST /v1/webhooks': () => ({ path: '/v1/webhooks', body: { subscription_url: 'https://hooks.example.com/pd', event_action: '*', event_object: 'person', name: 'contract hook', version: '2.0' }, status: 201 }),
      'DELETE /v1/webhooks/:id': () => ({ path: `/v1/webhooks/${webhookId}` }),
      'PUT /v1/persons/:id/merge': () => ({ path: `/v1/persons/${sb.control.createPerson('contract', { name: 'Twin', emails: ['twin@example.com'] }).id}/merge`, body: { merge_with_id: scratchPerson } }),
      'PUT /v1/organizations/:id/merge': () => ({ path: `/v1/organizations/${c.createOrganization({ name: 'Org Twin', owner_id: co.adminUserId, visible_to: 3, address: null, label_ids: [], custom_fields: {} }, { userId: co.adminUserId, source: 'app' }).id}/merge`, body: { merge_with_id: scratchOrg } }),
      'GET /v1/personFields': () => ({ path: '/v1/personFields?limit=4' }),
      'GET /v1/organizationFields': () => ({ path: '/v1/organizationFields' }),
      'GET /v1/dealFields': () => ({ path: '/v1/dealFields' }),
    };
  }

  it('has a sample request for every route the sandbox serves from the specs', () => {
    const keys = allApiRoutes()
      .filter((r) => r.spec !== 'notes')
      .map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(samples()).sort()).toEqual(keys.sort());
  });

  it('charges the x-token-cost the spec declares for every operation', () => {
    for (const r of allApiRoutes().filter((x) => x.spec !== 'notes')) {
      const t = contractTargetOf(r.method, r.path.replace(/:id/g, '1'))!;
      expect({ route: `${r.method} ${r.path}`, cost: r.cost }).toEqual({ route: `${r.method} ${r.path}`, cost: contract.tokenCost(t) });
    }
  });

  it('answers every route with a body valid against the spec', async () => {
    const all = samples();
    const failures: string[] = [];
    const order = Object.keys(all).sort((a, b) => Number(a.startsWith('DELETE')) - Number(b.startsWith('DELETE')));
    for (const key of order) {
      const [method, route] = key.split(' ') as [string, string];
      if (key === 'DELETE /v1/webhooks/:id') {
        const created = await call('POST', { path: '/v1/webhooks', body: { subscription_url: 'https://hooks.example.com/x', event_action: 'create', event_object: 'deal', name: 'tmp' } });
        webhookId = (created.body.data as { id: number }).id;
      }
      const s = all[key]!();
      const res = await call(method, s);
      if (res.status !== (s.status ?? 200)) {
        failures.push(`${key}: status ${res.status} ${JSON.stringify(res.body)}`);
        continue;
      }
      const t = contractTargetOf(method, s.path.split('?')[0]!)!;
      failures.push(...contract.validateResponse({ ...t, status: res.status, body: res.body, ignoreDataKeys: s.ignoreDataKeys }).map((e) => `${route}: ${e}`));
      // The samples double as checks of the requests a client would send.
      if (s.body !== undefined) failures.push(...contract.validateRequest({ ...t, body: s.body }).map((e) => `${route} request: ${e}`));
      failures.push(...contract.validateRequest({ ...t, query: new URL(`http://x${s.path}`).searchParams }).map((e) => `${route} query: ${e}`));
    }
    expect(failures).toEqual([]);
  });

  it('answers documented errors with the documented shapes', async () => {
    const notFound = await call('GET', { path: '/v1/leads/00000000-0000-4000-8000-000000000000' });
    expect(notFound.status).toBe(404);
    expect(contract.validateResponse({ spec: 'v1', method: 'GET', path: '/leads/x', status: 404, body: notFound.body })).toEqual([]);
    const res = await fetch(`${co.apiDomain}/v1/users/me`, { headers: { 'x-api-token': 'wrong' } });
    expect(res.status).toBe(401);
    expect(contract.validateResponse({ spec: 'v1', method: 'GET', path: '/users/me', status: 401, body: await res.json() })).toEqual([]);
    const badHook = await call('POST', { path: '/v1/webhooks', body: { subscription_url: 'not a url', event_action: '*', event_object: 'person' } });
    expect(badHook.status).toBe(400);
    expect(contract.validateResponse({ spec: 'v1', method: 'POST', path: '/webhooks', status: 400, body: badHook.body })).toEqual([]);
  });

  it('answers the OAuth token endpoint with the documented token set', async () => {
    const app = sb.control.registerApp({ redirectUri: 'https://app.example.com/callback' });
    const code = sb.control.oauth.issueCode(app.clientId, app.redirectUri, co.id, co.adminUserId);
    const res = await fetch(`${sb.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: app.redirectUri }).toString(),
    });
    expect(contract.validateResponse({ spec: 'v1', method: 'POST', path: '/oauth/token', status: res.status, body: await res.json() })).toEqual([]);
  });

  it('still needs every spec erratum it applies (drop one once the spec is fixed)', () => {
    expect(contract.errataApplied).toEqual(Object.fromEntries(Object.keys(contract.errataApplied).map((k) => [k, true])));
    expect(Object.keys(contract.errataApplied).length).toBeGreaterThan(0);
  });

  it('fails on a deliberate mismatch (wrong type, unknown field, undocumented status)', async () => {
    const good = await call('GET', { path: `/api/v2/persons/${scratchPerson}` });
    const t = { spec: 'v2' as const, method: 'GET', path: `/persons/${scratchPerson}`, status: 200 };
    expect(contract.validateResponse({ ...t, body: good.body })).toEqual([]);
    const data = good.body.data as Record<string, unknown>;
    expect(contract.validateResponse({ ...t, body: { ...good.body, data: { ...data, id: String(data.id) } } })).not.toEqual([]);
    expect(contract.validateResponse({ ...t, body: { ...good.body, data: { ...data, email: 'x@example.com' } } })).not.toEqual([]);
    expect(contract.validateResponse({ ...t, status: 418, body: good.body })).not.toEqual([]);
    expect(contract.validateRequest({ spec: 'v2', method: 'GET', path: '/persons', query: new URLSearchParams({ since: '2024-01-01' }) })).not.toEqual([]);
    expect(contract.validateRequest({ spec: 'v2', method: 'PATCH', path: '/persons/1', body: { emails: 'x@example.com' } })).not.toEqual([]);
  });
});
