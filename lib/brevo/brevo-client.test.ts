import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryRateLimiter } from '../ratelimit/memory-limiter';
import { startBrevoSandbox, type BrevoSandbox } from '../../sandbox/brevo/index';
import { contractFetch } from '../../sandbox/brevo/contract/contract-fetch';
import { BrevoClient, BrevoError, type BrevoClientOptions, type ImportRecord } from './index';

// Real HTTP on a shared 2-core machine: room for load spikes (these tests take well under a second).
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

let sb: BrevoSandbox;
beforeAll(async () => {
  sb = await startBrevoSandbox({ rateLimits: 'off' });
});
afterAll(async () => {
  await sb.close();
});

// Every request the client sends here, and every answer, is also checked against Brevo's spec.
function clientFor(apiKey: string, extra: Partial<BrevoClientOptions> = {}) {
  return new BrevoClient({ baseUrl: `${sb.url}/v3`, apiKey, limiter: new MemoryRateLimiter(), budgetKey: apiKey.slice(-8), sleep: () => Promise.resolve(), fetch: contractFetch(`${sb.url}/v3`), ...extra });
}

function setup() {
  const acc = sb.control.createAccount();
  return { acc, client: clientFor(acc.apiKey) };
}

async function errorOf(p: Promise<unknown>): Promise<BrevoError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BrevoError) return e;
    throw e;
  }
  throw new Error('expected a BrevoError');
}

describe('account and error kinds', () => {
  it('reads the account, and classifies bad, restricted and IP-blocked keys with messages saying what to do', async () => {
    const { acc, client } = setup();
    expect((await client.getAccount()).companyName).toMatch(/Sandbox company/);
    const auth = await errorOf(clientFor('xkeysib-unknown').getAccount());
    expect(auth.kind).toBe('auth');
    expect(auth.message).toMatch(/API key/);
    const ip = await errorOf(clientFor(acc.ipBlockedApiKey).getAccount());
    expect(ip.kind).toBe('ip_not_allowed');
    expect(ip.message).toMatch(/Authorised IPs/);
    const perm = await errorOf(clientFor(acc.restrictedApiKey).getAccount());
    expect(perm.kind).toBe('permission');
    expect(perm.retryable).toBe(false);
  });
});

