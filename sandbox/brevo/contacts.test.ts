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

function newAccount() {
  const acc = sb.control.createAccount();
  return { ...acc, call: brevoHttp(sb.url, acc.apiKey) };
}

describe('POST /contacts', () => {
  it('creates with 201 {id}, upserts with 204 and no body, and refuses a duplicate without updateEnabled', async () => {
    const { call, apiKey } = newAccount();
    const created = await call('POST', '/contacts', { email: 'Jane@Acme.com', attributes: { FIRSTNAME: 'Jane' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number) as number });

    const updated = await call('POST', '/contacts', { email: 'jane@acme.com', attributes: { LASTNAME: 'Doe' }, updateEnabled: true });
    expect(updated.status).toBe(204);
    expect(updated.text).toBe('');

    const dup = await call('POST', '/contacts', { email: 'jane@acme.com' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({
      code: 'duplicate_parameter',
      message: 'Unable to create contact, email is already associated with another Contact',
      metadata: { duplicate_identifiers: ['email'] },
    });
    const c = sb.control.getContact(apiKey, 'jane@acme.com');
    expect(c?.attributes).toEqual({ FIRSTNAME: 'Jane', LASTNAME: 'Doe' });
  });

  it('creates from ext_id or SMS alone, and requires one identifier', async () => {
    const { call } = newAccount();
    expect((await call('POST', '/contacts', { ext_id: 'pd_person_1' })).status).toBe(201);
    expect((await call('POST', '/contacts', { attributes: { SMS: '+33612345678' } })).status).toBe(201);
    const none = await call('POST', '/contacts', { attributes: { FIRSTNAME: 'Nobody' } });
    expect(none.status).toBe(400);
    expect((none.body as { code: string }).code).toBe('missing_parameter');
  });

  it('rejects SMS without a country code and invalid emails', async () => {
    const { call } = newAccount();
    const phone = await call('POST', '/contacts', { email: 'a@b.co', attributes: { SMS: '0612345678' } });
    expect(phone.body).toEqual({ code: 'invalid_parameter', message: 'Invalid phone number' });
    const email = await call('POST', '/contacts', { email: 'not-an-email' });
    expect(email.body).toEqual({ code: 'invalid_parameter', message: 'Invalid email address' });
    // Same number written three ways is one number.
    expect((await call('POST', '/contacts', { email: 'p1@b.co', attributes: { SMS: '0033612345678' } })).status).toBe(201);
    const dup = await call('POST', '/contacts', { email: 'p2@b.co', attributes: { SMS: '33612345678' } });
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({ code: 'duplicate_parameter', metadata: { duplicate_identifiers: ['SMS'] } });
  });

  it('keeps SMS unique on upsert of another contact, with the "Unable to update" wording', async () => {
    const { call, apiKey } = newAccount();
    await call('POST', '/contacts', { email: 'one@x.io', attributes: { SMS: '+447911123456' } });
    await call('POST', '/contacts', { email: 'two@x.io' });
    const res = await call('POST', '/contacts', { email: 'two@x.io', attributes: { SMS: '+447911123456', FIRSTNAME: 'Two' }, updateEnabled: true });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 'duplicate_parameter',
      message: 'Unable to update contact, SMS is already associated with another Contact',
      metadata: { duplicate_identifiers: ['SMS'] },
    });
    // Nothing of the refused write was applied.
    expect(sb.control.getContact(apiKey, 'two@x.io')?.attributes).toEqual({});
  });

  it('drops values of the wrong type and unknown attributes, and records why', async () => {
    const { call, apiKey } = newAccount();
    await call('POST', '/contacts/attributes/normal/BIRTHDAY', { type: 'date' });
    await call('POST', '/contacts/attributes/normal/SCORE', { type: 'float' });
    await call('POST', '/contacts/attributes/normal/VIP', { type: 'boolean' });
    await call('POST', '/contacts/attributes/normal/TAGS', { type: 'multiple-choice', multiCategoryOptions: ['Hot', 'Cold'] });
    const res = await call('POST', '/contacts', {
      email: 'typed@x.io',
      attributes: { BIRTHDAY: 'not a date', SCORE: '12.5', VIP: 'yes', TAGS: ['Hot'], NOPE: 'x', firstname: 'lower' },
    });
    expect(res.status).toBe(201);
    expect(sb.control.getContact(apiKey, 'typed@x.io')?.attributes).toEqual({ SCORE: 12.5, TAGS: ['Hot'] });
    const dropped = sb.control.state(apiKey).droppedValues.map((d) => [d.attribute, d.reason]);
    expect(dropped).toEqual([
      ['BIRTHDAY', 'type_mismatch'],
      ['VIP', 'type_mismatch'],
      ['NOPE', 'unknown_attribute'],
      ['firstname', 'not_upper_case'],
    ]);
  });
});

