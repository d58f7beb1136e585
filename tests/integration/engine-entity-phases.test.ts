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