describe('contacts', () => {
  it('tells a create (with id) from an update (without), and reads by ext_id', async () => {
    const { client } = setup();
    const first = await client.upsertContact({ email: 'jane@acme.com', extId: 'pd_person_1', attributes: { FIRSTNAME: 'Jane' } });
    expect(first).toEqual({ created: true, id: expect.any(Number) as number });
    expect(await client.upsertContact({ email: 'jane@acme.com', attributes: { LASTNAME: 'Doe' } })).toEqual({ created: false });
    expect(await client.upsertContact({ extId: 'pd_person_1', attributes: { LASTNAME: 'Doe' } }, { resolveId: true })).toEqual({ created: false, id: first.id });
    const got = await client.getContact('pd_person_1', 'ext_id');
    expect(got).toMatchObject({ id: first.id, email: 'jane@acme.com', attributes: { FIRSTNAME: 'Jane', LASTNAME: 'Doe', EXT_ID: 'pd_person_1' } });
    expect(await client.getContact('nobody@acme.com')).toBeNull();
    await client.updateContact('pd_person_1', { attributes: { FIRSTNAME: 'Janet' } }, 'ext_id');
    expect((await client.getContact(first.id ?? 0))?.attributes.FIRSTNAME).toBe('Janet');
    await client.upsertContact({ email: 'other@acme.com' });
    const taken = await errorOf(client.updateContact('pd_person_1', { attributes: { EMAIL: 'other@acme.com' } }, 'ext_id'));
    expect(taken).toMatchObject({ kind: 'duplicate', code: 'invalid_parameter', duplicateIdentifiers: ['email'] });
    expect(await client.deleteContact('jane@acme.com')).toBe(true);
    expect(await client.deleteContact('jane@acme.com')).toBe(false);
  });

  it('reports each refused record of a bulk upsert, and saves a person without the SMS that blocks it', async () => {
    const { acc, client } = setup();
    await client.upsertContact({ email: 'owner@x.io', attributes: { SMS: '+33612345678' } });
    const outcomes = await client.upsertContacts([
      { email: 'a@x.io', attributes: { FIRSTNAME: 'A' } },
      { email: 'b@x.io', attributes: { FIRSTNAME: 'B', SMS: '+33 6 12 34 56 78' } },
      { email: 'broken-email', attributes: { FIRSTNAME: 'C' } },
      { email: 'd@x.io', attributes: { SMS: '0612345678' } },
    ]);
    expect(outcomes[0]).toMatchObject({ ok: true, created: true });
    expect(outcomes[1]).toMatchObject({ ok: true, created: true, smsDropped: true });
    expect((outcomes[1] as { warning: string }).warning).toMatch(/SMS number already belongs/);
    expect(outcomes[2]).toMatchObject({ ok: false, reason: 'invalid_email' });
    expect(outcomes[3]).toMatchObject({ ok: true, smsDropped: true });
    expect(sb.control.getContact(acc.apiKey, 'b@x.io')?.attributes).toEqual({ FIRSTNAME: 'B' });
    const strict = await client.upsertContacts([{ email: 'e@x.io', attributes: { SMS: '+33612345678' } }], { dropSmsOnConflict: false });
    expect(strict[0]).toMatchObject({ ok: false, reason: 'duplicate_sms' });
  });

  it('isolates the bad items of a batch update by bisection and saves the rest', async () => {
    const { acc, client } = setup();
    for (let i = 0; i < 8; i++) await client.upsertContact({ email: `c${i}@x.io` });
    await client.upsertContact({ email: 'taken@x.io', attributes: { SMS: '+33612345679' } });
    const before = sb.control.requestLog(acc.apiKey).length;
    const outcomes = await client.batchUpdateContacts([
      ...Array.from({ length: 8 }, (_, i) => ({ key: { email: `c${i}@x.io` }, attributes: { FIRSTNAME: `N${i}` } })),
      { key: { email: 'ghost@x.io' }, attributes: { FIRSTNAME: 'Ghost' } },
      { key: { email: 'c0@x.io' }, attributes: { SMS: '+33612345679' } },
    ]);
    expect(outcomes.slice(0, 8).every((o) => o.ok)).toBe(true);
    expect(outcomes[8]).toMatchObject({ ok: false, reason: 'not_found' });
    expect(outcomes[9]).toMatchObject({ ok: false, reason: 'duplicate_sms' });
    expect(sb.control.getContact(acc.apiKey, 'c7@x.io')?.attributes.FIRSTNAME).toBe('N7');
    const calls = sb.control.requestLog(acc.apiKey).slice(before);
    expect(calls.every((c) => c.path === '/contacts/batch')).toBe(true);
    expect(calls.length).toBeLessThan(12);
  });

  it('merges concurrent batch updates into shared calls; a bad record fails only its own caller', async () => {
    const { acc, client } = setup();
    // A second client on the same account, as a second job of the same worker would hold.
    const other = clientFor(acc.apiKey);
    for (let i = 0; i < 12; i++) await client.upsertContact({ email: `m${i}@x.io` });
    const before = sb.control.requestLog(acc.apiKey).length;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? other : client).batchUpdateContacts([
          { key: { email: `m${i}@x.io` }, attributes: { FIRSTNAME: `First${i}` } },
          // The same contact twice: the second update must win, so it may not share the first's call.
          { key: { email: `m${i}@x.io` }, attributes: { FIRSTNAME: `Second${i}` } },
          ...(i === 5 ? [{ key: { email: 'nobody@x.io' }, attributes: { FIRSTNAME: 'Ghost' } }] : []),
        ]),
      ),
    );
    results.forEach((outcomes, i) => expect(outcomes.slice(0, 2).every((o) => o.ok), `caller ${i}`).toBe(true));
    expect(results[5]![2]).toMatchObject({ ok: false, reason: 'not_found' });
    for (let i = 0; i < 12; i++) expect(sb.control.getContact(acc.apiKey, `m${i}@x.io`)?.attributes.FIRSTNAME).toBe(`Second${i}`);
    const calls = sb.control.requestLog(acc.apiKey).slice(before);
    expect(calls.every((c) => c.path === '/contacts/batch')).toBe(true);
    // 25 items from 12 callers; isolating the bad record costs a few extra calls.
    expect(calls.length).toBeLessThan(12);
  });

  it('pages through every contact modified since a date', async () => {
    const { client } = setup();
    const folder = await client.createFolder('F');
    const list = await client.createList('L', folder);
    await client.importContacts(
      Array.from({ length: 2500 }, (_, i) => ({ email: `bulk${i}@x.io` })),
      { listIds: [list], pollIntervalMs: 10 },
    );
    let n = 0;
    for await (const c of client.iterateContacts({ modifiedSince: new Date(Date.now() - 60_000) })) if (c.listIds.includes(list)) n++;
    expect(n).toBe(2500);
  });
});