describe('contacts by identifier', () => {
  it('finds by email, id, SMS, ext_id with the auto-detection rules of GET vs PUT/DELETE', async () => {
    const { call } = newAccount();
    const { body } = await call('POST', '/contacts', { email: 'id@x.io', ext_id: 'pd_7', attributes: { SMS: '+33612345670' } });
    const id = (body as { id: number }).id;
    for (const path of [`/contacts/${encodeURIComponent('id@x.io')}`, `/contacts/${id}`, `/contacts/${encodeURIComponent('+33612345670')}`, '/contacts/pd_7?identifierType=ext_id', '/contacts/33612345670?identifierType=phone_id']) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(200);
      expect((res.body as { id: number }).id).toBe(id);
    }
    // ext_id is never auto-detected.
    expect((await call('GET', '/contacts/pd_7')).status).toBe(404);
    // PUT does not auto-detect SMS: a bare number is an id there.
    expect((await call('PUT', '/contacts/33612345670', { attributes: { FIRSTNAME: 'X' } })).status).toBe(404);
    expect((await call('PUT', '/contacts/pd_7?identifierType=ext_id', { attributes: { FIRSTNAME: 'Y' } })).status).toBe(204);
    const bad = await call('GET', '/contacts/pd_7?identifierType=nope');
    expect(bad.status).toBe(400);
    const gone = await call('GET', '/contacts/nobody@x.io');
    expect(gone.body).toEqual({ code: 'document_not_found', message: 'Contact does not exist' });
  });

  it('changes email through attributes.EMAIL, moves lists with listIds/unlinkListIds, and deletes', async () => {
    const { call, apiKey } = newAccount();
    const folder = sb.control.createFolder(apiKey, 'Stages');
    const a = sb.control.createList(apiKey, 'Qualified', folder);
    const b = sb.control.createList(apiKey, 'Won', folder);
    await call('POST', '/contacts', { email: 'old@x.io', listIds: [a] });
    expect((await call('PUT', `/contacts/${encodeURIComponent('old@x.io')}`, { attributes: { EMAIL: 'new@x.io' }, listIds: [b], unlinkListIds: [a] })).status).toBe(204);
    const c = sb.control.getContact(apiKey, 'new@x.io');
    expect(c?.listIds).toEqual([b]);
    expect(sb.control.getContact(apiKey, 'old@x.io')).toBeUndefined();
    expect((await call('DELETE', `/contacts/${encodeURIComponent('new@x.io')}`)).status).toBe(204);
    expect((await call('DELETE', `/contacts/${encodeURIComponent('new@x.io')}`)).status).toBe(404);
    expect(sb.control.state(apiKey).lists.find((l) => l.id === b)?.contactIds).toEqual([]);
  });

  it("refuses to delete the account owner's own contact with 405", async () => {
    const acc = sb.control.createAccount({ email: 'boss@company.test' });
    const call = brevoHttp(sb.url, acc.apiKey);
    await call('POST', '/contacts', { email: 'boss@company.test' });
    const res = await call('DELETE', '/contacts/boss%40company.test');
    expect(res.status).toBe(405);
  });
});

describe('GET /contacts', () => {
  it('pages with limit/offset (limit ≤ 1000), sorts by creation and filters by modifiedSince', async () => {
    const { call } = newAccount();
    for (let i = 0; i < 5; i++) await call('POST', '/contacts', { email: `p${i}@x.io` });
    const since = new Date(sb.clock.now() + 1).toISOString();
    sb.clock.advance(1000);
    await call('PUT', '/contacts/p1%40x.io', { attributes: { FIRSTNAME: 'Changed' } });
    const page = await call('GET', '/contacts?limit=2&offset=1&sort=asc');
    expect(page.body).toMatchObject({ count: 5, contacts: [{ email: 'p1@x.io' }, { email: 'p2@x.io' }] });
    const desc = await call('GET', '/contacts?limit=1');
    expect(desc.body).toMatchObject({ contacts: [{ email: 'p4@x.io' }] });
    const changed = await call('GET', `/contacts?modifiedSince=${encodeURIComponent(since)}`);
    expect(changed.body).toMatchObject({ count: 1, contacts: [{ email: 'p1@x.io', attributes: { FIRSTNAME: 'Changed' } }] });
    const tooMany = await call('GET', '/contacts?limit=1001');
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as { code: string }).code).toBe('out_of_range');
  });
});

describe('POST /contacts/batch', () => {
  it('updates many by email/id/sms, and one bad item fails the whole call without applying any', async () => {
    const { call, apiKey } = newAccount();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(((await call('POST', '/contacts', { email: `b${i}@x.io` })).body as { id: number }).id);
    const ok = await call('POST', '/contacts/batch', { contacts: [{ email: 'b0@x.io', attributes: { FIRSTNAME: 'Zero' } }, { id: ids[1], emailBlacklisted: true }] });
    expect(ok.status).toBe(204);
    expect(sb.control.getContact(apiKey, 'b0@x.io')?.attributes.FIRSTNAME).toBe('Zero');
    expect(sb.control.getContact(apiKey, 'b1@x.io')?.emailBlacklisted).toBe(true);
    const bad = await call('POST', '/contacts/batch', { contacts: [{ email: 'b2@x.io', attributes: { FIRSTNAME: 'Two' } }, { email: 'missing@x.io', attributes: {} }] });
    expect(bad.status).toBe(400);
    expect(sb.control.getContact(apiKey, 'b2@x.io')?.attributes.FIRSTNAME).toBeUndefined();
  });
});

describe('auth', () => {
  it('answers GET /account per key kind as Brevo does', async () => {
    const acc = sb.control.createAccount();
    const get = (key: string) => brevoHttp(sb.url, key)('GET', '/account');
    const ok = await get(acc.apiKey);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ email: expect.any(String) as string, plan: expect.any(Array) as unknown[] });
    expect((await get('xkeysib-nope')).body).toEqual({ message: 'Key not found', code: 'unauthorized' });
    const ip = await get(acc.ipBlockedApiKey);
    expect(ip.status).toBe(401);
    expect((ip.body as { message: string }).message).toMatch(/unrecognised IP address/);
    const perm = await get(acc.restrictedApiKey);
    expect(perm.status).toBe(403);
    const none = await fetch(`${sb.url}/v3/account`);
    expect(await none.json()).toEqual({ message: 'authentication not found in headers', code: 'unauthorized' });
  });
});
