import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineWorld, type EngineWorld } from '../helpers/engine-world';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';

/**
 * Organizations, deals and leads are read at the same time. A checkpoint saved by an older
 * version (one phase and its cursor) still resumes where it says, and a crash while the three are
 * read resumes each from its own cursor, ending exactly as expected.
 */
describe('backfill reading organizations, deals and leads together', () => {
  let world: EngineWorld;
  const links = async (object: string) => {
    const { pgPool } = await import('@/lib/db/pool');
    return (await pgPool().query<{ n: number }>(`SELECT count(*)::int AS n FROM record_links WHERE company_id = $1 AND object = $2`, [world.companyId, object])).rows[0]!.n;
  };

  beforeAll(async () => {
    world = await createEngineWorld({ seed: 17, users: 1, organizations: 35, persons: 120, deals: 70, activities: 0, leads: 25 });
  }, 120_000);
  afterAll(async () => world.close());

  it('resumes an older checkpoint in its phase: the phases before it count as done', async () => {
    const { loadCompanyContext } = await import('@/lib/engine/company-context');
    const { runBackfill } = await import('@/lib/engine/backfill');
    const { prisma } = await import('@/lib/db/prisma');
    const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill', checkpoint: { phase: 'lead', cursor: null, startedAt: new Date().toISOString() } } });
    let checkpoints = 0;
    await expect(
      runBackfill(await loadCompanyContext(world.companyId), run.id, {
        pageSize: 10,
        afterCheckpoint: (cp) => {
          checkpoints++;
          if (cp.phase === 'person') throw new Error('stop before persons');
        },
      }),
    ).rejects.toThrow('stop before persons');
    expect(checkpoints).toBe(1);
    expect(await links('organization')).toBe(0);
    expect(await links('deal')).toBe(0);
    expect(await links('lead')).toBeGreaterThan(0);
  });

  // Pages of 10 (the run's page size): not the one-record read of the highest id.
  const dealRequests = () => world.pipedrive.control.requestLog(world.domain).filter((r) => r.method === 'GET' && r.path === '/api/v2/deals' && r.query.limit === '10');
  const clearLinks = async () => {
    const { pgPool } = await import('@/lib/db/pool');
    await pgPool().query(`DELETE FROM record_links WHERE company_id = $1`, [world.companyId]);
  };

  it('reads deals in one stream per status, at the same time, and stores every deal once', async () => {
    const { loadCompanyContext } = await import('@/lib/engine/company-context');
    const { runBackfill } = await import('@/lib/engine/backfill');
    const { prisma } = await import('@/lib/db/prisma');
    await clearLinks();
    world.pipedrive.control.clearRequestLog();
    const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
    const saved: unknown[] = [];
    await expect(
      runBackfill(await loadCompanyContext(world.companyId), run.id, {
        pageSize: 10,
        afterCheckpoint: (cp) => {
          saved.push(structuredClone(cp.entities));
          if (cp.phase === 'person') throw new Error('stop before persons');
        },
      }),
    ).rejects.toThrow('stop before persons');
    const c = world.pipedrive.control.company(world.domain);
    const live = [...c.deals.values()].filter((d) => !d.is_deleted && !d.is_archived);
    const byStatus = (s: string) => live.filter((d) => d.status === s).length;
    const requests = dealRequests();
    // Every request names one status; each stream reads its own deals in ⌈n/10⌉ pages.
    expect(requests.every((r) => ['open', 'won', 'lost'].includes(r.query.status ?? ''))).toBe(true);
    for (const s of ['open', 'won', 'lost']) {
      expect(byStatus(s)).toBeGreaterThan(0);
      expect(requests.filter((r) => r.query.status === s).length).toBe(Math.ceil(byStatus(s) / 10));
    }
    // The streams ran at the same time: the first request of each came before the last of any.
    const firsts = ['open', 'won', 'lost'].map((s) => requests.findIndex((r) => r.query.status === s));
    expect(Math.max(...firsts)).toBeLessThan(requests.length - 3);
    expect(await links('deal')).toBe(live.length);
    // Deals are done in the checkpoint only once all three streams are.
    const last = saved.at(-1) as { deal: { done: boolean }; dealsByStatus: Record<string, { done: boolean; read: number }> };
    expect(last.deal.done).toBe(true);
    expect(Object.values(last.dealsByStatus).map((d) => d.done)).toEqual([true, true, true]);
    expect(Object.values(last.dealsByStatus).reduce((a, d) => a + d.read, 0)).toBe(live.length);
    const partly = (saved as typeof last[]).filter((e) => Object.values(e.dealsByStatus).some((d) => d.done) && !Object.values(e.dealsByStatus).every((d) => d.done));
    for (const e of partly) expect(e.deal.done).toBe(false);
    const progress = (await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } })).progress as { deal: { done: number; total: number } };
    expect(progress.deal).toMatchObject({ done: live.length, total: live.length });
  });

  it('resumes a single stream of deals already under way (a run saved before deals were split) as one stream', async () => {
    const { loadCompanyContext } = await import('@/lib/engine/company-context');
    const { runBackfill } = await import('@/lib/engine/backfill');
    const { prisma } = await import('@/lib/db/prisma');
    await clearLinks();
    // The cursor of the single stream after its first page of 10.
    const ctx = await loadCompanyContext(world.companyId);
    const first = await ctx.pipedrive.dealPages({ limit: 10 }).next();
    const cursor = first.value && 'nextCursor' in first.value ? first.value.nextCursor : null;
    expect(cursor).toBeTruthy();
    const entities = { organization: { cursor: null, done: true }, deal: { cursor, done: false }, lead: { cursor: null, done: true } };
    const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill', checkpoint: { phase: 'organization', cursor: null, startedAt: new Date().toISOString(), entities } } });
    world.pipedrive.control.clearRequestLog();
    await expect(
      runBackfill(await loadCompanyContext(world.companyId), run.id, {
        pageSize: 10,
        afterCheckpoint: (cp) => {
          if (cp.phase === 'person') throw new Error('stop before persons');
        },
      }),
    ).rejects.toThrow('stop before persons');
    const requests = dealRequests();
    const live = [...world.pipedrive.control.company(world.domain).deals.values()].filter((d) => !d.is_deleted && !d.is_archived);
    // The deals after the first page, in pages of 10.
    expect(requests.length).toBe(Math.ceil((live.length - 10) / 10));
    expect(requests.every((r) => r.query.status === undefined && r.query.cursor !== undefined)).toBe(true);
    // Everything after the first page: the stream went on from its cursor.
    expect(await links('deal')).toBe(live.length - 10);
  });

  it('a crash while the three are read resumes each from its cursor and ends as expected', async () => {
    const { loadCompanyContext } = await import('@/lib/engine/company-context');
    const { runBackfill } = await import('@/lib/engine/backfill');
    const { prisma } = await import('@/lib/db/prisma');
    const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
    let seen = 0;
    const opts = { pageSize: 10, flushAt: 40, importThreshold: 10, importPollMs: 20 };
    await expect(
      runBackfill(await loadCompanyContext(world.companyId), run.id, {
        ...opts,
        afterCheckpoint: (cp) => {
          if (cp.phase !== 'person' && ++seen === 4) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    const saved = (await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } })).checkpoint as { entities?: { organization: { cursor: string | null }; deal: { cursor: string | null } } };
    // Both paged readers had moved (or finished) when the crash came.
    expect(saved.entities).toBeDefined();

    await runBackfill(await loadCompanyContext(world.companyId), run.id, opts);
    expect((await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('succeeded');
    const c = world.pipedrive.control.company(world.domain);
    expect(await links('organization')).toBe([...c.organizations.values()].filter((o) => !o.is_deleted).length);
    expect(await links('deal')).toBe([...c.deals.values()].filter((d) => !d.is_deleted).length);
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
  });
});