describe('import', () => {
  it('keeps locally invalid records out, imports the rest in size-bounded parts, and finds the ones Brevo skipped', async () => {
    const { acc, client } = setup();
    await client.upsertContact({ email: 'phone-owner@x.io', attributes: { SMS: '+4915123456789' } });
    const folder = await client.createFolder('Backfill');
    const list = await client.createList('Everyone', folder);
    const records: ImportRecord[] = [
      ...Array.from({ length: 300 }, (_, i) => ({ email: `p${i}@x.io`, attributes: { FIRSTNAME: `P${i}`, EXT_ID: `pd_${i}`, UNKNOWN_ATTR: 'x' } })),
      { email: 'bad@@x', attributes: {} },
      { email: 'nophone@x.io', attributes: { SMS: '015123456789' } },
      { email: 'p1@x.io', attributes: { FIRSTNAME: 'dup' } },
      { email: 'clash@x.io', attributes: { SMS: '+49 151 23456789' } },
    ];
    const result = await client.importContacts(records, { listIds: [list], maxBytes: 8_000, pollIntervalMs: 10 });
    expect(result.processIds.length).toBeGreaterThan(1);
    expect(result.outcomes.slice(0, 300).every((o) => o.ok)).toBe(true);
    expect(result.outcomes[300]).toMatchObject({ ok: false, reason: 'invalid_email' });
    expect(result.outcomes[301]).toMatchObject({ ok: false, reason: 'invalid_phone' });
    expect(result.outcomes[302]).toMatchObject({ ok: false, reason: 'duplicate_email' });
    expect(result.outcomes[303]).toMatchObject({ ok: false, reason: 'not_in_import' });
    expect(result.counters.duplicate_phone_id).toBe(1);
    const state = sb.control.state(acc.apiKey);
    expect(state.lists.find((l) => l.id === list)?.contactIds.length).toBe(300);
    // Lookups settle the doubt when more records are unseen than Brevo refused (here: modifiedSince in the future).
    const skewed = clientFor(acc.apiKey, { now: () => Date.now() + 3_600_000 });
    const again = await skewed.importContacts(
      [{ email: 'p1@x.io', attributes: { FIRSTNAME: 'P1' } }, { email: 'p2@x.io' }, { email: 'clash2@x.io', attributes: { SMS: '+4915123456789' } }],
      { listIds: [list], pollIntervalMs: 10 },
    );
    expect(again.outcomes.map((o) => o.ok)).toEqual([true, true, false]);
    expect(sb.control.getContact(acc.apiKey, 'pd_42')).toMatchObject({ email: 'p42@x.io', attributes: { FIRSTNAME: 'P42', EXT_ID: 'pd_42' } });
  });
});

