import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrevoSandbox, type BrevoSandbox } from './index';
import { brevoHttp } from './test-http';

// Real HTTP on a shared 2-core machine: room for load spikes (these tests take well under a second).
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

let sb: BrevoSandbox;
beforeAll(async () => {
  sb = await startBrevoSandbox({ rateLimits: 'off' });
});
afterAll(async () => {
  await sb.close();
});

function setup() {
  const acc = sb.control.createAccount();
  return { acc, call: brevoHttp(sb.url, acc.apiKey) };
}

describe('POST /events', () => {
  it('records events in order, resolves the contact and applies contact_properties', async () => {
    const { acc, call } = setup();
    const id = ((await call('POST', '/contacts', { email: 'e@x.io', ext_id: 'pd_1' })).body as { id: number }).id;
    const ok = await call('POST', '/events', {
      event_name: 'pd_deal_stage_changed',
      event_date: '2026-05-04T10:15:00+02:00',
      identifiers: { ext_id: 'pd_1' },
      contact_properties: { FIRSTNAME: 'Eve' },
      event_properties: { deal_id: 991, won: false, nested: { stage: 'Negotiation' } },
    });
    expect(ok.status).toBe(204);
    expect(ok.text).toBe('');
    await call('POST', '/events', { event_name: 'second', identifiers: { email_id: 'e@x.io' } });
    await call('POST', '/events', { event_name: 'third', identifiers: { email_id: 'unknown@x.io' } });
    const events = sb.control.state(acc.apiKey).events;
    expect(events.map((e) => [e.seq, e.eventName, e.contactId])).toEqual([
      [1, 'pd_deal_stage_changed', id],
      [2, 'second', id],
      [3, 'third', null],
    ]);
    expect(events[0]?.eventDate).toBe('2026-05-04T10:15:00+02:00');
    expect(sb.control.getContact(acc.apiKey, 'e@x.io')?.attributes.FIRSTNAME).toBe('Eve');
    expect(sb.control.state(acc.apiKey).contacts).toHaveLength(1);
  });

  it('enforces the name rules, identifiers and the 50 KB property limit', async () => {
    const { call } = setup();
    const bad = async (body: unknown) => (await call('POST', '/events', body)).status;
    expect(await bad({ event_name: 'has space', identifiers: { email_id: 'a@b.co' } })).toBe(400);
    expect(await bad({ event_name: 'x'.repeat(256), identifiers: { email_id: 'a@b.co' } })).toBe(400);
    expect(await bad({ event_name: 'ok', identifiers: {} })).toBe(400);
    expect(await bad({ event_name: 'ok' })).toBe(400);
    expect(await bad({ event_name: 'ok', identifiers: { nickname: 'x' } })).toBe(400);
    expect(await bad({ event_name: 'ok', identifiers: { email_id: 'a@b.co' }, event_properties: { 'bad key': 1 } })).toBe(400);
    expect(await bad({ event_name: 'ok', identifiers: { email_id: 'a@b.co' }, event_properties: { blob: 'x'.repeat(51 * 1024) } })).toBe(400);
    expect(await bad({ event_name: 'ok', identifiers: { email_id: 'a@b.co' }, event_date: 'yesterday' })).toBe(400);
    expect(await bad({ event_name: 'ok', identifiers: { email_id: 'a@b.co' }, event_properties: { blob: 'x'.repeat(49 * 1024) } })).toBe(204);
  });

  it('batch: 202 when all pass, 207 with indexes when some fail, accepts a bare array too', async () => {
    const { acc, call } = setup();
    const all = await call('POST', '/events/batch', { events: [{ event_name: 'a', identifiers: { email_id: 'a@b.co' } }] });
    expect(all).toMatchObject({ status: 202, body: { count: 1 } });
    const partial = await call('POST', '/events/batch', [
      { event_name: 'b', identifiers: { ext_id: 'x' } },
      { event_name: 'bad name', identifiers: { ext_id: 'x' } },
      { event_name: 'c', identifiers: {} },
      { event_name: 'bad name', identifiers: { ext_id: 'y' } },
    ]);
    expect(partial.status).toBe(207);
    expect(partial.body).toMatchObject({ total_events: 4, successful_events: 1, failed_events: 3, errors: [{ eventIndex: [1, 3] }, { eventIndex: [2] }] });
    expect((await call('POST', '/events/batch', { events: [] })).status).toBe(400);
    expect(sb.control.state(acc.apiKey).events.map((e) => [e.eventName, e.via])).toEqual([
      ['a', 'batch'],
      ['b', 'batch'],
    ]);
  });
});

