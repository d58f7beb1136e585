import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';
import { createEngineWorld, installTestCompany, type EngineWorld } from '../helpers/engine-world';

/**
 * Organizations → Brevo companies run apart from everything else: the backfill, the incremental
 * run and webhooks store the organizations (the contacts' COMPANY attribute comes from there) and
 * mark their companies due, and the `sync.companies` job writes what is due at Brevo's pace of
 * 100 company requests an hour, resumable, waiting for Brevo's reset when the budget is spent.
 */
describe('companies apart from the runs that store organizations', () => {
  let world: EngineWorld;
  const jobCtx = { jobId: 'test', attempt: 1, signal: new AbortController().signal };
  const company = () => world.pipedrive.control.company(world.domain);
  const liveOrgs = () => [...company().organizations.values()].filter((o) => !o.is_deleted).sort((a, b) => a.id - b.id);
  const state = () => world.brevo.control.state(world.brevoKey);
  const log = (key = world.brevoKey) => world.brevo.control.requestLog(key);
  /** Requests to Brevo's company endpoints since `from` (an index into the request log). */
  const companyCalls = (from: number, key = world.brevoKey) => log(key).slice(from).filter((r) => /^(\/v3)?\/companies/.test(r.path));
  const brevoNames = (key = world.brevoKey) => world.brevo.control.state(key).companies.map((c) => String(c.attributes.name)).sort();
  // Often within the second of the run before: the run still picks the renames up (incremental-cursor.ts).
  const renamed = (ids: readonly number[], suffix: string) => {
    const c = company();
    for (const id of ids) c.updateOrganization(id, (o) => (o.name = `${o.name} ${suffix}`), { userId: c.adminUserId, source: 'app' });
  };

  const engine = async () => ({
    ...(await import('@/lib/engine/company-context')),
    ...(await import('@/lib/engine/backfill')),
    ...(await import('@/lib/engine/incremental')),
    ...(await import('@/lib/engine/sync-companies')),
    ...(await import('@/lib/engine/companies-job')),
    ...(await import('@/lib/engine/jobs')),
    ...(await import('@/lib/engine/process-webhook-event')),
    ...(await import('@/lib/db/prisma')),
    ...(await import('@/lib/db/pool')),
  });
  type Engine = Awaited<ReturnType<typeof engine>>;
  let e: Engine;
  const due = (companyId = world.companyId) => e.companiesDue(e.pgPool(), companyId);
  /** The companies jobs waiting to run, for one company. */
  const waiting = async (companyId = world.companyId) =>
    (
      await e.pgPool().query<{ id: string; data: { companyId: string; afterId?: number }; start_after: Date; singleton_key: string | null }>(
        `SELECT id, data, start_after, singleton_key FROM pgboss.job WHERE name = 'sync.companies' AND state = 'created' AND data->>'companyId' = $1`,
        [companyId],
      )
    ).rows;
  /** Forgets queued companies jobs: the tests run the handler themselves, as a worker would. */
  const dropJobs = async () => e.pgPool().query(`DELETE FROM pgboss.job WHERE name = 'sync.companies'`);
  const incremental = async (companyId = world.companyId) => {
    const run = await e.prisma().syncRun.create({ data: { companyId, kind: 'incremental' } });
    const r = await e.runIncremental(await e.loadCompanyContext(companyId), run.id);
    expect((await e.prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('succeeded');
    return r;
  };

  beforeAll(async () => {
    world = await createEngineWorld({ seed: 21, users: 1, organizations: 45, persons: 80, deals: 30, activities: 0, leads: 0 });
    e = await engine();
  }, 120_000);
  afterAll(async () => world.close());

  it('backfill writes contacts and no company; the passes then write every organization once', async () => {
    const ctx = await e.loadCompanyContext(world.companyId);
    expect(ctx.config.sync.organizations).toBe(true);
    const run = await e.prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
    await e.runBackfill(ctx, run.id, { importThreshold: 10, importPollMs: 20 });
    expect(state().contacts.length).toBeGreaterThan(50);
    expect(state().companies).toEqual([]);
    expect(await due()).toBe(liveOrgs().length);

    // A pass cut short by its deadline says where to go on; the next one finishes.
    const first = await e.writeCompanies(ctx, null, Date.now() - 1);
    expect(first).toEqual({ next: 0, written: 0 });
    let pass = await e.writeCompanies(ctx, null, Date.now() + 60_000);
    expect(pass.next).toBeNull();
    expect(pass.written).toBe(liveOrgs().length);
    expect(brevoNames()).toEqual(liveOrgs().map((o) => o.name).sort());
    expect(await due()).toBe(0);

    // Nothing due: a new pass makes no Brevo request at all.
    const requests = log().length;
    pass = await e.writeCompanies(ctx, null, Date.now() + 60_000);
    expect(pass).toEqual({ next: null, written: 0 });
    expect(log().length).toBe(requests);
  });

  it('the backfill job queues the companies job when it ends, and a retry after that only queues it again', async () => {
    const run = await e.prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
    await e.backfillJob.handler({ companyId: world.companyId, runId: run.id }, jobCtx);
    const done = await e.prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done.status).toBe('succeeded');
    expect(await waiting()).toHaveLength(1);
    // A second request while that job still waits is the same job.
    await e.backfillJob.handler({ companyId: world.companyId, runId: run.id }, jobCtx);
    expect(await waiting()).toHaveLength(1);

    await dropJobs(); // as if it ran
    await e.backfillJob.handler({ companyId: world.companyId, runId: run.id }, jobCtx);
    const again = await e.prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(again.heartbeatAt).toEqual(done.heartbeatAt);
    expect(await waiting()).toHaveLength(1);

    // The second backfill stored every organization again: all due, none changed, so the job
    // works them off without a single Brevo request.
    expect(await due()).toBe(liveOrgs().length);
    await dropJobs();
    const requests = log().length;
    await e.companiesJob.handler({ companyId: world.companyId }, jobCtx);
    expect(companyCalls(requests)).toEqual([]);
    expect(await due()).toBe(0);
    expect(await waiting()).toEqual([]);
  });

  it('an incremental run after a mass edit writes no company; the companies job then writes exactly the edited ones', async () => {
    const edited = liveOrgs().slice(0, 25).map((o) => o.id);
    renamed(edited, '(mass edit)');
    const from = log().length;
    const r = await incremental();
    expect(r.changed.organization).toBe(edited.length);
    expect(companyCalls(from)).toEqual([]);
    // The contacts' COMPANY attribute follows in the same run, from the stored organizations.
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
    expect(await due()).toBe(edited.length);
    expect(await waiting()).toHaveLength(1);

    await dropJobs();
    const before = new Map(state().companies.map((c) => [c.id, String(c.attributes.name)]));
    const mark = log().length;
    await e.companiesJob.handler({ companyId: world.companyId }, jobCtx);
    const calls = companyCalls(mark);
    expect(calls).toHaveLength(edited.length);
    expect(calls.every((c) => c.method === 'PATCH' && c.status < 300)).toBe(true);
    expect(brevoNames()).toEqual(liveOrgs().map((o) => o.name).sort());
    const changed = state().companies.filter((c) => before.get(c.id) !== String(c.attributes.name));
    expect(changed).toHaveLength(edited.length);
    expect(await due()).toBe(0);
    expect(await waiting()).toEqual([]);
  });

  it("with Brevo's company budget spent the incremental run completes, and the job waits for the reset and loses nothing", async () => {
    world.brevo.control.injectFault(world.brevoKey, { kind: 'rate-limit-storm', pathPrefix: '/companies', resetSeconds: 900, times: 100 });
    const orgs = liveOrgs();
    renamed(orgs.slice(30, 35).map((o) => o.id), '(before the reset)');
    let from = log().length;
    await incremental();
    expect(companyCalls(from)).toEqual([]);
    expect(await due()).toBe(5);

    await dropJobs();
    from = log().length;
    await e.companiesJob.handler({ companyId: world.companyId }, jobCtx);
    expect(companyCalls(from).map((c) => c.status)).toEqual([429]);
    const [next, ...more] = await waiting();
    expect(more).toEqual([]);
    expect(next!.singleton_key).toBe(e.companiesJobKey(world.companyId));
    expect(next!.start_after.getTime()).toBeGreaterThan(Date.now() + 800_000);

    // A change stored while that job waits is left to it: nothing more is queued.
    renamed([orgs[40]!.id], '(while waiting)');
    from = log().length;
    await incremental();
    expect(companyCalls(from)).toEqual([]);
    expect((await waiting()).map((j) => j.id)).toEqual([next!.id]);
    expect(await due()).toBe(6);

    // Brevo's reset: the waiting job writes all six.
    world.brevo.control.clearFaults(world.brevoKey);
    await e.pgPool().query(`DELETE FROM rate_buckets WHERE company_id = $1 AND key LIKE 'brevo:other:%'`, [world.companyId]);
    await dropJobs();
    from = log().length;
    await e.companiesJob.handler(next!.data, jobCtx);
    expect(companyCalls(from).filter((c) => c.method === 'PATCH' && c.status < 300)).toHaveLength(6);
    expect(brevoNames()).toEqual(liveOrgs().map((o) => o.name).sort());
    expect(await due()).toBe(0);
    expect(await waiting()).toEqual([]);
  });

  it('a burst of organization webhooks queues one companies job and writes no company while processing', async () => {
    const c = company();
    const orgs = liveOrgs().slice(10, 20);
    renamed(orgs.map((o) => o.id), '(webhook)');
    await dropJobs();
    // Three deliveries per organization (Pipedrive retries and repeated edits), all at once.
    const events = await Promise.all(
      orgs.flatMap((o) =>
        [0, 1, 2].map((n) =>
          e.prisma().webhookEvent.create({
            data: {
              companyId: world.companyId,
              source: 'pipedrive',
              eventId: `burst-${o.id}-${n}`,
              object: 'organization',
              action: 'change',
              entityId: String(o.id),
              occurredAt: new Date(Date.now() - 1000 + n),
              payload: {
                meta: { action: 'change', entity: 'organization', entity_id: String(o.id), timestamp: new Date().toISOString(), change_source: 'app', user_id: String(c.adminUserId) },
                data: { id: o.id, name: c.organizations.get(o.id)!.name },
                previous: { name: 'before' },
              },
            },
          }),
        ),
      ),
    );
    const from = log().length;
    // As the webhook listener applies them: eight at a time (PIPEBRIDGE_WEBHOOK_CONCURRENCY), the
    // deliveries of one organization on different processors.
    const order = [0, 1, 2].flatMap((n) => events.filter((_, i) => i % 3 === n));
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let ev = order.shift(); ev; ev = order.shift()) await e.processWebhookEvent(world.companyId, ev.id, { settleMs: 0 });
      }),
    );
    expect(await e.prisma().webhookEvent.count({ where: { companyId: world.companyId, eventId: { startsWith: 'burst-' }, status: 'processed' } })).toBe(events.length);
    expect(companyCalls(from)).toEqual([]);
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
    expect(await waiting()).toHaveLength(1);
    expect(await due()).toBe(orgs.length);

    await dropJobs();
    const mark = log().length;
    await e.companiesJob.handler({ companyId: world.companyId }, jobCtx);
    expect(companyCalls(mark).filter((r) => r.method === 'PATCH')).toHaveLength(orgs.length);
    expect(brevoNames()).toEqual(liveOrgs().map((o) => o.name).sort());
    expect(await due()).toBe(0);
  });

  it('marks left after a pass queue one more pass later, unless the pass already saw them', async () => {
    // A state that cannot make the round trip through JavaScript (more digits than a double) is
    // never "the state just written", so its mark is never cleared: the worst case for looping.
    const org = liveOrgs()[5]!;
    const stuck = (markedAt: string) =>
      e.pgPool().query(
        `UPDATE record_links SET state = jsonb_set(state, '{precise}', '0.1000000000000000000001'::jsonb), company_pending_since = now() + $3::interval
          WHERE company_id = $1 AND object = 'organization' AND pipedrive_id = $2`,
        [world.companyId, String(org.id), markedAt],
      );
    await dropJobs();
    // Marked before this job started, and seen by its pass from the first organization: no new job.
    await stuck('-1 minute');
    const from = log().length;
    await e.companiesJob.handler({ companyId: world.companyId }, jobCtx);
    expect(companyCalls(from)).toEqual([]);
    expect(await due()).toBe(1);
    expect(await waiting()).toEqual([]);
    // Marked after the pass went by (as a webhook storing a change meanwhile would): one more pass, a little later.
    await stuck('1 minute');
    await e.companiesJob.handler({ companyId: world.companyId }, jobCtx);
    const [again, ...more] = await waiting();
    expect(more).toEqual([]);
    expect(again!.data).toEqual({ companyId: world.companyId });
    expect(again!.start_after.getTime()).toBeGreaterThan(Date.now() + 20_000);
    await dropJobs();
    await e.pgPool().query(`UPDATE record_links SET state = state - 'precise', company_pending_since = NULL WHERE company_id = $1 AND object = 'organization' AND pipedrive_id = $2`, [world.companyId, String(org.id)]);
  });

  it("one company's job never touches another company's organizations", async () => {
    const b = world.pipedrive.control.createCompany({ name: 'Other Co', domain: 'other-co', seed: { seed: 22, users: 1, organizations: 12, persons: 20, deals: 5, activities: 0, leads: 0 } });
    const installed = await installTestCompany(world.pipedrive, world.brevo, world.clientId, b);
    const run = await e.prisma().syncRun.create({ data: { companyId: installed.companyId, kind: 'backfill' } });
    await e.runBackfill(await e.loadCompanyContext(installed.companyId), run.id, { importThreshold: 10, importPollMs: 20 });
    expect(await due(installed.companyId)).toBe(12);

    renamed(liveOrgs().slice(0, 3).map((o) => o.id), '(company A)');
    await dropJobs();
    await incremental();
    await e.queueCompanies(installed.companyId);
    expect(await waiting()).toHaveLength(1);
    expect(await waiting(installed.companyId)).toHaveLength(1);

    const fromB = log(installed.brevoKey).length;
    await e.companiesJob.handler({ companyId: world.companyId }, jobCtx);
    expect(await due()).toBe(0);
    expect(await due(installed.companyId)).toBe(12);
    expect(companyCalls(fromB, installed.brevoKey)).toEqual([]);
    expect(brevoNames(installed.brevoKey)).toEqual([]);
    expect(brevoNames()).toEqual(liveOrgs().map((o) => o.name).sort());

    await e.companiesJob.handler({ companyId: installed.companyId }, jobCtx);
    expect(await due(installed.companyId)).toBe(0);
    const bOrgs = [...world.pipedrive.control.company('other-co').organizations.values()].filter((o) => !o.is_deleted);
    expect(brevoNames(installed.brevoKey)).toEqual(bOrgs.map((o) => o.name).sort());
    expect(brevoNames()).toEqual(liveOrgs().map((o) => o.name).sort());
  });

  it('a deleted organization is no longer due, and its Brevo company is kept as before', async () => {
    const c = company();
    const org = liveOrgs().find((o) => [...c.persons.values()].some((p) => !p.is_deleted && p.org_id === o.id && p.emails.length > 0))!;
    renamed([org.id], '(then deleted)');
    await incremental();
    expect(await due()).toBe(1);
    c.deleteOrganization(org.id, { userId: c.adminUserId, source: 'app' });
    for (const p of c.persons.values()) if (!p.is_deleted && p.org_id === org.id) c.updatePerson(p.id, (x) => (x.org_id = null), { userId: c.adminUserId, source: 'app' });
    const event = await e.prisma().webhookEvent.create({
      data: {
        companyId: world.companyId,
        source: 'pipedrive',
        eventId: `delete-${org.id}`,
        object: 'organization',
        action: 'delete',
        entityId: String(org.id),
        occurredAt: new Date(),
        payload: { meta: { action: 'delete', entity: 'organization', entity_id: String(org.id), timestamp: new Date().toISOString(), change_source: 'app', user_id: String(c.adminUserId) }, data: null, previous: { id: org.id, name: org.name } },
      },
    });
    const companies = state().companies.length;
    await e.processWebhookEvent(world.companyId, event.id, { settleMs: 0 });
    expect(await due()).toBe(0);
    expect(state().companies).toHaveLength(companies);
    await incremental();
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
  });
});