describe('lists', () => {
  it('adds in calls of 150 and reports contacts already in the list or unknown', async () => {
    const { acc, client } = setup();
    const folder = await client.createFolder('Stages');
    const list = await client.createList('Won', folder);
    await client.importContacts(
      Array.from({ length: 320 }, (_, i) => ({ email: `m${i}@x.io` })),
      { listIds: [await client.createList('All', folder)], pollIntervalMs: 10 },
    );
    await client.addContactsToList(list, { emails: ['m0@x.io'] });
    const before = sb.control.requestLog(acc.apiKey).length;
    const emails = [...Array.from({ length: 320 }, (_, i) => `m${i}@x.io`), 'stranger@x.io'];
    const res = await client.addContactsToList(list, { emails });
    const calls = sb.control.requestLog(acc.apiKey).slice(before);
    expect(calls.map((c) => c.path)).toEqual(Array(3).fill(`/contacts/lists/${list}/contacts/add`));
    expect(res.done).toHaveLength(319);
    expect(res.failed.map((f) => f.value).sort()).toEqual(['m0@x.io', 'stranger@x.io']);
    expect(res.failed[0]?.outcome.reason).toBe('already_in_list_or_missing');
    const again = await client.addContactsToList(list, { emails: ['m1@x.io'] });
    expect(again).toMatchObject({ done: [], failed: [{ value: 'm1@x.io' }] });
    const removed = await client.removeContactsFromList(list, { emails: ['m1@x.io', 'm2@x.io'] });
    expect(removed.done).toEqual(['m1@x.io', 'm2@x.io']);
    expect((await client.getLists()).map((l) => l.name)).toEqual(['Won', 'All']);
  });
});

