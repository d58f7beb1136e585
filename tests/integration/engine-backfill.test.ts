import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineWorld, type EngineWorld } from '../helpers/engine-world';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';

/**
 * The backfill end to end against both sandboxes: the whole Brevo state is compared with what
 * the Pipedrive data and the configuration imply, field by field, and must differ nowhere.
 */
describe('backfill', () => {
  let world: EngineWorld;
  let engine: {
    ctx: typeof import('@/lib/engine/company-context');
    backfill: typeof import('@/lib/engine/backfill');
    incremental: typeof import('@/lib/engine/incremental');
    prisma: typeof import('@/lib/db/prisma');
  };

  beforeAll(async () => {
    world = await createEngineWorld({ seed: 7, users: 2, organizations: 40, persons: 400, deals: 250, activities: 100, leads: 60 });
    engine = {
      ctx: await import('@/lib/engine/company-context'),
      backfill: await import('@/lib/engine/backfill'),
      incremental: await import('@/lib/engine/incremental'),
      prisma: await import('@/lib/db/prisma'),
    };
  }, 120_000);
  afterAll(async () => world.close());

  const newRun = async (kind: 'backfill' | 'incremental') => (await engine.prisma.prisma().syncRun.create({ data: { companyId: world.companyId, kind } })).id;

  it('survives a crash mid-way and ends with exactly the expected Brevo state', async () => {
    const ctx = await engine.ctx.loadCompanyContext(world.companyId);
    const runId = await newRun('backfill');
    let personCheckpoints = 0;
    const { runView } = await import('@/lib/admin/sync-dashboard');
    const midRun: ReturnType<typeof runView>[] = [];
    // Crash after the first batch of persons has been written.
    await expect(
      engine.backfill.runBackfill(ctx, runId, {
        flushAt: 150,
        pageSize: 100,
        importThreshold: 20,
        importPollMs: 50,
        afterCheckpoint: async (cp) => {
          midRun.push(runView(await engine.prisma.prisma().syncRun.findUniqueOrThrow({ where: { id: runId } })));
          if (cp.phase === 'person' && cp.cursor && ++personCheckpoints === 1) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    const afterCrash = world.brevo.control.state(world.brevoKey).contacts.length;
    expect(afterCrash).toBeGreaterThan(0);

    await engine.backfill.runBackfill(await engine.ctx.loadCompanyContext(world.companyId), runId, { flushAt: 150, pageSize: 100, importThreshold: 20, importPollMs: 50 });
    const run = await engine.prisma.prisma().syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe('succeeded');

    // Progress carries totals from the first checkpoint on (Pipedrive's v2 lists have none: they
    // are estimated from ids), so the dashboard has an ETA; once read, a total is exact.
    const c = world.pipedrive.control.company(world.domain);
    const livePersons = [...c.persons.values()].filter((p) => !p.is_deleted).length;
    const first = midRun[0]!;
    expect(first.etaSeconds).not.toBeNull();
    expect(first.entities.find((e) => e.entity === 'person')?.total).toBeGreaterThanOrEqual(livePersons);
    const firstPersonCheckpoint = midRun.find((v) => (v.entities.find((e) => e.entity === 'person')?.done ?? 0) > 0)!;
    const personEstimate = firstPersonCheckpoint.entities.find((e) => e.entity === 'person')!.total!;
    expect(Math.abs(personEstimate - livePersons) / livePersons).toBeLessThan(0.15);
    for (const e of engine.backfill.PHASES) {
      const p = (run.progress as Record<string, { total: number; done: number; skipped: number; failed: number }>)[e]!;
      expect(p.total, e).toBe(p.done + p.skipped + p.failed);
    }
    expect((run.progress as Record<string, { total: number }>).person!.total).toBe(livePersons);

    const expected = expectedContacts(world);
    expect(expected.size).toBeGreaterThan(200);
    expect(diffBrevo(world, expected)).toEqual([]);
    // Persons without a usable email are skipped with a reason, never silently.
    const skipped = await engine.prisma.prisma().recordIssue.count({ where: { companyId: world.companyId, code: 'no_email', status: 'open' } });
    expect(skipped).toBeGreaterThan(0);
    // History is not replayed into automations.
    expect(world.brevo.control.state(world.brevoKey).events).toEqual([]);
  });

  it('an incremental run with nothing changed writes nothing to Brevo', async () => {
    const before = world.brevo.control.requestLog(world.brevoKey).filter((r) => r.method !== 'GET').length;
    const ctx = await engine.ctx.loadCompanyContext(world.companyId);
    const r = await engine.incremental.runIncremental(ctx, await newRun('incremental'));
    const writes = world.brevo.control.requestLog(world.brevoKey).filter((x) => x.method !== 'GET').length - before;
    expect(r.brevoRequests).toBe(0);
    expect(writes).toBe(0);
  });

  it('picks up changes made in Pipedrive, moves lists and sends one event per stage change', async () => {
    const c = world.pipedrive.control.company(world.domain);
    const deal = [...c.deals.values()].find((d) => d.status === 'open' && d.person_id && !d.is_deleted && [...c.persons.values()].find((p) => p.id === d.person_id)?.emails.length);
    expect(deal).toBeDefined();
    const otherStage = [...c.stages.values()].find((s) => s.pipeline_id === deal!.pipeline_id && s.id !== deal!.stage_id)!;
    world.pipedrive.control.moveDeal(world.domain, deal!.id, otherStage.id);
    const person = [...c.persons.values()].find((p) => p.emails.length > 0 && p.first_name && !p.is_deleted && p.id !== deal!.person_id)!;
    world.pipedrive.control.editPerson(world.domain, person.id, { first_name: 'Renamed' });

    const ctx = await engine.ctx.loadCompanyContext(world.companyId);
    const r = await engine.incremental.runIncremental(ctx, await newRun('incremental'));
    expect(r.changed.deal).toBe(1);
    expect(r.eventsSent).toBe(1);
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
    const events = world.brevo.control.state(world.brevoKey).events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventName: 'deal_stage_changed' });

    // Running again sends nothing new.
    const again = await engine.incremental.runIncremental(await engine.ctx.loadCompanyContext(world.companyId), await newRun('incremental'));
    expect(again.eventsQueued).toBe(0);
    expect(world.brevo.control.state(world.brevoKey).events).toHaveLength(1);
  });
});
