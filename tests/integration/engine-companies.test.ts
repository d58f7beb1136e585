import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineWorld, type EngineWorld } from '../helpers/engine-world';

/**
 * Organizations → Brevo companies run apart from the contacts: the backfill stores the
 * organizations and writes contacts without waiting for Brevo's 100-per-hour company budget, and
 * the companies pass writes them afterwards, resumable from the last organization done.
 */
describe('companies after the backfill', () => {
  let world: EngineWorld;

  beforeAll(async () => {
    world = await createEngineWorld({ seed: 21, users: 1, organizations: 45, persons: 80, deals: 30, activities: 0, leads: 0 });
  }, 120_000);
  afterAll(async () => world.close());

  it('backfill writes contacts and no company; the passes then write every organization once', async () => {
    const { loadCompanyContext } = await import('@/lib/engine/company-context');
    const { runBackfill } = await import('@/lib/engine/backfill');
    const { writeCompanies } = await import('@/lib/engine/sync-companies');
    const { prisma } = await import('@/lib/db/prisma');
    const ctx = await loadCompanyContext(world.companyId);
    expect(ctx.config.sync.organizations).toBe(true);
    const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
    await runBackfill(ctx, run.id, { importThreshold: 10, importPollMs: 20 });
    const state = () => world.brevo.control.state(world.brevoKey);
    expect(state().contacts.length).toBeGreaterThan(50);
    expect(state().companies).toEqual([]);

    // A pass cut short by its deadline says where to go on; the next one finishes.
    const first = await writeCompanies(ctx, null, Date.now() - 1);
    expect(first).toEqual({ next: 0, written: 0 });
    const orgs = [...world.pipedrive.control.company(world.domain).organizations.values()].filter((o) => !o.is_deleted);
    let pass = await writeCompanies(ctx, null, Date.now() + 60_000);
    expect(pass.next).toBeNull();
    expect(pass.written).toBe(orgs.length);
    const names = state().companies.map((c) => c.attributes.name).sort();
    expect(names).toEqual(orgs.map((o) => o.name).sort());

    // Nothing changed: a new pass makes no Brevo request at all.
    const requests = world.brevo.control.requestLog(world.brevoKey).length;
    pass = await writeCompanies(ctx, null, Date.now() + 60_000);
    expect(pass).toEqual({ next: null, written: 0 });
    expect(world.brevo.control.requestLog(world.brevoKey).length).toBe(requests);
  });
  it('the backfill job queues the companies job when it ends, and a retry after that only queues it again', async () => {
    const { backfillJob } = await import('@/lib/engine/jobs');
    const { prisma } = await import('@/lib/db/prisma');
    const { pgPool } = await import('@/lib/db/pool');
    const queued = async () => (await pgPool().query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sync.companies' AND data->>'companyId' = $1`, [world.companyId])).rows[0]!.n;
    const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
    const ctx = { jobId: 'test', attempt: 1, signal: new AbortController().signal };
    await backfillJob.handler({ companyId: world.companyId, runId: run.id }, ctx);
    const done = await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done.status).toBe('succeeded');
    expect(await queued()).toBe(1);

    await backfillJob.handler({ companyId: world.companyId, runId: run.id }, ctx);
    const again = await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(again.heartbeatAt).toEqual(done.heartbeatAt);
    expect(await queued()).toBe(2);
  });
});