describe('attributes, companies, events, webhooks', () => {
  it('creates missing attributes and reports type mismatches', async () => {
    const { client } = setup();
    const first = await client.ensureAttributes([
      { name: 'PD_DEAL_VALUE', type: 'float' },
      { name: 'FIRSTNAME', type: 'text' },
      { name: 'OPT_IN', type: 'text' },
    ]);
    expect(first).toEqual({ created: ['PD_DEAL_VALUE'], typeMismatches: [{ name: 'OPT_IN', expected: 'text', actual: 'boolean' }] });
    expect((await client.getAttributes()).find((a) => a.name === 'PD_DEAL_VALUE')).toMatchObject({ category: 'normal', type: 'float' });
    await client.createAttribute('PD_LABELS', { type: 'multiple-choice', multiCategoryOptions: ['Hot'] });
    await client.addAttributeOptions('PD_LABELS', ['Cold', 'Hot']);
    expect((await client.getAttributes()).find((a) => a.name === 'PD_LABELS')?.multiCategoryOptions).toEqual(['Hot', 'Cold']);
    await client.upsertContact({ email: 'l@x.io', attributes: { PD_LABELS: ['Cold'] } });
    expect((await client.getContact('l@x.io'))?.attributes.PD_LABELS).toEqual(['Cold']);
  });

  it('creates companies with a Pipedrive id attribute, finds them by it, links contacts', async () => {
    const { acc, client } = setup();
    await client.createCompanyAttribute('PD org id', 'number');
    expect((await client.getCompanyAttributes()).map((a) => a.internalName)).toContain('pd_org_id');
    const { id: contactId } = await client.upsertContact({ email: 'ceo@acme.com' });
    const id = await client.createCompany({ name: 'Acme', attributes: { domain: 'acme.com', pd_org_id: 42 } });
    await client.createCompany({ name: 'Other', attributes: { pd_org_id: 43 } });
    await client.linkCompanyContacts(id, { link: [contactId ?? 0] });
    const found = await client.findCompanies('pd_org_id', 42);
    expect(found).toEqual([expect.objectContaining({ id, linkedContactsIds: [contactId] })]);
    const updated = await client.updateCompany(id, { attributes: { industry: 'Manufacturing' } });
    expect(updated.attributes).toMatchObject({ name: 'Acme', industry: 'Manufacturing', pd_org_id: 42 });
    expect(updated.linkedContactsIds).toEqual([contactId]);
    const bad = await errorOf(client.createCompany({ name: 'X', attributes: { no_such_attr: 1 } }));
    expect(bad.kind).toBe('invalid');
    await client.deleteCompany(id);
    expect(await client.getCompany(id)).toBeNull();
    expect(sb.control.state(acc.apiKey).companies.map((c) => c.attributes.name)).toEqual(['Other']);
  });

  it('sends events one by one and in batches, with per-event outcomes', async () => {
    const { acc, client } = setup();
    await client.upsertContact({ email: 'ev@x.io', extId: 'pd_9' });
    await client.sendEvent({ eventName: 'pd_deal_stage_changed', identifiers: { ext_id: 'pd_9' }, contactProperties: { FIRSTNAME: 'Eve' }, eventProperties: { deal_id: 1, won: true } });
    await expect(client.sendEvent({ eventName: 'bad name!', identifiers: { ext_id: 'pd_9' } })).rejects.toMatchObject({ kind: 'invalid' });
    const outcomes = await client.sendEvents([
      { eventName: 'a', identifiers: { email_id: 'ev@x.io' } },
      { eventName: 'b', identifiers: {} },
      { eventName: 'c d', identifiers: { ext_id: 'pd_9' } },
      { eventName: 'd', identifiers: { ext_id: 'pd_9' }, eventProperties: { big: 'x'.repeat(60_000) } },
      { eventName: 'e', identifiers: { contact_id: 1 } },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, false, true]);
    const events = sb.control.state(acc.apiKey).events;
    expect(events.map((e) => e.eventName)).toEqual(['pd_deal_stage_changed', 'a', 'e']);
    expect(events[0]).toMatchObject({ seq: 1, contactId: 1, eventProperties: { deal_id: 1, won: true } });
    expect(sb.control.getContact(acc.apiKey, 'ev@x.io')?.attributes.FIRSTNAME).toBe('Eve');
  });

  it('registers a marketing webhook that receives an unsubscribe with its bearer token', async () => {
    const { acc, client } = setup();
    const received: { auth?: string; body: unknown }[] = [];
    const receiver = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(data) as unknown });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as { port: number }).port;
    try {
      const id = await client.createWebhook({ url: `http://127.0.0.1:${port}/hook`, events: ['unsubscribed', 'contactDeleted'], auth: { type: 'bearer', token: 's3cret' } });
      expect((await client.listWebhooks('marketing')).map((w) => w.id)).toEqual([id]);
      expect(await client.listWebhooks('transactional')).toEqual([]);
      await client.upsertContact({ email: 'leaver@x.io' });
      sb.control.unsubscribe(acc.apiKey, 'leaver@x.io');
      await sb.control.webhooksIdle();
      expect(received).toEqual([{ auth: 'Bearer s3cret', body: expect.objectContaining({ id, event: 'unsubscribed', email: 'leaver@x.io' }) as unknown }]);
      expect((await client.getContact('leaver@x.io'))?.emailBlacklisted).toBe(true);
      await client.deleteWebhook(id);
      expect(await client.listWebhooks()).toEqual([]);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});

describe('transient faults', () => {
  it('retries 5xx, gateway pages and timeouts, then succeeds', async () => {
    const acc = sb.control.createAccount();
    const client = clientFor(acc.apiKey, { timeoutMs: 300 });
    sb.control.injectFault(acc.apiKey, { kind: 'status', status: 503, times: 2 });
    expect((await client.upsertContact({ email: 'r@x.io' })).created).toBe(true);
    sb.control.injectFault(acc.apiKey, { kind: 'timeout', times: 1, pathPrefix: '/contacts/' });
    expect(await client.getContact('r@x.io')).not.toBeNull();
    sb.control.injectFault(acc.apiKey, { kind: 'status', status: 500, times: 10 });
    const err = await errorOf(client.getAccount());
    expect(err.kind).toBe('transient');
    expect(err.retryable).toBe(true);
    sb.control.clearFaults(acc.apiKey);
  });

  it('reports a record refused by Brevo as blocklisted without failing the others', async () => {
    const { acc, client } = setup();
    sb.control.injectFault(acc.apiKey, { kind: 'reject-record', match: 'blocked@x.io', reason: 'blocklisted' });
    const outcomes = await client.upsertContacts([{ email: 'ok@x.io' }, { email: 'blocked@x.io' }]);
    expect(outcomes).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: false, reason: 'blocklisted' })]);
  });
});

