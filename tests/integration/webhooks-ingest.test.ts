import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrevoSandbox } from '@/sandbox/brevo';
import { startPipedriveSandbox, type CompanyInfo, type DeliveryAttempt, type OAuthApp } from '@/sandbox/pipedrive';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { useAppEnv } from '../helpers/app-env';
import { serveRoutes } from '../helpers/route-server';

/**
 * The ingest route over real HTTP, fed by the Pipedrive sandbox's own deliveries after acting as
 * a user: every event stored once with one job even when Pipedrive retries, legacy v1 bodies
 * accepted, and a thousand bad requests refused with a clear 4xx and recorded, never a 5xx.
 */
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

describe('webhook ingest', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let sandbox: Awaited<ReturnType<typeof startPipedriveSandbox>>;
  let brevo: Awaited<ReturnType<typeof startBrevoSandbox>>;
  let routes: Awaited<ReturnType<typeof serveRoutes>>;
  let app: OAuthApp;
  let co: CompanyInfo;
  let companyId: string;
  let creds: { user: string; password: string };
  /** The next N accepted deliveries lose their acknowledgement on the way back (a proxy answers 502 instead). */
  let dropAcks = 0;
  let m: {
    prisma: typeof import('@/lib/db/prisma');
    crypto: typeof import('@/lib/crypto');
    ensure: typeof import('@/lib/webhooks/ensure-webhooks');
    health: typeof import('@/lib/webhooks/webhook-health');
  };

  const hookUrl = (id = companyId) => `${routes.url}/api/webhooks/pipedrive/${id}`;
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const count = async (q: string, params: unknown[] = []) => (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q}`, params)).rows[0]!.n;
  const events = () => count('webhook_events WHERE company_id = $1', [companyId]);
  // pg-boss installs its schema with the first delivery.
  const jobs = () => count(`pgboss.job WHERE name = 'webhook.process'`).catch((err: { code?: string }) => (err.code === '42P01' ? 0 : Promise.reject(err as Error)));
  const rejections = () => count('webhook_rejections');
  const deliveriesOf = (eventId: string) => sandbox.control.deliveries().filter((d) => d.eventId === eventId);

  /** Runs a user action in the sandbox and returns the deliveries it caused, once they are answered. */
  async function act(fn: () => unknown): Promise<DeliveryAttempt[]> {
    const before = sandbox.control.deliveries().length;
    fn();
    await sandbox.control.flushWebhooks();
    return sandbox.control.deliveries().slice(before);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    sandbox = await startPipedriveSandbox();
    brevo = await startBrevoSandbox();
    useAppEnv(db.url, { PIPEDRIVE_OAUTH_URL: sandbox.url, BREVO_API_URL: `${brevo.url}/v3` });
    const route = (await import('@/app/api/webhooks/pipedrive/[companyId]/route')) as unknown as { POST: Handler };
    const lossy = {
      POST: async (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => {
        const res = await route.POST(req, ctx);
        if (res.status === 200 && dropAcks > 0) {
          dropAcks--;
          return new Response('bad gateway', { status: 502 });
        }
        return res;
      },
    };
    routes = await serveRoutes([{ path: '/api/webhooks/pipedrive/:companyId', module: lossy }]);
    app = sandbox.control.registerApp({ name: 'Pipebridge ingest test', redirectUri: `${routes.url}/api/auth/callback/pipedrive` });
    useAppEnv(db.url, { APP_URL: routes.url, PIPEDRIVE_OAUTH_URL: sandbox.url, BREVO_API_URL: `${brevo.url}/v3`, PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret });
    m = {
      prisma: await import('@/lib/db/prisma'),
      crypto: await import('@/lib/crypto'),
      ensure: await import('@/lib/webhooks/ensure-webhooks'),
      health: await import('@/lib/webhooks/webhook-health'),
    };
    const { saveInstallation } = await import('@/lib/auth/installations');
    co = sandbox.control.createCompany({ name: 'Ingest Co', domain: 'ingest-co', seed: { persons: 6, organizations: 2, deals: 4, activities: 0, leads: 0 } });
    const t = sandbox.control.issueTokens({ clientId: app.clientId, domain: co.domain });
    ({ companyId } = await saveInstallation(
      { userId: co.adminUserId, name: 'Admin', companyId: co.id, companyName: co.name, companyDomain: co.domain, isAdmin: true },
      { authMode: 'oauth', apiDomain: t.api_domain, accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(Date.now() + t.expires_in * 1000), scopes: t.scope.split(',') },
    ));
    await m.ensure.ensureWebhooks(companyId);
    const company = await m.prisma.prisma().company.findUniqueOrThrow({ where: { id: companyId } });
    creds = { user: company.webhookUsername!, password: m.crypto.decryptSecret(company.webhookPasswordEnc!) };
  });

  afterAll(async () => {
    await m.prisma.disconnectPrisma();
    const { pgPool } = await import('@/lib/db/pool');
    await pgPool().end();
    await routes.close();
    await sandbox.close();
    await brevo.close();
    await sql.end();
    await db.drop();
  });

  it('a person created and edited in Pipedrive arrives as two stored events, each with one webhook.process job', async () => {
    const e0 = await events();
    const j0 = await jobs();
    let personId = 0;
    const created = await act(() => (personId = sandbox.control.createPerson(co.domain, { name: 'Ada Lovelace', emails: ['ada@example.test'] }).id));
    const edited = await act(() => sandbox.control.editPerson(co.domain, personId, { name: 'Ada King' }));
    for (const d of [...created, ...edited]) expect(d).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
    expect(created).toHaveLength(1);
    expect(edited).toHaveLength(1);
    expect(await events()).toBe(e0 + 2);
    expect(await jobs()).toBe(j0 + 2);

    const rows = await sql.query<{ id: string; event_id: string; object: string; action: string; entity_id: string; occurred_at: Date; status: string; payload: Record<string, unknown> }>(
      `SELECT id::text, event_id, object, action, entity_id, occurred_at, status, payload FROM webhook_events WHERE company_id = $1 AND entity_id = $2 ORDER BY id`,
      [companyId, String(personId)],
    );
    expect(rows.rows.map((r) => [r.object, r.action, r.status])).toEqual([['person', 'create', 'received'], ['person', 'change', 'received']]);
    const change = rows.rows[1]!;
    const body = edited[0]!.body as { meta: { id: string; timestamp: string }; previous: Record<string, unknown> };
    expect(change.event_id).toBe(body.meta.id);
    expect(change.occurred_at.toISOString()).toBe(new Date(body.meta.timestamp).toISOString());
    expect(change.payload).toEqual(body);
    expect(body.previous).toMatchObject({ name: 'Ada Lovelace' });

    const job = await sql.query<{ data: unknown; singleton_key: string; state: string; retry_limit: number; retry_delay: number; retry_backoff: boolean; dead_letter: string; expire_in: string }>(
      `SELECT data, singleton_key, state, retry_limit, retry_delay, retry_backoff, dead_letter, expire_in::text FROM pgboss.job WHERE name = 'webhook.process' AND data->>'webhookEventId' = $1`,
      [change.id],
    );
    expect(job.rows).toHaveLength(1);
    expect(job.rows[0]).toEqual({ data: { companyId, webhookEventId: change.id }, singleton_key: `person:${personId}`, state: 'created', retry_limit: 8, retry_delay: 10, retry_backoff: true, dead_letter: 'webhook.process__dead', expire_in: '00:05:00' });

    const reg = await m.prisma.prisma().webhookRegistration.findFirstOrThrow({ where: { companyId, eventObject: 'person' } });
    expect(reg.lastDeliveryAt).not.toBeNull();
    const health = await m.health.webhookHealth(companyId);
    expect(health.find((h) => h.object === 'person')).toMatchObject({ problems: [], eventsLast30Days: 2 });
  });

  it('a deal stage move, a merge and a logged activity arrive with what the processing needs', async () => {
    const company = sandbox.control.company(co.domain);
    const deal = [...company.deals.values()][0]!;
    const stage = [...company.stages.values()].find((s) => s.pipeline_id === deal.pipeline_id && s.id !== deal.stage_id)!;
    const oldStage = deal.stage_id;
    const moved = await act(() => sandbox.control.moveDeal(co.domain, deal.id, stage.id));
    expect(moved).toHaveLength(1);
    const dealRow = await sql.query<{ payload: { previous: Record<string, unknown>; data: Record<string, unknown> } }>(`SELECT payload FROM webhook_events WHERE company_id = $1 AND object = 'deal' AND entity_id = $2`, [companyId, String(deal.id)]);
    expect(dealRow.rows[0]!.payload.previous).toEqual({ stage_id: oldStage });
    expect(dealRow.rows[0]!.payload.data.stage_id).toBe(stage.id);

    const [from, into] = [...company.persons.values()].filter((p) => !p.is_deleted);
    const merged = await act(() => sandbox.control.mergePersons(co.domain, from!.id, into!.id));
    expect(merged.length).toBeGreaterThanOrEqual(2);
    const mergeRows = await sql.query<{ action: string; entity_id: string; meta: Record<string, unknown> }>(
      `SELECT action, entity_id, payload->'meta' AS meta FROM webhook_events WHERE company_id = $1 AND object = 'person' AND entity_id IN ($2, $3) ORDER BY id`,
      [companyId, String(from!.id), String(into!.id)],
    );
    expect(mergeRows.rows.find((r) => r.action === 'delete')).toMatchObject({ entity_id: String(from!.id), meta: { merged_to_id: String(into!.id) } });
    expect(mergeRows.rows.find((r) => r.action === 'change')).toMatchObject({ entity_id: String(into!.id), meta: { merged_from_id: String(from!.id) } });

    const logged = await act(() => sandbox.control.logActivity(co.domain, { subject: 'Intro call', dealId: deal.id }));
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(await count(`webhook_events WHERE company_id = $1 AND object = 'activity' AND action = 'create'`, [companyId])).toBe(1);
    // Every event has exactly one job.
    expect(await jobs()).toBe(await count(`webhook_events WHERE company_id = $1 AND status = 'received'`, [companyId]));
  });

  it('when the acknowledgement is lost, Pipedrive retries and the event is stored and enqueued once', async () => {
    const person = [...sandbox.control.company(co.domain).persons.values()].find((p) => !p.is_deleted)!;
    const e0 = await events();
    const j0 = await jobs();
    dropAcks = 1;
    const first = await act(() => sandbox.control.editPerson(co.domain, person.id, { name: 'Retried Once' }));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ outcome: 'failed', httpStatus: 502, attempt: 1 });
    await sandbox.control.advanceClock(3_000);
    const attempts = deliveriesOf(first[0]!.eventId);
    expect(attempts.map((d) => [d.attempt, d.outcome])).toEqual([[1, 'failed'], [2, 'delivered']]);
    expect(await events()).toBe(e0 + 1);
    expect(await jobs()).toBe(j0 + 1);

    // Every retry of Pipedrive's schedule (3, 30 and 150 s) reaches us; still one row and one job.
    dropAcks = 3;
    const again = await act(() => sandbox.control.editPerson(co.domain, person.id, { name: 'Retried Thrice' }));
    for (const step of [3_000, 30_000, 150_000]) await sandbox.control.advanceClock(step);
    expect(deliveriesOf(again[0]!.eventId).map((d) => d.outcome)).toEqual(['failed', 'failed', 'failed', 'delivered']);
    expect(await events()).toBe(e0 + 2);
    expect(await jobs()).toBe(j0 + 2);
    expect(await count('webhook_events WHERE event_id = $1', [again[0]!.eventId])).toBe(1);

    // A delivery replayed by hand is a duplicate too.
    const replay = await fetch(hookUrl(), { method: 'POST', headers: { authorization: basic(creds.user, creds.password), 'content-type': 'application/json' }, body: JSON.stringify(again[0]!.body) });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ received: true, duplicate: true, ignored: false });
    expect(await jobs()).toBe(j0 + 2);
  });

  it('accepts legacy v1 deliveries: actions mapped, previous reduced to what changed, retries de-duplicated', async () => {
    // An older integration set up a v1 webhook on our URL (v1 is only available to API tokens here).
    const res = await fetch(`${co.apiDomain}/api/v1/webhooks`, {
      method: 'POST',
      headers: { 'x-api-token': co.apiToken, 'content-type': 'application/json' },
      body: JSON.stringify({ subscription_url: hookUrl(), event_action: '*', event_object: 'person', version: '1.0', name: 'legacy', http_auth_user: creds.user, http_auth_password: creds.password }),
    });
    expect(res.status).toBe(201);
    const v1Id = ((await res.json()) as { data: { id: number } }).data.id;
    try {
      const persons = [...sandbox.control.company(co.domain).persons.values()].filter((p) => !p.is_deleted);
      const target = persons[0]!;
      const edited = await act(() => sandbox.control.editPerson(co.domain, target.id, { name: 'Legacy Edit' }));
      const v1 = edited.find((d) => d.webhookId === v1Id)!;
      expect(v1).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
      expect(v1.body).toMatchObject({ v: 1, event: 'updated.person', retry: 0 });
      const stored = await sql.query<{ event_id: string; action: string; entity_id: string; payload: { meta: Record<string, unknown>; data: Record<string, unknown>; previous: Record<string, unknown>; legacy: Record<string, unknown> } }>(
        `SELECT event_id, action, entity_id, payload FROM webhook_events WHERE company_id = $1 AND event_id LIKE 'v1:%' ORDER BY id`,
        [companyId],
      );
      expect(stored.rows).toHaveLength(1);
      const row = stored.rows[0]!;
      expect(row).toMatchObject({ action: 'change', entity_id: String(target.id) });
      expect(row.payload.meta).toMatchObject({ action: 'change', entity: 'person', version: '1.0', entity_id: String(target.id), id: row.event_id, is_merge: false });
      expect(row.payload.data).toEqual((v1.body as { current: unknown }).current);
      expect(row.payload.previous.name).toBe((v1.body as { previous: { name: string } }).previous.name);
      expect(row.payload.previous.name).not.toBe('Legacy Edit');
      expect(Object.keys(row.payload.previous)).not.toContain('email');
      expect(row.payload.legacy).toMatchObject({ event: 'updated.person' });

      // Pipedrive's v1 retry differs only in `retry`: same event.
      const retried = await fetch(hookUrl(), { method: 'POST', headers: { authorization: basic(creds.user, creds.password), 'content-type': 'application/json' }, body: JSON.stringify({ ...v1.body, retry: 1 }) });
      expect(await retried.json()).toEqual({ received: true, duplicate: true, ignored: false });

      const merged = await act(() => sandbox.control.mergePersons(co.domain, persons[1]!.id, persons[2]!.id));
      const v1Merge = merged.filter((d) => d.webhookId === v1Id).map((d) => (d.body as { event: string }).event).sort();
      expect(v1Merge).toEqual(['deleted.person', 'merged.person']);
      const mergeRows = await sql.query<{ action: string; entity_id: string; is_merge: boolean }>(
        `SELECT action, entity_id, (payload->'meta'->>'is_merge')::bool AS is_merge FROM webhook_events WHERE company_id = $1 AND event_id LIKE 'v1:%' AND entity_id IN ($2, $3) ORDER BY id`,
        [companyId, String(persons[1]!.id), String(persons[2]!.id)],
      );
      expect(mergeRows.rows).toEqual(expect.arrayContaining([{ action: 'delete', entity_id: String(persons[1]!.id), is_merge: false }, { action: 'change', entity_id: String(persons[2]!.id), is_merge: true }]));
      expect(await jobs()).toBe(await count(`webhook_events WHERE company_id = $1 AND status = 'received'`, [companyId]));
    } finally {
      await fetch(`${co.apiDomain}/api/v1/webhooks/${v1Id}`, { method: 'DELETE', headers: { 'x-api-token': co.apiToken } });
    }
  });

  it("refuses another company's credentials and events: 401 for credentials, 400 for a body from another Pipedrive company", async () => {
    const other = sandbox.control.createCompany({ name: 'Other Co', domain: 'ingest-other' });
    const sample = sandbox.control.deliveries().find((d) => d.outcome === 'delivered' && (d.body as { meta?: { version?: string } }).meta?.version === '2.0')!.body as { meta: Record<string, unknown> };
    const foreign = { ...sample, meta: { ...sample.meta, id: randomUUID(), company_id: String(other.id) } };
    const res = await fetch(hookUrl(), { method: 'POST', headers: { authorization: basic(creds.user, creds.password) }, body: JSON.stringify(foreign) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'wrong_company', field: 'meta.company_id' } });
    const unknown = await fetch(hookUrl(randomUUID()), { method: 'POST', headers: { authorization: basic(creds.user, creds.password) }, body: JSON.stringify(sample) });
    const wrong = await fetch(hookUrl(), { method: 'POST', headers: { authorization: basic(creds.user, 'not-the-password') }, body: JSON.stringify(sample) });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    // Same answer: the response does not tell whether the company exists.
    expect(await unknown.json()).toEqual(await wrong.json());
  });

  it('an event for an object the app does not sync is acknowledged and kept as ignored, without a job', async () => {
    const j0 = await jobs();
    const note = {
      meta: { action: 'create', entity: 'note', company_id: String(co.id), entity_id: '77', id: randomUUID(), timestamp: new Date().toISOString(), version: '2.0', webhook_id: '999', attempt: 1 },
      data: { id: 77, content: 'a note' },
      previous: null,
    };
    const res = await fetch(hookUrl(), { method: 'POST', headers: { authorization: basic(creds.user, creds.password), 'content-type': 'application/json' }, body: JSON.stringify(note) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, ignored: true });
    const row = await sql.query<{ status: string; object: string }>('SELECT status, object FROM webhook_events WHERE event_id = $1', [note.meta.id]);
    expect(row.rows).toEqual([{ status: 'ignored', object: 'note' }]);
    expect(await jobs()).toBe(j0);
  });

  it('a company uninstalled while its credentials are cached: 401, recorded without the company, nothing stored', async () => {
    const { ensureWebhookCredentials } = await import('@/lib/webhooks/webhook-credentials');
    const gone = await m.prisma.prisma().company.create({ data: { pipedriveCompanyId: 424242, name: 'Leaving', companyDomain: 'leaving', apiDomain: 'http://127.0.0.1:9' } });
    const c = await ensureWebhookCredentials(gone.id);
    const sample = sandbox.control.deliveries().find((d) => (d.body as { meta?: { version?: string } }).meta?.version === '2.0')!.body as { meta: Record<string, unknown> };
    const send = () =>
      fetch(hookUrl(gone.id), { method: 'POST', headers: { authorization: basic(c.username, c.password) }, body: JSON.stringify({ ...sample, meta: { ...sample.meta, id: randomUUID(), company_id: '424242' } }) });
    expect((await send()).status).toBe(200);
    await m.prisma.prisma().company.delete({ where: { id: gone.id } });
    const r0 = await count('webhook_rejections WHERE company_id IS NULL AND reason = $1', ['company deleted']);
    const res = await send();
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await count('webhook_rejections WHERE company_id IS NULL AND reason = $1', ['company deleted'])).toBe(r0 + 1);
    expect(await count('webhook_events WHERE company_id = $1', [gone.id])).toBe(0);
    // The cache entry is gone: the next attempt does not even reach the insert.
    expect((await send()).status).toBe(401);
  });

  it('1,000 malformed, unauthenticated, oversized or wrong-typed requests: never a 5xx, each refused clearly and recorded, and the server keeps answering', async () => {
    const sample = sandbox.control.deliveries().find((d) => d.outcome === 'delivered' && (d.body as { meta?: { entity?: string; version?: string } }).meta?.entity === 'person' && (d.body as { meta: { version?: string } }).meta.version === '2.0')!.body as {
      meta: Record<string, unknown>;
      data: Record<string, unknown>;
      previous: unknown;
    };
    const good = basic(creds.user, creds.password);
    const json = (v: unknown) => JSON.stringify(v);
    const withMeta = (patch: Record<string, unknown>) => json({ ...sample, meta: { ...sample.meta, id: randomUUID(), ...patch } });
    const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });
    const big = 'x'.repeat(1024 * 1024 + 100);
    type Bad = { url?: string; auth?: string | null; body?: string | Buffer | ReadableStream<Uint8Array>; expect: number; what: string };
    const kinds: ((i: number) => Bad)[] = [
      () => ({ auth: null, body: withMeta({}), expect: 401, what: 'no credentials' }),
      (i) => ({ auth: basic(creds.user, `wrong-${i}`), body: withMeta({}), expect: 401, what: 'wrong password' }),
      (i) => ({ auth: basic(`someone-${i}`, creds.password), body: withMeta({}), expect: 401, what: 'wrong user' }),
      () => ({ auth: 'Bearer abc.def.ghi', body: withMeta({}), expect: 401, what: 'bearer instead of basic' }),
      () => ({ auth: 'Basic !!!not base64!!!', body: withMeta({}), expect: 401, what: 'garbage basic' }),
      () => ({ url: hookUrl(randomUUID()), auth: good, body: withMeta({}), expect: 401, what: 'unknown company' }),
      (i) => ({ url: hookUrl(['not-a-uuid', 'x'.repeat(300), "1'%20OR%20'1'='1", '..%2F..%2Fetc', '00000000-0000-0000-0000-000000000000'][i % 5]), auth: good, body: withMeta({}), expect: 401, what: 'malformed company id' }),
      () => ({ auth: good, body: withMeta({}).slice(0, 40), expect: 400, what: 'truncated JSON' }),
      () => ({ auth: good, body: '', expect: 400, what: 'empty body' }),
      () => ({ auth: good, body: randomBytes(200), expect: 400, what: 'binary garbage' }),
      () => ({ auth: good, body: `{"meta":"\u0000\u0001"}\u0000`, expect: 400, what: 'NUL bytes' }),
      (i) => ({ auth: good, body: ['[]', '42', '"text"', 'null', 'true'][i % 5], expect: 400, what: 'not an object' }),
      () => ({ auth: good, body: withMeta({ id: 12345 }), expect: 400, what: 'meta.id a number' }),
      () => ({ auth: good, body: withMeta({ action: 'explode' }), expect: 400, what: 'unknown action' }),
      () => ({ auth: good, body: json({ ...sample, meta: { ...sample.meta, id: randomUUID() }, data: 'a string' }), expect: 400, what: 'data a string' }),
      () => ({ auth: good, body: json({ data: sample.data, previous: null }), expect: 400, what: 'meta missing' }),
      () => ({ auth: good, body: json({ ...sample, meta: { ...sample.meta, id: randomUUID() }, data: { ...sample.data, name: 42 } }), expect: 400, what: 'data.name a number' }),
      () => ({ auth: good, body: withMeta({ version: '3.0' }), expect: 400, what: 'unknown version' }),
      () => ({ auth: good, body: json({ ...sample, meta: { ...sample.meta, id: randomUUID() }, data: deep(2000) }), expect: 400, what: 'deeply nested data' }),
      () => ({ auth: good, body: `{"__proto__":{"polluted":true},"meta":${json({ ...sample.meta, id: randomUUID() })},"data":null,"previous":"x"}`, expect: 400, what: 'prototype key, previous a string' }),
      () => ({ auth: good, body: json({ v: 1, event: 'exploded.person', meta: { v: 1, action: 'added', object: 'person', id: 1, company_id: co.id, user_id: 1, timestamp: 1 }, retry: 0, current: {}, previous: null }), expect: 400, what: 'v1 unknown event' }),
      () => ({ auth: good, body: json({ v: 1, event: 'added.deal', meta: { v: 1, action: 'added', object: 'person', id: 1, company_id: co.id, user_id: 1, timestamp: 1 }, retry: 0, current: {}, previous: null }), expect: 400, what: 'v1 event contradicts meta' }),
      () => ({ auth: good, body: json({ v: 1, event: 'added.person', meta: { v: 1, action: 'added', object: 'person', id: '1', company_id: co.id, user_id: 1, timestamp: 1 }, retry: 9, current: {}, previous: null }), expect: 400, what: 'v1 wrong types' }),
      () => ({ auth: good, body: withMeta({ company_id: '999999' }), expect: 400, what: 'another company' }),
      () => ({ auth: good, body: json({ ...sample, meta: { ...sample.meta, id: randomUUID() }, data: { ...sample.data, name: 'nul \u0000 inside' } }), expect: 400, what: 'escaped NUL in a valid body' }),
    ];
    const requests: Bad[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 50 === 7) requests.push({ auth: good, body: big, expect: 413, what: 'oversized, declared' });
      else if (i % 50 === 33) {
        // Oversized without Content-Length: a chunked stream the route must cut off.
        const chunk = Buffer.alloc(64 * 1024, 'y');
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({ pull: (c) => (sent++ < 20 ? c.enqueue(chunk) : c.close()) });
        requests.push({ auth: good, body: stream, expect: 413, what: 'oversized, streamed' });
      } else requests.push(kinds[i % kinds.length]!(i));
    }

    const r0 = await rejections();
    const e0 = await events();
    const outcomes: { what: string; status: number; expected: number; body: { error?: { code?: string; message?: string } } }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < requests.length) {
          const r = requests[next++]!;
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (r.auth) headers.authorization = r.auth;
          const res = await fetch(r.url ?? hookUrl(), { method: 'POST', headers, body: r.body, ...(r.body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
          outcomes.push({ what: r.what, status: res.status, expected: r.expect, body: (await res.json().catch(() => ({}))) as never });
        }
      }),
    );
    expect(outcomes).toHaveLength(1000);
    expect(outcomes.filter((o) => o.status >= 500)).toEqual([]);
    expect(outcomes.filter((o) => o.status !== o.expected).map((o) => `${o.what}: ${o.status} (expected ${o.expected})`)).toEqual([]);
    // Every refusal says what is wrong, in words.
    for (const o of outcomes) {
      expect(o.body.error?.code, o.what).toMatch(/^[a-z_]+$/);
      expect(o.body.error?.message?.length ?? 0, o.what).toBeGreaterThan(30);
    }
    const fieldNamed = outcomes.filter((o) => o.what === 'data.name a number')[0]!;
    expect(fieldNamed.body.error!.message).toContain('data.name');
    // Every one is recorded, none stored as an event, and no credential is kept.
    expect(await rejections()).toBe(r0 + 1000);
    expect(await events()).toBe(e0);
    expect(await count('webhook_rejections WHERE body_excerpt LIKE $1 OR body_excerpt LIKE $2 OR reason LIKE $1', [`%${creds.password}%`, `%${good.slice(6)}%`])).toBe(0);
    expect(await count('webhook_rejections WHERE length(body_excerpt) > 2049')).toBe(0);
    expect(await count('webhook_rejections WHERE company_id = $1 AND status_code = 401', [companyId])).toBeGreaterThan(0);
    expect(await count('webhook_rejections WHERE company_id IS NULL AND status_code = 401')).toBeGreaterThan(0);

    // Still answering, and still storing real deliveries.
    const person = [...sandbox.control.company(co.domain).persons.values()].find((p) => !p.is_deleted)!;
    const after = await act(() => sandbox.control.editPerson(co.domain, person.id, { name: 'After The Storm' }));
    expect(after.map((d) => d.outcome)).toEqual(['delivered']);
    expect(await events()).toBe(e0 + 1);
  });

  it('pg-boss itself fetches the jobs the ingest wrote, one per stored event, with valid payloads', async () => {
    const { JobQueue } = await import('@/lib/jobs/queue');
    const { webhookProcessPayloadSchema } = await import('@/lib/webhooks/process-queue');
    const queue = await new JobQueue(db.url, { maintenance: false }).start();
    try {
      const fetched = (await queue.raw.fetch('webhook.process', { batchSize: 1000 })) ?? [];
      const ids = await sql.query<{ id: string }>(`SELECT id::text FROM webhook_events WHERE company_id = $1 AND status = 'received'`, [companyId]);
      const payloads = fetched.map((j) => webhookProcessPayloadSchema.parse(j.data));
      // (The uninstalled company's job stays behind; its event went with the company and the processor skips it.)
      expect(payloads.filter((p) => p.companyId === companyId).map((p) => p.webhookEventId).sort()).toEqual(ids.rows.map((r) => r.id).sort());
      expect(payloads.filter((p) => p.companyId !== companyId)).toHaveLength(1);
      await queue.raw.complete('webhook.process', fetched.map((j) => j.id));
      expect(await count(`pgboss.job WHERE name = 'webhook.process' AND state = 'completed'`)).toBe(fetched.length);
    } finally {
      await queue.stop();
    }
  });

  it('a worker running webhook.process applies the stored event to Brevo (the processing contract)', async () => {
    const { connectBrevo } = await import('@/lib/accounts/brevo-connection');
    const { processWebhookJob } = await import('@/lib/webhooks/process-job');
    const account = brevo.control.createAccount({ companyName: 'Ingest Brevo' });
    await connectBrevo(companyId, account.apiKey);
    let personId = 0;
    const delivered = await act(() => (personId = sandbox.control.createPerson(co.domain, { name: 'Grace Hopper', emails: ['grace@example.test'] }).id));
    expect(delivered.map((d) => d.outcome)).toEqual(['delivered']);
    const job = await sql.query<{ data: { companyId: string; webhookEventId: string } }>(
      `SELECT j.data FROM pgboss.job j JOIN webhook_events e ON e.id = (j.data->>'webhookEventId')::bigint WHERE j.name = 'webhook.process' AND e.entity_id = $1 AND e.object = 'person'`,
      [String(personId)],
    );
    expect(job.rows).toHaveLength(1);
    await processWebhookJob.handler(job.rows[0]!.data, { jobId: 'test', attempt: 1, signal: new AbortController().signal });
    const row = await sql.query<{ status: string }>(`SELECT status FROM webhook_events WHERE id = $1`, [job.rows[0]!.data.webhookEventId]);
    expect(row.rows[0]!.status).toBe('processed');
    expect(brevo.control.getContact(account.apiKey, 'grace@example.test')).toBeDefined();
  });
});
