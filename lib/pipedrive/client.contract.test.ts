import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '@/lib/ratelimit/memory-limiter';
import { startPipedriveSandbox, type CompanyInfo, type RunningPipedriveSandbox } from '@/sandbox/pipedrive';
import { contractTargetOf, OpenApiContract, specsLocation } from '@/sandbox/pipedrive/openapi-contract';
import { PipedriveClient } from './client';
import { fieldSchema } from './schemas/field';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const specs = specsLocation(repoRoot, process.env.PIPEBRIDGE_SPECS_DIR);
if (!specs.available) console.warn(`Pipedrive client contract tests skipped: no OpenAPI specs in ${specs.dir} (set PIPEBRIDGE_SPECS_DIR)`);

/** Every public method of PipedriveClient that talks to Pipedrive; the test below must call each. */
const CLIENT_METHODS = [
  'persons', 'personPages', 'organizations', 'organizationPages', 'deals', 'dealPages', 'activities', 'activityPages', 'pipelines', 'stages', 'fields',
  'getPerson', 'getOrganization', 'getDeal', 'getActivity', 'searchPersons', 'updatePerson', 'createPerson', 'deletePerson', 'createActivity',
  'archivedDeals', 'leads', 'getLead', 'leadLabels', 'recents', 'me', 'listWebhooks', 'createWebhook', 'deleteWebhook', 'mergePersons', 'mergeOrganizations',
] as const;

