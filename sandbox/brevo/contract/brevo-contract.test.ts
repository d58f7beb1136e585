import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryRateLimiter } from '../../../lib/ratelimit/memory-limiter';
import { BrevoClient } from '../../../lib/brevo/index';
import { startBrevoSandbox, type BrevoSandbox } from '../index';
import { recordingFetch } from './recording-fetch';
import { withReferenceNotes } from './reference-overlay';
import { loadBrevoSpec, SpecValidator, type Exchange } from './spec-validator';

// Real HTTP on a shared 2-core machine: room for load spikes (these tests take well under a second).
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const specsDir = process.env.PIPEBRIDGE_SPECS_DIR ?? path.resolve(repoRoot, '../shared/specs');
const specsAvailable = existsSync(path.join(specsDir, 'brevo-openapi-v3.yml'));
if (!specsAvailable) console.warn(`Brevo contract tests skipped: no brevo-openapi-v3.yml in ${specsDir} (set PIPEBRIDGE_SPECS_DIR).`);

describe.skipIf(!specsAvailable)('Brevo contract: client requests and sandbox responses against the spec', () => {
  let sb: BrevoSandbox;
  let validator: SpecValidator;
  let exchanges: Exchange[];

  beforeAll(async () => {
    validator = new SpecValidator(withReferenceNotes(loadBrevoSpec(specsDir)));
    sb = await startBrevoSandbox({ rateLimits: 'off' });
    const acc = sb.control.createAccount({ email: 'owner@contract.test' });
    const api = `${sb.url}/v3`;
    const rec = recordingFetch(api);
    exchanges = rec.exchanges;
    const client = new BrevoClient({ baseUrl: api, apiKey: acc.apiKey, limiter: new MemoryRateLimiter(), budgetKey: 'contract', fetch: rec.fetch, sleep: () => Promise.resolve() });
    const raw = async (method: string, p: string, body?: unknown) => {
      rec.tag.current = 'probe';
      await rec.fetch(`${api}${p}`, { method, headers: { 'api-key': acc.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      rec.tag.current = 'client';
    };

    // The whole client surface, once each, including the answers that carry errors.
    await client.getAccount();
    await client.ensureAttributes([
      { name: 'PD_DEAL_VALUE', type: 'float' },
      { name: 'PD_LABELS', type: 'multiple-choice', multiCategoryOptions: ['Hot', 'Cold'] },
    ]);
    await client.createAttribute('PD_TIER', { category: 'category', enumeration: [{ value: 1, label: 'Gold' }] });
    const folder = await client.createFolder('Pipedrive stages');
    const list = await client.createList('Qualified', folder);
    const list2 = await client.createList('Won', folder);
    await client.getFolders();
    await client.getAttributes();
    await client.getLists();
    const { id } = await client.upsertContact({ email: 'jane@acme.com', extId: 'pd_1', attributes: { FIRSTNAME: 'Jane', SMS: '+33612345678', PD_LABELS: ['Hot'] }, listIds: [list] });
    await client.upsertContact({ email: 'jane@acme.com', attributes: { PD_DEAL_VALUE: 12.5 } });
    await client.upsertContacts([{ email: 'john@acme.com', attributes: { SMS: '+33612345678' } }]);
    await client.getContact('jane@acme.com');
    await client.getContact('pd_1', 'ext_id');
    await client.getContact(id ?? 0);
    await client.getContact('ghost@acme.com');
    await client.updateContact('pd_1', { listIds: [list2], unlinkListIds: [list], emailBlacklisted: false }, 'ext_id');
    await client.listContacts({ modifiedSince: new Date(Date.now() - 60_000), listIds: [list2], limit: 10 });
    await client.batchUpdateContacts([
      { key: { email: 'jane@acme.com' }, attributes: { LASTNAME: 'Doe' } },
      { key: { id: 999_999 }, attributes: { LASTNAME: 'Nobody' } },
    ]);
    await client.importContacts(
      [
        { email: 'imp1@acme.com', attributes: { FIRSTNAME: 'Imp', EXT_ID: 'pd_10' } },
        { email: 'imp2@acme.com', attributes: { SMS: '+33612345678' } },
      ],
      { listIds: [list], pollIntervalMs: 5 },
    );
    await client.addContactsToList(list2, { emails: ['imp1@acme.com', 'ghost@acme.com'] });
    await client.addContactsToList(list2, { emails: ['imp1@acme.com'] });
    await client.addContactsToList(list2, { extIds: ['pd_10'] });
    await client.removeContactsFromList(list2, { ids: [id ?? 0] });
    await client.createCompanyAttribute('PD org id', 'number');
    await client.getCompanyAttributes();
    const company = await client.createCompany({ name: 'Acme', attributes: { domain: 'acme.com', pd_org_id: 7 } });
    await client.findCompanies('pd_org_id', 7);
    await client.linkCompanyContacts(company, { link: [id ?? 0] });
    await client.updateCompany(company, { attributes: { industry: 'Tools' } });
    await client.getCompany(company);
    await client.getCompany('aaaaaaaaaaaaaaaaaaaaaaaa');
    await client.sendEvent({ eventName: 'pd_deal_won', identifiers: { ext_id: 'pd_1' }, eventDate: '2026-05-04T10:15:00+02:00', contactProperties: { FIRSTNAME: 'Jane' }, eventProperties: { deal_id: 3, won: true, items: [{ sku: 'a' }] } });
    await client.sendEvents([
      { eventName: 'ok', identifiers: { contact_id: id ?? 0 } },
      { eventName: 'fine', identifiers: { email_id: 'jane@acme.com' } },
    ]);
    // Nested property names are checked by Brevo only, so this batch is partly refused (207).
    await client.sendEvents([{ eventName: 'ok', identifiers: { ext_id: 'pd_1' } }, { eventName: 'nested', identifiers: { ext_id: 'pd_1' }, eventProperties: { items: [{ 'bad key': 1 }] } }]);
    const hook = await client.createWebhook({ url: 'https://connector.example.com/brevo/hook', events: ['unsubscribed', 'hardBounce', 'spam', 'contactUpdated', 'contactDeleted', 'listAddition'], auth: { type: 'bearer', token: 't' }, description: 'sync' });
    await client.listWebhooks('marketing');
    await raw('GET', `/webhooks/${hook}`);
    await raw('PUT', `/webhooks/${hook}`, { description: 'renamed' });
    await client.deleteWebhook(hook);
    await client.deleteCompany(company);
    // Endpoints the client does not call yet, and error answers.
    await raw('GET', `/contacts/folders/${folder}`);
    await raw('GET', `/contacts/folders/${folder}/lists`);
    await raw('GET', `/contacts/lists/${list}`);
    await raw('GET', `/contacts/lists/${list}/contacts?limit=5`);
    await raw('GET', '/processes?limit=5');
    await raw('GET', '/processes/4242');
    await raw('POST', '/contacts', { email: 'jane@acme.com' });
    await raw('POST', '/contacts', { email: 'x@acme.com', attributes: { SMS: '0612' } });
    await raw('PUT', '/contacts/nobody%40acme.com', { attributes: { FIRSTNAME: 'x' } });
    await raw('POST', '/contacts', { email: 'owner@contract.test' });
    await raw('DELETE', '/contacts/owner%40contract.test');
    await raw('GET', '/contacts/lists/999');
    await raw('POST', `/contacts/lists/${list}/contacts/add`, { emails: Array.from({ length: 151 }, (_, i) => `x${i}@a.io`) });
    await raw('POST', `/contacts/lists/${list}/contacts/remove`, { all: true });
    sb.control.injectFault(acc.apiKey, { kind: 'rate-limit-storm', times: 1, pathPrefix: '/contacts' });
    await raw('GET', '/contacts?limit=1');
    await client.deleteContact('jane@acme.com');
    await client.deleteContact('jane@acme.com');
  });

  afterAll(async () => {
    await sb?.close();
  });

  it('every request the client sent is one the spec (or the reference notes) describes', () => {
    const fromClient = exchanges.filter((x) => x.tag === 'client');
    expect(fromClient.length).toBeGreaterThan(40);
    const problems = fromClient.flatMap((x) => validator.checkRequest(x));
    expect(problems).toEqual([]);
  });

  it('every answer of the sandbox matches the spec for its status', () => {
    const problems = exchanges.flatMap((x) => validator.checkResponse(x));
    expect(problems).toEqual([]);
  });

  it('covered the operations the product relies on, including their error answers', () => {
    const seen = new Set(exchanges.map((x) => `${x.method} ${validator.operation(x.method, new URL(x.url, 'http://x').pathname)?.template ?? '?'} ${x.status}`));
    for (const expected of [
      'POST /contacts 201',
      'POST /contacts 204',
      'POST /contacts 400',
      'GET /contacts/{identifier} 200',
      'GET /contacts/{identifier} 404',
      'PUT /contacts/{identifier} 204',
      'DELETE /contacts/{identifier} 405',
      'POST /contacts/batch 204',
      'POST /contacts/batch 400',
      'POST /contacts/import 202',
      'GET /processes/{processId} 200',
      'GET /processes/{processId} 404',
      'POST /contacts/lists/{listId}/contacts/add 201',
      'POST /contacts/lists/{listId}/contacts/add 400',
      'POST /companies 200',
      'PATCH /companies/link-unlink/{id} 204',
      'GET /companies/{id} 404',
      'POST /events 204',
      'POST /events/batch 202',
      'POST /events/batch 207',
      'POST /webhooks 201',
      'GET /contacts 429',
    ]) {
      expect(seen, expected).toContain(expected);
    }
  });

  it('fails on a deliberately wrong request: bad type, unknown field, undeclared query parameter', () => {
    const post = exchanges.find((x) => x.method === 'POST' && x.url === '/contacts' && x.status === 201);
    expect(post).toBeDefined();
    const body = JSON.parse(post?.requestBody ?? '{}') as Record<string, unknown>;
    expect(validator.checkRequest({ ...post!, requestBody: JSON.stringify({ ...body, listIds: ['12'] }) })).not.toEqual([]);
    expect(validator.checkRequest({ ...post!, requestBody: JSON.stringify({ ...body, updateEnable: true }) })).toEqual([expect.stringContaining('updateEnable is not declared')]);
    expect(validator.checkRequest({ ...post!, url: '/contacts?force=1' })).not.toEqual([]);
    const event = exchanges.find((x) => x.url === '/events');
    expect(validator.checkRequest({ ...event!, requestBody: JSON.stringify({ event_name: 'bad name', identifiers: { ext_id: 'x' } }) })).not.toEqual([]);
  });

  it('fails on a deliberately wrong response: wrong type, missing field, body on a 204', () => {
    const get = exchanges.find((x) => x.method === 'GET' && x.url.startsWith('/contacts/jane') && x.status === 200);
    expect(get).toBeDefined();
    const contact = JSON.parse(get!.responseBody) as Record<string, unknown>;
    expect(validator.checkResponse({ ...get!, responseBody: JSON.stringify({ ...contact, id: String(contact.id) }) })).not.toEqual([]);
    const { listIds: _gone, ...withoutLists } = contact;
    expect(validator.checkResponse({ ...get!, responseBody: JSON.stringify(withoutLists) })).not.toEqual([]);
    expect(validator.checkResponse({ ...get!, responseBody: JSON.stringify({ ...contact, listIDs: [] }) })).not.toEqual([]);
    const upd = exchanges.find((x) => x.method === 'POST' && x.url === '/contacts' && x.status === 204);
    expect(validator.checkResponse({ ...upd!, responseBody: '{"id":1}', responseContentType: 'application/json' })).not.toEqual([]);
  });
});
