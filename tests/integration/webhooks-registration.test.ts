import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipedriveSandbox, type CompanyInfo, type OAuthApp } from '@/sandbox/pipedrive';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { useAppEnv } from '../helpers/app-env';

/**
 * Webhook registration against the Pipedrive sandbox, as the Marketplace app (OAuth): one v2
 * webhook per synced object on the company's own URL with its own Basic credentials, repaired
 * when Pipedrive deletes one, never duplicated, kept under Pipedrive's 40, removed on disconnect.
 */
describe('webhook registration', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let sandbox: Awaited<ReturnType<typeof startPipedriveSandbox>>;
  let app: OAuthApp;
  // Nothing listens on the discard port: every delivery fails, which is what the deletion test needs.
  const APP_URL = 'http://127.0.0.1:9';
  let m: {
    prisma: typeof import('@/lib/db/prisma');
    installations: typeof import('@/lib/auth/installations');
    crypto: typeof import('@/lib/crypto');
    ensure: typeof import('@/lib/webhooks/ensure-webhooks');
    remove: typeof import('@/lib/webhooks/remove-webhooks');
    jobs: typeof import('@/lib/webhooks/ensure-webhooks-job');
    registry: typeof import('@/lib/jobs/registry');
    health: typeof import('@/lib/webhooks/webhook-health');
    errors: typeof import('@/lib/errors');
  };

  async function install(domain: string): Promise<{ co: CompanyInfo; companyId: string }> {
    const co = sandbox.control.createCompany({ name: `Co ${domain}`, domain });
    const t = sandbox.control.issueTokens({ clientId: app.clientId, domain });
    const saved = await m.installations.saveInstallation(
      { userId: co.adminUserId, name: 'Admin', companyId: co.id, companyName: co.name, companyDomain: co.domain, isAdmin: true },
      { authMode: 'oauth', apiDomain: t.api_domain, accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(Date.now() + t.expires_in * 1000), scopes: t.scope.split(',') },
    );
    return { co, companyId: saved.companyId };
  }

  /** Webhooks as the sandbox holds them (with the password Pipedrive will send). */
  const hooks = (domain: string) => sandbox.control.webhooks(domain).sort((a, b) => a.id - b.id);

  /** Creates a webhook the way another integration (or an old version of us) would: with the admin's API token. */
  async function foreignWebhook(co: CompanyInfo, body: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${co.apiDomain}/api/v1/webhooks`, { method: 'POST', headers: { 'x-api-token': co.apiToken, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'other', ...body }) });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { data: { id: number } }).data.id;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    sandbox = await startPipedriveSandbox();
    app = sandbox.control.registerApp({ name: 'Pipebridge webhooks test', redirectUri: 'http://127.0.0.1:9/api/auth/callback/pipedrive' });
    useAppEnv(db.url, { APP_URL, PIPEDRIVE_OAUTH_URL: sandbox.url, PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret });
    m = {
      prisma: await import('@/lib/db/prisma'),
      installations: await import('@/lib/auth/installations'),
      crypto: await import('@/lib/crypto'),
      ensure: await import('@/lib/webhooks/ensure-webhooks'),
      remove: await import('@/lib/webhooks/remove-webhooks'),
      jobs: await import('@/lib/webhooks/ensure-webhooks-job'),
      registry: await import('@/lib/jobs/registry'),
      health: await import('@/lib/webhooks/webhook-health'),
      errors: await import('@/lib/errors'),
    };
  });

  afterAll(async () => {
    await m.prisma.disconnectPrisma();
    const { pgPool } = await import('@/lib/db/pool');
    await pgPool().end();
    await sql.end();
    await sandbox.close();
    await db.drop();
  });

  it('creates one webhooks-v2 subscription per synced object, on the company URL, with credentials stored encrypted', async () => {
    const { co, companyId } = await install('reg-create');
    const result = await m.ensure.ensureWebhooks(companyId);
    const url = `${APP_URL}/api/webhooks/pipedrive/${companyId}`;
    expect(result.url).toBe(url);
    expect(result.created).toHaveLength(5);
    const list = hooks(co.domain);
    expect(list.map((w) => w.event_object).sort()).toEqual(['activity', 'deal', 'lead', 'organization', 'person']);
    for (const w of list) {
      expect(w).toMatchObject({ subscription_url: url, event_action: '*', version: '2.0', type: 'application', client_id: app.clientId });
    }
    const company = await m.prisma.prisma().company.findUniqueOrThrow({ where: { id: companyId } });
    const password = m.crypto.decryptSecret(company.webhookPasswordEnc!);
    expect(password.length).toBeGreaterThanOrEqual(40);
    expect(company.webhookPasswordEnc).not.toContain(password);
    expect(new Set(list.map((w) => `${w.http_auth_user}:${w.http_auth_password}`))).toEqual(new Set([`${company.webhookUsername}:${password}`]));
    // The plaintext password is nowhere in the database.
    const dump = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM companies c WHERE row_to_json(c)::text LIKE '%' || $1 || '%'`, [password]);
    expect(dump.rows[0]!.n).toBe(0);
    const regs = await m.prisma.prisma().webhookRegistration.findMany({ where: { companyId }, orderBy: { pipedriveWebhookId: 'asc' } });
    expect(regs.map((r) => [r.pipedriveWebhookId, r.eventObject, r.eventAction, r.subscriptionUrl])).toEqual(list.map((w) => [w.id, w.event_object, '*', url]));
  });

  it('is idempotent: a second run and three concurrent runs create nothing and keep the credentials', async () => {
    const { co, companyId } = await install('reg-idem');
    await m.ensure.ensureWebhooks(companyId);
    const before = hooks(co.domain);
    const creds = await m.prisma.prisma().company.findUniqueOrThrow({ where: { id: companyId }, select: { webhookUsername: true, webhookPasswordEnc: true } });
    const again = await m.ensure.ensureWebhooks(companyId);
    expect(again).toMatchObject({ created: [], removed: [] });
    const parallel = await Promise.all([1, 2, 3].map(() => m.ensure.ensureWebhooks(companyId)));
    expect(parallel.flatMap((r) => [...r.created, ...r.removed])).toEqual([]);
    expect(hooks(co.domain)).toEqual(before);
    expect(await m.prisma.prisma().company.findUniqueOrThrow({ where: { id: companyId }, select: { webhookUsername: true, webhookPasswordEnc: true } })).toEqual(creds);
    expect(await m.prisma.prisma().webhookRegistration.count({ where: { companyId } })).toBe(5);
  });

  it('credentials are generated once even when two first runs race', async () => {
    const { co, companyId } = await install('reg-race');
    await Promise.all([m.ensure.ensureWebhooks(companyId), m.ensure.ensureWebhooks(companyId)]);
    const list = hooks(co.domain);
    expect(list).toHaveLength(5);
    expect(new Set(list.map((w) => w.http_auth_password)).size).toBe(1);
  });

  it('recreates the webhook Pipedrive deleted after 3 days of failed deliveries, and only that one', async () => {
    const { co, companyId } = await install('reg-deleted');
    const first = await m.ensure.ensureWebhooks(companyId);
    const person = sandbox.control.createPerson(co.domain, { name: 'Failing Delivery', emails: ['fail@example.test'] });
    await sandbox.control.flushWebhooks();
    // Deliveries to APP_URL fail; after 3 days of failures the next failure deletes the webhook.
    await sandbox.control.advanceClock(3 * 86_400_000 + 60_000);
    sandbox.control.editPerson(co.domain, person.id, { name: 'Still Failing' });
    await sandbox.control.flushWebhooks();
    const left = hooks(co.domain);
    expect(left.map((w) => w.event_object).sort()).toEqual(['activity', 'deal', 'lead', 'organization']);
    expect(sandbox.control.deliveries().filter((d) => d.webhookId === first.webhooks.person).every((d) => d.outcome === 'failed')).toBe(true);

    // Before repair, health reports the missing webhook from Pipedrive's own listing.
    const { pipedriveForCompany } = await import('@/lib/engine/pipedrive-access');
    const listing = await (await pipedriveForCompany(companyId)).listWebhooks();
    const health = await m.health.webhookHealth(companyId, { pipedrive: listing });
    expect(health.find((h) => h.object === 'person')!.problems).toContain('missing_in_pipedrive');
    expect(health.filter((h) => h.object !== 'person').every((h) => !h.problems.includes('missing_in_pipedrive'))).toBe(true);

    const repaired = await m.ensure.ensureWebhooks(companyId);
    expect(repaired.created).toHaveLength(1);
    expect(repaired.removed).toEqual([]);
    const now = hooks(co.domain);
    expect(now).toHaveLength(5);
    const newPerson = now.find((w) => w.event_object === 'person')!;
    expect(newPerson.id).not.toBe(first.webhooks.person);
    expect(repaired.webhooks.person).toBe(newPerson.id);
    const regs = await m.prisma.prisma().webhookRegistration.findMany({ where: { companyId } });
    expect(regs.map((r) => r.pipedriveWebhookId).sort((a, b) => a - b)).toEqual(now.map((w) => w.id));
  });

  it('removes duplicates and stale subscriptions on its URL (old host, v1, wrong action, old credentials) and leaves other webhooks alone', async () => {
    const { co, companyId } = await install('reg-dupes');
    await m.ensure.ensureWebhooks(companyId);
    const url = `${APP_URL}/api/webhooks/pipedrive/${companyId}`;
    const { pipedriveForCompany } = await import('@/lib/engine/pipedrive-access');
    const client = await pipedriveForCompany(companyId);
    const company = await m.prisma.prisma().company.findUniqueOrThrow({ where: { id: companyId } });
    const auth = { http_auth_user: company.webhookUsername!, http_auth_password: m.crypto.decryptSecret(company.webhookPasswordEnc!) };
    // The same subscription twice would deliver every event twice.
    const dupe = await client.createWebhook({ subscription_url: url, event_action: '*', event_object: 'deal', name: 'dupe', ...auth });
    const oldHost = await client.createWebhook({ subscription_url: `https://old-host.example/api/webhooks/pipedrive/${companyId}`, event_action: '*', event_object: 'person', name: 'old', ...auth });
    const onlyCreate = await client.createWebhook({ subscription_url: url, event_action: 'create', event_object: 'organization', name: 'narrow', ...auth });
    const oldCreds = await client.createWebhook({ subscription_url: url, event_action: '*', event_object: 'lead', name: 'old creds', http_auth_user: 'someone-else', http_auth_password: 'x' });
    const allObjects = await client.createWebhook({ subscription_url: url, event_action: '*', event_object: '*', name: 'everything', ...auth });
    const v1 = await foreignWebhook(co, { subscription_url: url, event_action: '*', event_object: 'person', version: '1.0', ...auth });
    const unrelated = await client.createWebhook({ subscription_url: 'https://other-integration.example/hook', event_action: '*', event_object: 'deal', name: 'not ours' });
    const otherCompanyPath = await client.createWebhook({ subscription_url: `${APP_URL}/api/webhooks/pipedrive/00000000-0000-4000-8000-000000000000`, event_action: '*', event_object: 'deal', name: 'not this company' });

    const result = await m.ensure.ensureWebhooks(companyId);
    // The API-token (v1) webhook is not the app's, so the app does not see it (Pipedrive lists only an app's own).
    expect(result.removed.sort((a, b) => a - b)).toEqual([dupe.id, oldHost.id, onlyCreate.id, oldCreds.id, allObjects.id].sort((a, b) => a - b));
    expect(result.created).toEqual([]);
    const left = hooks(co.domain).map((w) => w.id);
    expect(left).toEqual(expect.arrayContaining([unrelated.id, otherCompanyPath.id, v1]));
    const ours = hooks(co.domain).filter((w) => w.subscription_url === url && w.type === 'application');
    expect(ours.map((w) => `${w.event_object}/${w.event_action}/${w.version}`).sort()).toEqual(['activity/*/2.0', 'deal/*/2.0', 'lead/*/2.0', 'organization/*/2.0', 'person/*/2.0']);
    expect(await m.prisma.prisma().webhookRegistration.count({ where: { companyId } })).toBe(5);
  });

  it('stays under the 40-webhook limit: a clear error when the 5 do not fit, exactly 40 when they just fit', async () => {
    const { pipedriveForCompany } = await import('@/lib/engine/pipedrive-access');
    const full = await install('reg-full');
    const client = await pipedriveForCompany(full.companyId);
    for (let i = 0; i < 37; i++) await client.createWebhook({ subscription_url: `https://elsewhere.example/${i}`, event_action: '*', event_object: 'note', name: `n${i}` });
    const err = await m.ensure.ensureWebhooks(full.companyId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(m.errors.AppError);
    expect((err as Error).message).toMatch(/40 webhooks per user and 37 already exist.*person.*Remove unused webhooks/);
    expect(hooks(full.co.domain)).toHaveLength(37);
    expect(await m.prisma.prisma().webhookRegistration.count({ where: { companyId: full.companyId } })).toBe(0);

    const fits = await install('reg-fits');
    const c2 = await pipedriveForCompany(fits.companyId);
    for (let i = 0; i < 35; i++) await c2.createWebhook({ subscription_url: `https://elsewhere.example/${i}`, event_action: '*', event_object: 'note', name: `n${i}` });
    const ok = await m.ensure.ensureWebhooks(fits.companyId);
    expect(ok.created).toHaveLength(5);
    expect(hooks(fits.co.domain)).toHaveLength(40);
    expect((await m.ensure.ensureWebhooks(fits.companyId)).created).toEqual([]);
  });

  it("Pipedrive's own 422 (webhooks the app cannot see fill the user's 40) gives the same clear error, and what was created is remembered", async () => {
    const { co, companyId } = await install('reg-hidden-full');
    // 37 webhooks made with the admin's API token: they count toward the admin's 40 but are not listed to the app.
    for (let i = 0; i < 37; i++) await foreignWebhook(co, { subscription_url: `https://elsewhere.example/${i}`, event_action: '*', event_object: 'note' });
    const err = await m.ensure.ensureWebhooks(companyId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(m.errors.AppError);
    expect((err as Error).message).toMatch(/limit of 40 webhooks is reached.*other apps count too.*Remove unused webhooks/);
    const ours = hooks(co.domain).filter((w) => w.type === 'application');
    expect(ours).toHaveLength(3);
    const regs = await m.prisma.prisma().webhookRegistration.findMany({ where: { companyId } });
    expect(regs.map((r) => r.pipedriveWebhookId).sort((a, b) => a - b)).toEqual(ours.map((w) => w.id));
    // Room is made: the next run reuses the 3 and adds the 2 missing.
    for (const w of hooks(co.domain).filter((x) => x.type === 'general').slice(0, 2)) {
      await fetch(`${co.apiDomain}/api/v1/webhooks/${w.id}`, { method: 'DELETE', headers: { 'x-api-token': co.apiToken } });
    }
    const again = await m.ensure.ensureWebhooks(companyId);
    expect(again.created).toHaveLength(2);
    expect(hooks(co.domain).filter((w) => w.type === 'application')).toHaveLength(5);
  });

  it('removeWebhooks deletes every subscription on the company URL and its registrations, and nothing else', async () => {
    const { co, companyId } = await install('reg-remove');
    const other = await install('reg-remove-other');
    await m.ensure.ensureWebhooks(companyId);
    await m.ensure.ensureWebhooks(other.companyId);
    const { pipedriveForCompany } = await import('@/lib/engine/pipedrive-access');
    const unrelated = await (await pipedriveForCompany(companyId)).createWebhook({ subscription_url: 'https://other-integration.example/hook', event_action: '*', event_object: 'deal', name: 'not ours' });
    const result = await m.remove.removeWebhooks(companyId);
    expect(result.removed).toHaveLength(5);
    expect(result.pipedriveUnreachable).toBe(false);
    expect(hooks(co.domain).map((w) => w.id)).toEqual([unrelated.id]);
    expect(await m.prisma.prisma().webhookRegistration.count({ where: { companyId } })).toBe(0);
    expect(hooks(other.co.domain)).toHaveLength(5);
    expect(await m.prisma.prisma().webhookRegistration.count({ where: { companyId: other.companyId } })).toBe(5);
    // Again: nothing left to remove.
    expect((await m.remove.removeWebhooks(companyId)).removed).toEqual([]);
  });

  it('removeWebhooks after Pipedrive uninstalled the app only clears the registrations', async () => {
    const { co, companyId } = await install('reg-uninstalled');
    await m.ensure.ensureWebhooks(companyId);
    sandbox.control.oauth.revokeInstallation(app.clientId, co.id, co.adminUserId);
    await m.prisma.prisma().installation.updateMany({ where: { companyId }, data: { accessExpiresAt: new Date(Date.now() - 1000) } });
    const result = await m.remove.removeWebhooks(companyId);
    expect(result).toEqual({ removed: [], pipedriveUnreachable: true });
    expect(await m.prisma.prisma().webhookRegistration.count({ where: { companyId } })).toBe(0);
  });

  it('the daily job enqueues one webhooks.ensure per active company, and the job repairs', async () => {
    expect(m.registry.allJobs).toEqual(expect.arrayContaining([m.jobs.ensureWebhooksJob, m.jobs.ensureAllWebhooksJob]));
    expect(m.registry.schedules.find((s) => s.job === m.jobs.ensureAllWebhooksJob)?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
    const active = await install('reg-daily');
    await m.prisma.prisma().brevoConnection.create({ data: { companyId: active.companyId, apiKeyEnc: m.crypto.encryptSecret('xkeysib-daily'), keyHint: '••••aily' } });
    const paused = await install('reg-daily-paused');
    await m.prisma.prisma().brevoConnection.create({ data: { companyId: paused.companyId, apiKeyEnc: m.crypto.encryptSecret('xkeysib-paused'), keyHint: '••••used' } });
    await m.prisma.prisma().company.update({ where: { id: paused.companyId }, data: { status: 'paused', pausedReason: 'test' } });
    // Installed, never connected Brevo, no webhooks yet: nothing to keep alive.
    const unconnected = await install('reg-daily-unconnected');
    const ctx = { jobId: 'test', attempt: 1, signal: new AbortController().signal };
    await m.jobs.ensureAllWebhooksJob.handler({}, ctx);
    await m.jobs.ensureAllWebhooksJob.handler({}, ctx);
    const jobs = await sql.query<{ company: string }>(`SELECT data->>'companyId' AS company FROM pgboss.job WHERE name = 'webhooks.ensure'`);
    const companies = jobs.rows.map((r) => r.company);
    expect(companies).toContain(active.companyId);
    expect(companies).not.toContain(paused.companyId);
    expect(companies).not.toContain(unconnected.companyId);
    // Companies registered earlier in this file (webhooks to keep alive) are included.
    const registered = await sql.query<{ company_id: string }>('SELECT DISTINCT company_id FROM webhook_registrations r JOIN companies c ON c.id = r.company_id WHERE c.status = $1', ['active']);
    expect(registered.rows.length).toBeGreaterThan(0);
    for (const r of registered.rows) expect(companies).toContain(r.company_id);
    // Twice in a row still gives one job per company.
    expect(companies.filter((c) => c === active.companyId)).toHaveLength(1);
    await m.jobs.ensureWebhooksJob.handler({ companyId: active.companyId }, ctx);
    expect(hooks(active.co.domain)).toHaveLength(5);
    const { jobSender } = await import('@/lib/jobs/runtime');
    await (await jobSender()).stop();
  });

  it('health flags a busy webhook that went silent but not a quiet one, and what Pipedrive reports (failing, inactive)', async () => {
    const { companyId } = await install('reg-health');
    await m.ensure.ensureWebhooks(companyId);
    const now = new Date();
    const insertEvents = (object: string, fromHoursAgo: number, toHoursAgo: number, stepHours: number) =>
      sql.query(
        `INSERT INTO webhook_events (company_id, source, event_id, object, action, entity_id, payload, received_at, updated_at)
         SELECT $1, 'pipedrive', gen_random_uuid()::text, $2, 'change', '1', '{}'::jsonb, $3::timestamptz - h * interval '1 hour', now()
           FROM generate_series($4::int, $5::int, -$6::int) AS h`,
        [companyId, object, now, fromHoursAgo, toHoursAgo, stepHours],
      );
    // Deals: one event an hour for five days, then nothing for two days.
    await insertEvents('deal', 168, 48, 1);
    await sql.query(`UPDATE webhook_registrations SET last_delivery_at = $2::timestamptz - interval '48 hours' WHERE company_id = $1 AND event_object = 'deal'`, [companyId, now]);
    // Leads: two events ten days ago: too little history to expect anything.
    await insertEvents('lead', 240, 239, 1);
    // Persons: busy up to an hour ago.
    await insertEvents('person', 100, 1, 1);
    await sql.query(`UPDATE webhook_registrations SET last_delivery_at = $2::timestamptz - interval '1 hour' WHERE company_id = $1 AND event_object = 'person'`, [companyId, now]);

    const { pipedriveForCompany } = await import('@/lib/engine/pipedrive-access');
    const listing = (await (await pipedriveForCompany(companyId)).listWebhooks()).map((w) =>
      w.event_object === 'person' ? { ...w, last_http_status: 500 } : w.event_object === 'organization' ? { ...w, is_active: 0 } : w,
    );
    const health = await m.health.webhookHealth(companyId, { now, pipedrive: listing });
    const of = (o: string) => health.find((h) => h.object === o)!;
    expect(health).toHaveLength(5);
    expect(of('deal').problems).toEqual(['silent']);
    expect(of('deal').usualGapMs).toBe(3_600_000);
    expect(of('deal').advice).toMatch(/banned or deleted/);
    expect(of('lead').problems).toEqual([]);
    expect(of('person').problems).toEqual(['failing_deliveries']);
    expect(of('person').eventsLast30Days).toBe(100);
    expect(of('organization').problems).toEqual(['inactive_in_pipedrive']);
    expect(of('activity')).toMatchObject({ problems: [], lastEventAt: null, lastDeliveryAt: null });
    // Without Pipedrive's listing, only what the database shows.
    expect((await m.health.webhookHealth(companyId, { now })).map((h) => [h.object, h.problems])).toEqual([
      ['activity', []], ['deal', ['silent']], ['lead', []], ['organization', []], ['person', []],
    ]);
  });
});