describe('import status reads', () => {
  it('aims the first read at when the account’s last import says the next one is done', async () => {
    let now = 1_000_000;
    const doneAt = new Map<number, number>();
    let nextId = 1;
    const reads: number[] = [];
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    // Brevo takes 1.2 s for every import here.
    const fetchStub: typeof fetch = (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      if (init?.method === 'POST' && url.pathname.endsWith('/contacts/import')) {
        const id = nextId++;
        doneAt.set(id, now + 1_200);
        return Promise.resolve(new Response(JSON.stringify({ processId: id }), { status: 202, headers: { 'content-type': 'application/json' } }));
      }
      const id = Number(/\/processes\/(\d+)$/.exec(url.pathname)?.[1]);
      reads.push(id);
      return Promise.resolve(json({ id, name: 'IMPORTUSER', status: now >= doneAt.get(id)! ? 'completed' : 'in_process', info: { import: {} } }));
    };
    const client = new BrevoClient({ baseUrl: 'https://brevo.test/v3', apiKey: `pace-${Date.now()}`, limiter: new MemoryRateLimiter(() => now), budgetKey: 'pace', fetch: fetchStub, now: () => now, sleep: (ms) => ((now += ms), Promise.resolve()) });
    const records = Array.from({ length: 6_000 }, (_, i) => ({ email: `r${i}@x.io` }));
    const readsPerImport: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = reads.length;
      await client.importContacts(records, { listIds: [1], pollIntervalMs: 15_000 });
      readsPerImport.push(reads.length - before);
    }
    // The first import: reads at 0.5 s and 1 s find it running, the one at 2 s finds it done. From
    // then on mostly one read each: a read that finds it done comes a little earlier next time, one
    // that misses costs one more.
    expect(readsPerImport[0]).toBe(3);
    expect(readsPerImport.slice(1).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(7);
    expect(Math.max(...readsPerImport.slice(1))).toBeLessThanOrEqual(2);
  });

  it('sees a quick first import done half a second after the first read, not a second', async () => {
    let now = 2_000_000;
    const readsAt: number[] = [];
    const fetchStub: typeof fetch = (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      if (init?.method === 'POST' && url.pathname.endsWith('/contacts/import')) return Promise.resolve(new Response(JSON.stringify({ processId: 7 }), { status: 202, headers: { 'content-type': 'application/json' } }));
      expect(url.pathname).toMatch(/\/processes\/7$/);
      readsAt.push(now);
      // Done 0.8 s after it was sent: the list calls behind it wait for the read that sees it.
      const status = readsAt.length >= 2 ? 'completed' : 'in_process';
      return Promise.resolve(new Response(JSON.stringify({ id: 7, name: 'IMPORTUSER', status, info: { import: {} } }), { status: 200, headers: { 'content-type': 'application/json' } }));
    };
    const client = new BrevoClient({ baseUrl: 'https://brevo.test/v3', apiKey: `quick-${Date.now()}`, limiter: new MemoryRateLimiter(() => now), budgetKey: 'quick', fetch: fetchStub, now: () => now, sleep: (ms) => ((now += ms), Promise.resolve()) });
    const started = now;
    await client.importContacts([{ email: 'a@x.io' }], { listIds: [1], pollIntervalMs: 15_000 });
    expect(readsAt.map((t) => t - started)).toEqual([500, 1_000]);
  });
});