// Compiling the spec schemas is slow on a loaded machine: allow 30 s per test.
describe.skipIf(!specs.available)('every request the client sends and every answer it reads match the specs', { timeout: 30_000 }, () => {
  let sb: RunningPipedriveSandbox;
  let co: CompanyInfo;
  let contract: OpenApiContract;
  const problems: string[] = [];
  const seen = new Set<string>();
  const fieldPaths = new Set<string>();

  /** A fetch that checks the request against the spec before sending and the answer after. */
  const validatingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const method = init?.method ?? 'GET';
    const target = contractTargetOf(method, url.pathname);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const res = await fetch(input, init);
    const json = (await res.clone().json()) as Record<string, unknown>;
    seen.add(`${method} ${url.pathname.replace(/^\/d\/[^/]+/, '')}`);
    if (/\/api\/v2\/\w+Fields$/.test(url.pathname)) {
      // The v2 Fields API is newer than the specs: checked against the schema from the notes.
      fieldPaths.add(url.pathname);
      for (const item of json.data as unknown[]) if (!fieldSchema.safeParse(item).success) problems.push(`${url.pathname}: field item does not match`);
      return res;
    }
    if (!target) {
      problems.push(`${method} ${url.pathname}: not an API path`);
      return res;
    }
    problems.push(...contract.validateRequest({ ...target, query: url.searchParams, body }).map((e) => `${method} ${url.pathname} request: ${e}`));
    const ignoreDataKeys = url.searchParams.get('include_fields')?.split(',');
    problems.push(...contract.validateResponse({ ...target, status: res.status, body: json, ignoreDataKeys }).map((e) => `${method} ${url.pathname} response: ${e}`));
    return res;
  };

  beforeAll(async () => {
    contract = OpenApiContract.load(specs.dir);
    sb = await startPipedriveSandbox();
    co = sb.control.createCompany({ domain: 'client-contract', seed: { persons: 12, organizations: 3, deals: 6, activities: 6, leads: 4, archivedLeadRate: 0.5, archivedDealRate: 0.3 } });
  }, 60_000);
  afterAll(async () => sb?.close());

  it('exercises every client method with valid requests and responses', async () => {
    const cl = new PipedriveClient({ apiDomain: co.apiDomain, auth: { kind: 'api_token', token: co.apiToken }, limiter: new MemoryRateLimiter(), budgetKey: 'contract', fetch: validatingFetch, maxRetries: 0 });
    const called = new Set<string>();
    const drain = async <T>(name: string, it: AsyncIterable<T>) => {
      called.add(name);
      const out: T[] = [];
      for await (const x of it) out.push(x);
      return out;
    };
    const call = async <T>(name: string, p: Promise<T>) => {
      called.add(name);
      return p;
    };
    const since = new Date(Date.now() - 864e5);
    await drain('persons', cl.persons({ updatedSince: since, sortBy: 'update_time', sortDirection: 'desc', limit: 5, includeMarketingStatus: true }));
    await drain('personPages', cl.personPages({ ids: [1, 2, 3], orgId: 1, ownerId: co.adminUserId }));
    await drain('organizations', cl.organizations({ updatedUntil: new Date(Date.now() + 864e5) }));
    await drain('organizationPages', cl.organizationPages({ limit: 2, sortBy: 'add_time' }));
    await drain('deals', cl.deals({ status: ['open', 'won'], pipelineId: 1 }));
    await drain('dealPages', cl.dealPages({ stageId: 1, personId: 1, orgId: 1, customFields: [sb.control.company('client-contract').fields.deal[0]!.key] }));
    await drain('activities', cl.activities({ done: true, dealId: 1 }));
    await drain('activityPages', cl.activityPages({ personId: 1, orgId: 1 }));
    await drain('pipelines', cl.pipelines());
    await drain('stages', cl.stages({ pipelineId: 1 }));
    await drain('fields', cl.fields('person'));
    await drain('fields', cl.fields('organization'));
    await drain('fields', cl.fields('deal'));
    await call('getPerson', cl.getPerson(1, { includeMarketingStatus: true }));
    await call('getOrganization', cl.getOrganization(1));
    await call('getDeal', cl.getDeal(1));
    await call('getActivity', cl.getActivity(1));
    await drain('searchPersons', cl.searchPersons('a', { fields: ['name', 'email'], exactMatch: true }));
    const p = await call('createPerson', cl.createPerson({ first_name: 'Con', last_name: 'Tract', emails: [{ value: 'c@example.com', primary: true, label: 'work' }], phones: [{ value: '+49301234' }] }));
    await call('updatePerson', cl.updatePerson(p.id, { marketing_status: 'unsubscribed', name: 'Con Tract', custom_fields: {} }));
    await call('createActivity', cl.createActivity({ subject: 'Clicked link', type: 'email', participants: [{ person_id: p.id, primary: true }], due_date: '2026-01-02', due_time: '10:00', duration: '00:15', done: true, note: 'from Brevo' }));
    await call('mergePersons', cl.mergePersons(p.id, 1));
    await call('mergeOrganizations', cl.mergeOrganizations(2, 1));
    await call('deletePerson', cl.deletePerson(2));
    await drain('leads', cl.leads({ updatedSince: since }));
    expect((await drain('archivedDeals', cl.archivedDeals({ sortBy: 'update_time' }))).length).toBeGreaterThan(0);
    await drain('leads', cl.leads({ archived: true, ownerId: co.adminUserId }));
    const lead = [...sb.control.company('client-contract').leads.values()].find((l) => !l.is_archived && !l.is_deleted)!;
    await call('getLead', cl.getLead(lead.id));
    await call('leadLabels', cl.leadLabels());
    await drain('recents', cl.recents({ since, items: ['person', 'deal', 'activity', 'organization'] }));
    await call('me', cl.me());
    const hook = await call('createWebhook', cl.createWebhook({ subscription_url: 'https://hooks.example.com/pd', event_action: '*', event_object: 'person', name: 'sync', http_auth_user: 'u', http_auth_password: 'p' }));
    await call('listWebhooks', cl.listWebhooks());
    await call('deleteWebhook', cl.deleteWebhook(hook.id));

    expect([...called].sort()).toEqual([...CLIENT_METHODS].sort());
    expect(fieldPaths.size).toBe(3);
    expect(problems).toEqual([]);
    expect(seen.size).toBeGreaterThan(20);
  });

  it('would catch a request the spec does not allow', () => {
    expect(contract.validateRequest({ spec: 'v2', method: 'GET', path: '/persons', query: new URLSearchParams({ updated_after: '2024-01-01T00:00:00Z' }) })).not.toEqual([]);
    expect(contract.validateRequest({ spec: 'v1', method: 'POST', path: '/webhooks', body: { subscription_url: 'https://x.example', event_action: 'updated', event_object: 'person', name: 'n' } })).not.toEqual([]);
  });
});
