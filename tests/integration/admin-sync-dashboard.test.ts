import pg from 'pg';
import type { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { useAppEnv } from '../helpers/app-env';
import { adminRequest, seedTenant, type Tenant } from '../helpers/tenants';

/**
 * The sync dashboard's data and buttons against real Postgres and pg-boss: progress figures,
 * issue filters, retry of one record or all, resync, and that nothing crosses companies.
 */
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface DashboardBody {
  webhooks: { object: string; action: string; lastEventAt: string | null; eventsLast30Days: number; problems: string[]; advice: string | null }[];
  runs: { id: string; kind: string; status: string; percent: number; rate: number | null; etaSeconds: number | null; entities: { entity: string; done: number; total: number | null }[] }[];
  active: boolean;
  companiesDue: number;
  issues: { items: { id: string; object: string; pipedriveId: string; status: string; retryable: boolean }[]; total: number; counts: { open: number; errors: number } };
  message?: string;
  error?: { code: string; message: string };
}

describe('sync dashboard', () => {
  let db: TestDatabase;
  let route: Record<string, Handler>;
  let prisma: typeof import('@/lib/db/prisma').prisma;
  let dashboard: typeof import('@/lib/admin/sync-dashboard');
  let a: Tenant;
  let b: Tenant;
  let sql: pg.Pool;

  const call = async (t: Tenant, method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await route[method]!(await adminRequest(t, url, { method, body }), { params: Promise.resolve({}) });
    return { status: res.status, body: (await res.json()) as DashboardBody };
  };
  const jobs = async (name: string) => (await sql.query<{ data: { companyId: string; ids?: string[]; runId?: string } }>(`SELECT data FROM pgboss.job WHERE name = $1`, [name])).rows.map((r) => r.data);

  beforeAll(async () => {
    db = await createTestDatabase();
    useAppEnv(db.url);
    ({ prisma } = await import('@/lib/db/prisma'));
    dashboard = await import('@/lib/admin/sync-dashboard');
    route = (await import('@/app/api/settings/sync/route')) as unknown as Record<string, Handler>;
    sql = new pg.Pool({ connectionString: db.url });
    a = await seedTenant(prisma(), 'Dash A');
    b = await seedTenant(prisma(), 'Dash B');
    const now = Date.now();
    await prisma().syncRun.create({
      data: {
        companyId: a.companyId,
        kind: 'backfill',
        status: 'running',
        startedAt: new Date(now - 100_000),
        heartbeatAt: new Date(now),
        recordsDone: 300,
        recordsSkipped: 20,
        recordsFailed: 10,
        recordsTotal: 660,
        progress: { organization: { total: 60, done: 60, skipped: 0, failed: 0 }, deal: { total: 300, done: 240, skipped: 0, failed: 0 }, person: { total: null, done: 0, skipped: 20, failed: 10 } },
      },
    });
    const issue = (pipedriveId: string, object: 'person' | 'organization', severity: 'error' | 'warning' | 'skipped', code: string, reason: string) =>
      prisma().recordIssue.create({ data: { companyId: a.companyId, object, pipedriveId, severity, code, reason } });
    await issue('101', 'person', 'error', 'invalid_phone', 'Brevo refused the phone number +49 123');
    await issue('102', 'person', 'skipped', 'no_email', 'The person has no email address');
    await issue('7', 'organization', 'error', 'company_invalid', 'Brevo refused the company');
  });

  afterAll(async () => {
    await sql.end();
    const { disconnectPrisma } = await import('@/lib/db/prisma');
    await disconnectPrisma();
    await db.drop();
  });

  it('shows the running run with per-entity progress, rate and ETA, and never 100 % before it succeeded', async () => {
    const { body } = await call(a, 'GET', '/api/settings/sync');
    const run = body.runs.find((r) => r.status === 'running')!;
    expect(body.active).toBe(true);
    expect(run.percent).toBe(50); // 330 of 660 processed
    expect(run.rate).toBeGreaterThan(3);
    expect(run.rate).toBeLessThan(3.5); // 330 records in about 100 s
    expect(run.etaSeconds).toBeGreaterThan(90);
    expect(run.entities.map((e) => [e.entity, e.done, e.total])).toEqual([
      ['organization', 60, 60],
      ['deal', 240, 300],
      ['person', 0, null],
    ]);
    const done = dashboard.runView({ id: 'x', kind: 'backfill', status: 'running', trigger: 't', createdAt: new Date(), startedAt: new Date(Date.now() - 5000), finishedAt: null, heartbeatAt: new Date(), recordsDone: 10, recordsTotal: 10, recordsFailed: 0, recordsSkipped: 0, error: null, progress: {} });
    expect(done.percent).toBe(99);
    expect(dashboard.runView({ ...{ id: 'x', kind: 'backfill', trigger: 't', createdAt: new Date(), startedAt: new Date(Date.now() - 5000), finishedAt: new Date(), heartbeatAt: null, recordsDone: 10, recordsTotal: 10, recordsFailed: 0, recordsSkipped: 0, error: null, progress: {} }, status: 'succeeded' }).percent).toBe(100);
  });

  it('filters issues by status, severity, object and text, and counts only this company', async () => {
    const list = async (q: string) => (await call(a, 'GET', `/api/settings/sync?${q}`)).body.issues;
    expect((await list('status=all')).total).toBe(4); // three above plus seedTenant's own
    const errors = (await list('severity=error')).items.map((i) => i.pipedriveId);
    expect(errors).toHaveLength(3); // 101, 7 and seedTenant's own
    expect(errors).toEqual(expect.arrayContaining(['101', '7']));
    expect((await list('object=organization')).items.map((i) => i.pipedriveId)).toEqual(['7']);
    expect((await list('q=phone')).items.map((i) => i.pipedriveId)).toEqual(['101']);
    expect((await list('q=102')).items.map((i) => i.pipedriveId)).toEqual(['102']);
    const orgIssue = (await list('object=organization')).items[0]!;
    expect(orgIssue.retryable).toBe(false);
    expect((await call(a, 'GET', '/api/settings/sync?status=all')).body.issues.items.every((i) => i.pipedriveId !== b.ids.recordIssueId)).toBe(true);
  });

  it('retries one person: the issue is marked retrying and a sync job is queued for that person only', async () => {
    const issue = (await call(a, 'GET', '/api/settings/sync?q=phone')).body.issues.items[0]!;
    const res = await call(a, 'POST', '/api/settings/sync', { action: 'retry', issueId: issue.id });
    expect(res.status).toBe(202);
    expect(res.body.message).toBe('Person 101 is being synced again.');
    expect((await prisma().recordIssue.findFirstOrThrow({ where: { id: BigInt(issue.id) } })).status).toBe('retrying');
    expect(await jobs('sync.records')).toContainEqual({ companyId: a.companyId, object: 'person', ids: ['101'] });
  });

  it("refuses to retry another company's issue or a non-person record", async () => {
    const other = await call(a, 'POST', '/api/settings/sync', { action: 'retry', issueId: b.ids.recordIssueId });
    expect(other.status).toBe(404);
    expect((await prisma().recordIssue.findFirstOrThrow({ where: { id: BigInt(b.ids.recordIssueId) } })).status).toBe('open');
    const org = (await call(a, 'GET', '/api/settings/sync?object=organization')).body.issues.items[0]!;
    const refused = await call(a, 'POST', '/api/settings/sync', { action: 'retry', issueId: org.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toMatch(/full resync/);
    const warning = await prisma().recordIssue.create({ data: { companyId: a.companyId, object: 'person', pipedriveId: '103', severity: 'warning', code: 'phone_invalid', reason: 'phone left out' } });
    expect((await call(a, 'GET', '/api/settings/sync?q=103')).body.issues.items[0]!.retryable).toBe(false);
    expect((await call(a, 'POST', '/api/settings/sync', { action: 'retry', issueId: String(warning.id) })).status).toBe(409);
  });

  it('retries all matching persons, and starts a full resync once (a second click returns the same run)', async () => {
    const res = await call(a, 'POST', '/api/settings/sync', { action: 'retry_all', filter: { status: 'open', severity: 'all', object: 'all', q: '', page: 1 } });
    expect(res.body.message).toMatch(/persons? (is|are) being synced again/);
    // Errors and skips are retried; the warning stays, its record was synced.
    expect(await prisma().recordIssue.count({ where: { companyId: a.companyId, object: 'person', status: 'open', severity: { not: 'warning' } } })).toBe(0);
    expect(await prisma().recordIssue.count({ where: { companyId: a.companyId, object: 'person', status: 'open', severity: 'warning' } })).toBe(1);

    await prisma().syncRun.updateMany({ where: { companyId: a.companyId, status: 'running' }, data: { status: 'succeeded', finishedAt: new Date() } });
    const first = await call(a, 'POST', '/api/settings/sync', { action: 'resync' });
    expect(first.status).toBe(202);
    const second = await call(a, 'POST', '/api/settings/sync', { action: 'resync' });
    expect((second.body as unknown as { runId: string }).runId).toBe((first.body as unknown as { runId: string }).runId);
    const runs = await prisma().syncRun.findMany({ where: { companyId: a.companyId, kind: 'resync' } });
    expect(runs).toHaveLength(1);
    expect((await jobs('sync.backfill')).filter((j) => j.companyId === a.companyId)).toEqual([{ companyId: a.companyId, runId: runs[0]!.id }]);
    expect(await prisma().syncRun.count({ where: { companyId: b.companyId, kind: 'resync' } })).toBe(0);
  });
  it('counts the organizations whose company waits for the companies job, for this company only', async () => {
    const org = (companyId: string, id: string, due: boolean, deleted = false) =>
      prisma().recordLink.create({ data: { companyId, object: 'organization', pipedriveId: id, state: { id: Number(id), name: `Org ${id}` }, companyPendingSince: due ? new Date() : null, deletedAt: deleted ? new Date() : null } });
    expect((await call(a, 'GET', '/api/settings/sync')).body.companiesDue).toBe(0);
    await org(a.companyId, '501', true);
    await org(a.companyId, '502', true);
    await org(a.companyId, '503', false);
    await org(a.companyId, '504', true, true); // deleted: its company is no longer written
    await org(b.companyId, '501', true);
    expect((await call(a, 'GET', '/api/settings/sync')).body.companiesDue).toBe(2);
    expect((await call(b, 'GET', '/api/settings/sync')).body.companiesDue).toBe(1);
    // Organizations switched off: no company is written, so none is shown as waiting.
    await prisma().syncSettings.upsert({ where: { companyId: a.companyId }, update: { syncOrganizations: false }, create: { companyId: a.companyId, syncOrganizations: false } });
    expect((await call(a, 'GET', '/api/settings/sync')).body.companiesDue).toBe(0);
    await prisma().syncSettings.update({ where: { companyId: a.companyId }, data: { syncOrganizations: true } });
  });

  it('shows each webhook\'s last event and flags one that stopped delivering, for this company only', async () => {
    const hour = 3_600_000;
    const now = Date.now();
    const reg = (companyId: string, id: number, object: string, lastDeliveryAt: Date) =>
      prisma().webhookRegistration.create({ data: { companyId, pipedriveWebhookId: id, eventAction: '*', eventObject: object, subscriptionUrl: `https://app.test/api/webhooks/pipedrive/${id}`, lastDeliveryAt } });
    // Organizations: an event every hour for two days, then nothing for a day. Deals: still
    // delivering. (Each tenant was seeded with a person webhook and one event.)
    await reg(a.companyId, 901, 'organization', new Date(now - 24 * hour));
    await reg(a.companyId, 902, 'deal', new Date(now - 60_000));
    await reg(b.companyId, 903, 'person', new Date(now));
    const events = [
      ...Array.from({ length: 48 }, (_, i) => ({ object: 'organization', at: now - (72 - i) * hour })),
      ...Array.from({ length: 5 }, (_, i) => ({ object: 'deal', at: now - (5 - i) * 60_000 })),
    ];
    await prisma().webhookEvent.createMany({
      data: events.map((e, i) => ({ companyId: a.companyId, source: 'pipedrive' as const, eventId: `dash-${i}`, object: e.object, action: 'change', payload: {}, receivedAt: new Date(e.at), status: 'processed' as const })),
    });

    const { body } = await call(a, 'GET', '/api/settings/sync');
    const byObject = new Map(body.webhooks.map((w) => [w.object, w]));
    expect([...byObject.keys()].sort()).toEqual(['deal', 'organization', 'person']);
    expect(byObject.get('organization')).toMatchObject({ eventsLast30Days: 48, problems: ['silent'] });
    expect(byObject.get('organization')?.advice).toContain('reconciliation');
    expect(byObject.get('deal')).toMatchObject({ eventsLast30Days: 5, problems: [] });
    expect(Date.parse(byObject.get('deal')!.lastEventAt!)).toBeGreaterThan(now - 120_000);
    // The other company sees its own webhooks only (the seeded one and 903), with none of these events.
    const other = await call(b, 'GET', '/api/settings/sync');
    expect(other.body.webhooks.map((w) => [w.object, w.eventsLast30Days, w.problems])).toEqual([
      ['person', 1, []],
      ['person', 1, []],
    ]);
  });
});
