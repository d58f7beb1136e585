import { createHmac } from 'node:crypto';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrevoSandbox, type BrevoSandbox } from '@/sandbox/brevo';
import { startPipedriveSandbox, type OAuthApp } from '@/sandbox/pipedrive';
import { signPanelToken } from '@/sandbox/pipedrive/panel-host';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { useAppEnv } from '../helpers/app-env';

/**
 * The panel API against real Postgres and both sandboxes: tokens signed the way the Pipedrive
 * sandbox's host page signs them, two installed companies each with its own Pipedrive company
 * and Brevo account, and requests that name the other company's ids wherever they can.
 */
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Tenant {
  companyId: string;
  name: string;
  domain: string;
  pipedriveCompanyId: number;
  adminUserId: number;
  brevoKey: string;
  personId: number;
  personEmail: string;
  noEmailPersonId: number;
  dealId: number;
  contactId: number;
  listIds: { member: number; other: number };
  listNames: string[];
}

describe('panel API', () => {
  let db: TestDatabase;
  let pd: Awaited<ReturnType<typeof startPipedriveSandbox>>;
  let brevo: BrevoSandbox;
  let app: OAuthApp;
  let a: Tenant;
  let b: Tenant;
  let m: {
    prisma: typeof import('@/lib/db/prisma');
    verify: typeof import('@/lib/panel/verify-panel-token');
    record: Record<string, Handler>;
    lists: Record<string, Handler>;
    sync: Record<string, Handler>;
    requestSync: typeof import('@/lib/panel/request-panel-sync');
  };

  async function tenant(name: string, domain: string, fillers = 0): Promise<Tenant> {
    const co = pd.control.createCompany({ name, domain });
    // Fillers shift B's ids away from A's, so that a lookup that forgets the company finds B's rows, not A's own.
    for (let i = 0; i < fillers; i++) pd.control.createPerson(domain, { name: `Filler ${i}`, emails: [`filler${i}@${domain}.test`] });
    const person = pd.control.createPerson(domain, { name: `${name} Buyer`, emails: [`buyer@${domain}.test`] });
    const noEmail = pd.control.createPerson(domain, { name: `${name} Phone-only`, phones: ['+4930123456'] });
    const t = pd.control.issueTokens({ clientId: app.clientId, domain });
    const { saveInstallation } = await import('@/lib/auth/installations');
    const { companyId } = await saveInstallation(
      { userId: co.adminUserId, name: `${name} Admin`, email: `admin@${domain}.test`, companyId: co.id, companyName: name, companyDomain: domain, isAdmin: true },
      { authMode: 'oauth', apiDomain: t.api_domain, accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(Date.now() + t.expires_in * 1000), scopes: t.scope.split(',') },
    );
    const account = brevo.control.createAccount({ email: `marketing@${domain}.test`, companyName: `${name} marketing` });
    const { connectBrevo, brevoClientForCompany } = await import('@/lib/accounts/brevo-connection');
    await connectBrevo(companyId, account.apiKey);
    const folder = brevo.control.createFolder(account.apiKey, `${name} folder`);
    const listNames = [`${name} newsletter`, `${name} webinar`];
    const member = brevo.control.createList(account.apiKey, listNames[0]!, folder);
    const other = brevo.control.createList(account.apiKey, listNames[1]!, folder);
    const client = (await brevoClientForCompany(companyId))!;
    for (let i = 0; i < fillers; i++) await client.upsertContact({ email: `filler${i}@${domain}.test` });
    const created = await client.upsertContact({ email: person.emails[0]!.value, attributes: { FIRSTNAME: `${name}-first`, LASTNAME: 'Buyer' }, listIds: [member] }, { updateEnabled: true, resolveId: true });
    await m.prisma.prisma().recordLink.create({
      data: { companyId, object: 'person', pipedriveId: String(person.id), email: person.emails[0]!.value, brevoContactId: BigInt(created.id!), listIds: [member], lastSyncedAt: new Date() },
    });
    // A deal the sync knows, whose person is the synced one.
    const dealId = 9000 + co.id;
    await m.prisma.prisma().recordLink.create({ data: { companyId, object: 'deal', pipedriveId: String(dealId), relatedPersonId: person.id } });
    await m.prisma.prisma().recordIssue.create({ data: { companyId, object: 'person', pipedriveId: String(person.id), severity: 'warning', code: 'phone_dropped', reason: `${name}: the phone number was not valid, so it was not sent` } });
    await m.prisma.prisma().outboundEvent.create({
      data: { companyId, idempotencyKey: `${domain}-won`, eventName: `${domain}_deal_won`, object: 'deal', pipedriveId: String(dealId), email: person.emails[0]!.value, properties: {}, status: 'sent', occurredAt: new Date(), sentAt: new Date() },
    });
    return {
      companyId,
      name,
      domain,
      pipedriveCompanyId: co.id,
      adminUserId: co.adminUserId,
      brevoKey: account.apiKey,
      personId: person.id,
      personEmail: person.emails[0]!.value,
      noEmailPersonId: noEmail.id,
      dealId,
      contactId: created.id!,
      listIds: { member, other },
      listNames,
    };
  }

  const token = (t: Tenant, mode: 'valid' | 'expired' | 'tampered' = 'valid') => signPanelToken(app.clientSecret, { companyId: t.pipedriveCompanyId, userId: t.adminUserId }, { mode });
  const call = async (mod: Record<string, Handler>, method: 'GET' | 'POST', url: string, opts: { token?: string; body?: unknown } = {}) => {
    const headers = new Headers();
    if (opts.token !== undefined) headers.set('authorization', `Bearer ${opts.token}`);
    if (opts.body !== undefined) headers.set('content-type', 'application/json');
    const res = await mod[method]!(new NextRequest(new URL(url, 'http://localhost:3000'), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }), { params: Promise.resolve({}) });
    return { status: res.status, text: await res.text() };
  };
  /** Everything of B that must never appear in an answer to A. */
  const secretsOf = (t: Tenant) => [t.companyId, t.name, t.personEmail, `${t.name}-first`, ...t.listNames, `${t.domain}_deal_won`, t.brevoKey, `${t.name}: the phone`];

  beforeAll(async () => {
    db = await createTestDatabase();
    pd = await startPipedriveSandbox();
    brevo = await startBrevoSandbox();
    app = pd.control.registerApp({ name: 'Pipebridge panel test', redirectUri: 'http://localhost:3999/api/auth/callback/pipedrive', clientSecret: 'panel-test-secret-0123456789' });
    useAppEnv(db.url, { PIPEDRIVE_OAUTH_URL: pd.url, PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret, BREVO_API_URL: `${brevo.url}/v3` });
    m = {
      prisma: await import('@/lib/db/prisma'),
      verify: await import('@/lib/panel/verify-panel-token'),
      record: (await import('@/app/api/panel/record/route')) as unknown as Record<string, Handler>,
      lists: (await import('@/app/api/panel/lists/route')) as unknown as Record<string, Handler>,
      sync: (await import('@/app/api/panel/sync/route')) as unknown as Record<string, Handler>,
      requestSync: await import('@/lib/panel/request-panel-sync'),
    };
    a = await tenant('Alpha Panel GmbH', 'alpha-panel');
    b = await tenant('Beta Panel Ltd', 'beta-panel', 3);
  });

  afterAll(async () => {
    const { jobSender } = await import('@/lib/jobs/runtime');
    await (await jobSender()).stop(5_000).catch(() => undefined);
    await m.prisma.disconnectPrisma();
    await pd.close();
    await brevo.close();
    await db.drop();
  });

  describe('token verification', () => {
    it('accepts a token signed like Pipedrive does and maps its company to ours', async () => {
      const ctx = await m.verify.verifyPanelToken(token(a), { companyId: String(a.pipedriveCompanyId), userId: String(a.adminUserId) });
      expect(ctx).toEqual({ companyId: a.companyId, companyName: a.name, pipedriveCompanyId: a.pipedriveCompanyId, pipedriveUserId: a.adminUserId });
    });

    it.each([
      ['missing', () => '', 'panel_token_missing'],
      ['expired', () => token(a, 'expired'), 'panel_token_expired'],
      ['tampered (company swapped, signature kept)', () => token(a, 'tampered'), 'panel_token_invalid'],
      ['signed with another secret', () => signPanelToken('not-the-app-secret', { companyId: a.pipedriveCompanyId, userId: a.adminUserId }), 'panel_token_invalid'],
      ['unsigned (alg none)', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ companyId: a.pipedriveCompanyId, userId: a.adminUserId, exp: now() + 300 })}.`, 'panel_token_invalid'],
      ['without expiry', () => hs256(app.clientSecret, { companyId: a.pipedriveCompanyId, userId: a.adminUserId }), 'panel_token_invalid'],
      ['without company', () => hs256(app.clientSecret, { userId: a.adminUserId, exp: now() + 300 }), 'panel_token_invalid'],
      ['not a JWT', () => 'garbage', 'panel_token_invalid'],
    ])('refuses a token that is %s with 401 and a message', async (_label, make, code) => {
      const err = await m.verify.verifyPanelToken(make()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(m.verify.PanelAuthError);
      expect((err as InstanceType<typeof m.verify.PanelAuthError>).status).toBe(401);
      expect((err as InstanceType<typeof m.verify.PanelAuthError>).code).toBe(code);
      const res = await call(m.record, 'GET', `/api/panel/record?resource=person&id=${a.personId}`, { token: make() });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code } });
      expect(res.text).not.toContain(a.personEmail);
    });

    it('accepts the snake_case claim names some Pipedrive tokens use', async () => {
      const ctx = await m.verify.verifyPanelToken(hs256(app.clientSecret, { company_id: a.pipedriveCompanyId, user_id: a.adminUserId, exp: now() + 60 }));
      expect(ctx.companyId).toBe(a.companyId);
    });

    it('refuses a first load whose URL names another company or user than the token', async () => {
      await expect(m.verify.verifyPanelToken(token(a), { companyId: String(b.pipedriveCompanyId) })).rejects.toMatchObject({ status: 401, code: 'panel_token_mismatch' });
      await expect(m.verify.verifyPanelToken(token(a), { userId: String(a.adminUserId + 1) })).rejects.toMatchObject({ status: 401, code: 'panel_token_mismatch' });
    });

    it('answers 403 for a valid token of a company that has not installed Pipebridge', async () => {
      const other = pd.control.createCompany({ name: 'Never Installed', domain: 'never-installed' });
      const t = signPanelToken(app.clientSecret, { companyId: other.id, userId: other.adminUserId });
      await expect(m.verify.verifyPanelToken(t)).rejects.toMatchObject({ status: 403, code: 'not_installed' });
    });

    it('every panel route refuses a call without a token', async () => {
      expect((await call(m.record, 'GET', `/api/panel/record?resource=person&id=${a.personId}`)).status).toBe(401);
      expect((await call(m.lists, 'POST', '/api/panel/lists', { body: { resource: 'person', id: a.personId, listId: a.listIds.other, action: 'add' } })).status).toBe(401);
      expect((await call(m.sync, 'POST', '/api/panel/sync', { body: { resource: 'person', id: a.personId } })).status).toBe(401);
      expect((await call(m.sync, 'GET', '/api/panel/sync?jobId=00000000-0000-4000-8000-000000000000')).status).toBe(401);
    });
  });

  describe('record view', () => {
    it('shows a synced person: status, lists, attributes, last sync, problems and events', async () => {
      const res = await call(m.record, 'GET', `/api/panel/record?resource=person&id=${a.personId}`, { token: token(a) });
      expect(res.status, res.text).toBe(200);
      const { record } = JSON.parse(res.text) as { record: import('@/lib/panel/panel-api-schemas').PanelRecordView };
      expect(record.state).toBe('synced');
      expect(record.contact).toMatchObject({ id: a.contactId, email: a.personEmail, status: 'subscribed', lists: [{ id: a.listIds.member, name: a.listNames[0] }] });
      expect(record.contact!.attributes).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'FIRSTNAME', value: `${a.name}-first` })]));
      expect(record.availableLists.map((l) => l.id)).toContain(a.listIds.other);
      expect(record.lastSyncedAt).not.toBeNull();
      expect(record.issues).toEqual([expect.objectContaining({ code: 'phone_dropped' })]);
      expect(record.events).toEqual([expect.objectContaining({ name: `${a.domain}_deal_won`, status: 'sent' })]);
    });

    it('shows why a blocklisted contact is blocklisted', async () => {
      brevo.control.hardBounce(a.brevoKey, a.personEmail);
      try {
        const { record } = JSON.parse((await call(m.record, 'GET', `/api/panel/record?resource=person&id=${a.personId}`, { token: token(a) })).text) as { record: { contact: { status: string } } };
        expect(record.contact.status).toBe('bounced');
      } finally {
        // Back to subscribed for the other tests: Brevo lets an admin clear the blocklist flag.
        await (await (await import('@/lib/accounts/brevo-connection')).brevoClientForCompany(a.companyId))!.updateContact(a.contactId, { emailBlacklisted: false }, 'contact_id');
      }
    });

    it("shows a deal's person", async () => {
      const { record } = JSON.parse((await call(m.record, 'GET', `/api/panel/record?resource=deal&id=${a.dealId}`, { token: token(a) })).text) as { record: { state: string; person: { id: number } } };
      expect(record).toMatchObject({ state: 'synced', person: { id: a.personId } });
    });

    it('finds the person of a deal the sync has not seen yet through Pipedrive, and explains a deal without one', async () => {
      pd.control.seed(a.domain, { persons: 2, deals: 2, organizations: 0, activities: 0, leads: 0, noEmailRate: 0 });
      const [withPerson, withoutPerson] = [...pd.control.company(a.domain).deals.values()];
      expect(withPerson?.person_id).toBeTruthy();
      const res = await call(m.record, 'GET', `/api/panel/record?resource=deal&id=${withPerson!.id}`, { token: token(a) });
      expect(res.status, res.text).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({ record: { resource: 'deal', state: 'not_synced', canSync: true, person: { id: withPerson!.person_id } } });
      // Pipedrive allows a deal without a contact person.
      withoutPerson!.person_id = null;
      const none = JSON.parse((await call(m.record, 'GET', `/api/panel/record?resource=deal&id=${withoutPerson!.id}`, { token: token(a) })).text) as { record: { state: string; explanation: string } };
      expect(none.record.state).toBe('no_person');
      expect(none.record.explanation).toMatch(/no contact person/);
      expect((await call(m.sync, 'POST', '/api/panel/sync', { token: token(a), body: { resource: 'deal', id: withoutPerson!.id } })).status).toBe(409);
      expect((await call(m.record, 'GET', '/api/panel/record?resource=deal&id=777777', { token: token(a) })).status).toBe(404);
    });

    it('explains a person without email', async () => {
      const res = await call(m.record, 'GET', `/api/panel/record?resource=person&id=${a.noEmailPersonId}`, { token: token(a) });
      expect(res.status, res.text).toBe(200);
      const { record } = JSON.parse(res.text) as { record: { state: string; explanation: string; canSync: boolean; contact: unknown } };
      expect(record).toMatchObject({ state: 'no_email', canSync: false, contact: null });
      expect(record.explanation).toMatch(/has no email address in Pipedrive/);
    });

    it('rejects a malformed request with 400', async () => {
      expect((await call(m.record, 'GET', '/api/panel/record?resource=organization&id=1', { token: token(a) })).status).toBe(400);
      expect((await call(m.record, 'GET', '/api/panel/record?resource=person&id=abc', { token: token(a) })).status).toBe(400);
    });
  });

  describe('list changes', () => {
    it('adds to and removes from a list of the company, and forgets a removed list the sync had set', async () => {
      const add = await call(m.lists, 'POST', '/api/panel/lists', { token: token(a), body: { resource: 'person', id: a.personId, listId: a.listIds.other, action: 'add' } });
      expect(add.status, add.text).toBe(200);
      expect(brevo.control.getContact(a.brevoKey, a.personEmail)?.listIds).toEqual(expect.arrayContaining([a.listIds.member, a.listIds.other]));
      const again = await call(m.lists, 'POST', '/api/panel/lists', { token: token(a), body: { resource: 'person', id: a.personId, listId: a.listIds.other, action: 'add' } });
      expect(again.status).toBe(409);
      expect(JSON.parse(again.text)).toMatchObject({ error: { code: 'already_in_list' } });

      const remove = await call(m.lists, 'POST', '/api/panel/lists', { token: token(a), body: { resource: 'person', id: a.personId, listId: a.listIds.member, action: 'remove' } });
      expect(remove.status, remove.text).toBe(200);
      expect(brevo.control.getContact(a.brevoKey, a.personEmail)?.listIds).toEqual([a.listIds.other]);
      const link = await m.prisma.prisma().recordLink.findFirstOrThrow({ where: { companyId: a.companyId, object: 'person', pipedriveId: String(a.personId) } });
      expect(link.listIds).toEqual([]);
    });

    it('refuses a person who is not in Brevo', async () => {
      const res = await call(m.lists, 'POST', '/api/panel/lists', { token: token(a), body: { resource: 'person', id: a.noEmailPersonId, listId: a.listIds.other, action: 'add' } });
      expect(res.status).toBe(409);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'not_synced' } });
    });
  });

  describe('sync now', () => {
    it('queues the sync job for the shown person and reports its state to that company only', async () => {
      const res = await call(m.sync, 'POST', '/api/panel/sync', { token: token(a), body: { resource: 'deal', id: a.dealId } });
      expect(res.status, res.text).toBe(202);
      const { jobIds } = JSON.parse(res.text) as { jobIds: string[] };
      const { jobSender } = await import('@/lib/jobs/runtime');
      const { syncRecordsJob } = await import('@/lib/engine/jobs');
      const job = await (await jobSender()).raw.getJobById(syncRecordsJob.name, jobIds[0]!);
      expect(job?.data).toEqual({ companyId: a.companyId, object: 'person', ids: [String(a.personId)] });
      const state = await call(m.sync, 'GET', `/api/panel/sync?jobId=${jobIds[0]}`, { token: token(a) });
      expect(state.status).toBe(200);
      expect(JSON.parse(state.text)).toEqual({ state: 'created' });
      // B cannot follow A's job, not even learn that it exists.
      const probe = await call(m.sync, 'GET', `/api/panel/sync?jobId=${jobIds[0]}`, { token: token(b) });
      expect(probe.status).toBe(404);
    });
  });

  describe('isolation: a token of company A never reaches company B, whatever ids the request names', () => {
    it('no answer to A carries B data, and B is unchanged', async () => {
      expect(b.personId).not.toBe(a.personId);
      expect(b.contactId).not.toBe(a.contactId);
      const beforeB = JSON.stringify(brevo.control.getContact(b.brevoKey, b.personEmail));
      const bJob = (await m.requestSync.requestPanelSync({ companyId: b.companyId, companyName: b.name, pipedriveCompanyId: b.pipedriveCompanyId, pipedriveUserId: b.adminUserId }, { resource: 'person', id: b.personId })).jobIds[0]!;
      const requests: [Record<string, Handler>, 'GET' | 'POST', string, unknown?][] = [
        [m.record, 'GET', `/api/panel/record?resource=person&id=${b.personId}`],
        [m.record, 'GET', `/api/panel/record?resource=person&id=${b.personId}&companyId=${b.companyId}`],
        [m.record, 'GET', `/api/panel/record?resource=deal&id=${b.dealId}`],
        [m.record, 'GET', `/api/panel/record?resource=person&id=${b.noEmailPersonId}`],
        [m.lists, 'POST', '/api/panel/lists', { resource: 'person', id: b.personId, listId: b.listIds.other, action: 'add' }],
        [m.lists, 'POST', '/api/panel/lists', { resource: 'person', id: b.personId, listId: b.listIds.member, action: 'remove' }],
        [m.lists, 'POST', '/api/panel/lists', { resource: 'deal', id: b.dealId, listId: b.listIds.member, action: 'remove' }],
        [m.lists, 'POST', '/api/panel/lists', { resource: 'person', id: b.personId, listId: b.listIds.other, action: 'add', companyId: b.companyId }],
        [m.sync, 'POST', '/api/panel/sync', { resource: 'deal', id: b.dealId }],
        [m.sync, 'GET', `/api/panel/sync?jobId=${bJob}`],
      ];
      for (const [mod, method, url, body] of requests) {
        const res = await call(mod, method, url, { token: token(a), body });
        expect(res.status, `${method} ${url}: ${res.text}`).toBeLessThan(500);
        for (const s of secretsOf(b)) expect(res.text, `${method} ${url} leaked ${s}`).not.toContain(s);
      }
      // B's contact, lists and link are as they were; A's sync request for B's deal did not name B's person.
      expect(JSON.stringify(brevo.control.getContact(b.brevoKey, b.personEmail))).toBe(beforeB);
      const bLink = await m.prisma.prisma().recordLink.findFirstOrThrow({ where: { companyId: b.companyId, object: 'person', pipedriveId: String(b.personId) } });
      expect(bLink.listIds).toEqual([b.listIds.member]);
    });

    it('a token for B with a forged signature gets nothing', async () => {
      const forged = hs256('guessed-secret', { companyId: b.pipedriveCompanyId, userId: b.adminUserId, exp: now() + 300 });
      const res = await call(m.record, 'GET', `/api/panel/record?resource=person&id=${b.personId}`, { token: forged });
      expect(res.status).toBe(401);
      for (const s of secretsOf(b)) expect(res.text).not.toContain(s);
    });
  });
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function hs256(secret: string, claims: object): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