describe('companies', () => {
  it('creates, reads, patches (linked ids replace), links and unlinks, searches and deletes', async () => {
    const { acc, call } = setup();
    const c1 = ((await call('POST', '/contacts', { email: 'a@x.io' })).body as { id: number }).id;
    const c2 = ((await call('POST', '/contacts', { email: 'b@x.io' })).body as { id: number }).id;
    expect((await call('POST', '/crm/attributes', { label: 'PD org id', attributeType: 'number', objectType: 'companies' })).status).toBe(201);
    const created = await call('POST', '/companies', { name: 'Acme', attributes: { domain: 'acme.com', pd_org_id: 5 }, linkedContactsIds: [c1] });
    expect(created.status).toBe(200);
    const id = (created.body as { id: string }).id;
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect((await call('PATCH', `/companies/link-unlink/${id}`, { linkContactIds: [c2] })).status).toBe(204);
    expect((await call('GET', `/companies/${id}`)).body).toMatchObject({ id, attributes: { name: 'Acme', number_of_contacts: 2 }, linkedContactsIds: [c1, c2] });
    const patched = await call('PATCH', `/companies/${id}`, { linkedContactsIds: [c2], attributes: { industry: 'Tools' } });
    expect(patched.body).toMatchObject({ linkedContactsIds: [c2], attributes: { industry: 'Tools', domain: 'acme.com' } });
    expect((await call('PATCH', `/companies/link-unlink/${id}`, { unlinkContactIds: [c2] })).status).toBe(204);
    expect((await call('GET', `/companies?filters=${encodeURIComponent('{"attributes.pd_org_id":5}')}`)).body).toMatchObject({ items: [{ id }] });
    expect((await call('GET', `/companies?filters=${encodeURIComponent('{"attributes.pd_org_id":6}')}`)).body).toEqual({ items: [] });
    expect((await call('GET', '/companies?filters=notjson')).status).toBe(400);
    expect((await call('POST', '/companies', { name: 'X', attributes: { unknown_attr: 1 } })).status).toBe(400);
    expect((await call('POST', '/companies', { name: 'X', attributes: { pd_org_id: 'five' } })).status).toBe(400);
    expect((await call('POST', '/companies', { attributes: {} })).status).toBe(400);
    expect((await call('GET', '/companies/not-an-id')).body).toMatchObject({ message: 'Route company id is not valid.' });
    expect((await call('DELETE', `/companies/${id}`)).status).toBe(204);
    expect((await call('GET', `/companies/${id}`)).body).toMatchObject({ message: 'Document not found' });
    // Deleting a contact removes it from its companies.
    const again = ((await call('POST', '/companies', { name: 'B', linkedContactsIds: [c1] })).body as { id: string }).id;
    await call('DELETE', `/contacts/${c1}`);
    expect(sb.control.state(acc.apiKey).companies.find((c) => c.id === again)?.linkedContactsIds).toEqual([]);
  });

  it('imports companies from a multipart CSV with a mapping', async () => {
    const { acc } = setup();
    const call = brevoHttp(sb.url, acc.apiKey);
    const contact = ((await call('POST', '/contacts', { email: 'link@x.io' })).body as { id: number }).id;
    const form = new FormData();
    form.append('file', new Blob([`name,domain,associated_contact\nGlobex,globex.com,${contact}\nInitech,initech.com,\n`], { type: 'text/csv' }), 'companies.csv');
    form.append('mapping', JSON.stringify({ link_entities: true, update_existing_records: true }));
    const res = await fetch(`${sb.url}/v3/companies/import`, { method: 'POST', headers: { 'api-key': acc.apiKey }, body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ processId: expect.any(Number) as number });
    const companies = sb.control.state(acc.apiKey).companies;
    expect(companies.map((c) => [c.attributes.name, c.attributes.domain, c.linkedContactsIds])).toEqual([
      ['Globex', 'globex.com', [contact]],
      ['Initech', 'initech.com', []],
    ]);
  });
});
