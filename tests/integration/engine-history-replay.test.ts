import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineWorld, type EngineWorld } from '../helpers/engine-world';

/**
 * `replayHistoryDays` end to end: a company with recent history (made in the past through the
 * sandbox's `at`) is backfilled with replay off, then on (7 days), crashed and resumed, run again,
 * and run through a Brevo events outage; Brevo's event log must hold each replayed change once.
 */
const DAY = 864e5;

describe('backfill history replay', () => {
  let world: EngineWorld;
  let engine: {
    ctx: typeof import('@/lib/engine/company-context');
    backfill: typeof import('@/lib/engine/backfill');
    configStore: typeof import('@/lib/engine/config-store');
    prisma: typeof import('@/lib/db/prisma');
  };
  const history = {} as {
    personId: number;
    meeting2DaysAgo: number;
    call30DaysAgo: number;
    movedYesterday: { id: number; stageId: number; stageName: string };
    moved30DaysAgo: number;
    won3DaysAgo: { id: number; stageId: number };
  };

  beforeAll(async () => {
    world = await createEngineWorld({ seed: 31, users: 1, organizations: 3, persons: 20, deals: 0, activities: 0, leads: 0 }, { domain: 'replay-co' });
    engine = {
      ctx: await import('@/lib/engine/company-context'),
      backfill: await import('@/lib/engine/backfill'),
      configStore: await import('@/lib/engine/config-store'),
      prisma: await import('@/lib/db/prisma'),
    };
    const pd = world.pipedrive.control;
    const now = Date.now();
    const [first, second] = [...pd.company(world.domain).stages.values()].filter((s) => !s.is_deleted);
    const person = pd.createPerson(world.domain, { name: 'Grace Hopper', emails: ['grace@replay.test'] });
    const deal = (title: string) => pd.createDeal(world.domain, { title, stageId: first!.id, personId: person.id, value: 1200, currency: 'EUR', at: now - 60 * DAY });
    const movedYesterday = deal('Moved yesterday');
    pd.moveDeal(world.domain, movedYesterday.id, second!.id, undefined, now - DAY);
    const moved30DaysAgo = deal('Moved a month ago');
    pd.moveDeal(world.domain, moved30DaysAgo.id, second!.id, undefined, now - 30 * DAY);
    const won = deal('Won three days ago');
    pd.setDealStatus(world.domain, won.id, 'won', undefined, now - 3 * DAY);
    Object.assign(history, {
      personId: person.id,
      meeting2DaysAgo: pd.logActivity(world.domain, { subject: 'Demo', type: 'meeting', personId: person.id, at: now - 2 * DAY }).id,
      call30DaysAgo: pd.logActivity(world.domain, { subject: 'Intro', type: 'call', personId: person.id, at: now - 30 * DAY }).id,
      movedYesterday: { id: movedYesterday.id, stageId: second!.id, stageName: second!.name },
      moved30DaysAgo: moved30DaysAgo.id,
      won3DaysAgo: { id: won.id, stageId: first!.id },
    });
  }, 120_000);
  afterAll(async () => world.close());

  const opts = { flushAt: 50, pageSize: 50, importThreshold: 1000, importPollMs: 50 };
  const newRun = async () => (await engine.prisma.prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } })).id;
  const events = () => world.brevo.control.state(world.brevoKey).events;
  const backfill = async (runId?: string) => {
    const id = runId ?? (await newRun());
    await engine.backfill.runBackfill(await engine.ctx.loadCompanyContext(world.companyId), id, opts);
    expect((await engine.prisma.prisma().syncRun.findUniqueOrThrow({ where: { id } })).status).toBe('succeeded');
  };
  const outbox = () => engine.prisma.prisma().outboundEvent.findMany({ where: { companyId: world.companyId }, orderBy: { occurredAt: 'asc' } });

  it('sends no event with the default of 0 days, however recent the history', async () => {
    await backfill();
    expect(world.brevo.control.state(world.brevoKey).contacts.some((c) => c.email === 'grace@replay.test')).toBe(true);
    expect(events()).toEqual([]);
    expect(await outbox()).toEqual([]);
  });

  it('with 7 days, replays the window once the contacts exist, and a crash before the replay resumes into it', async () => {
    const config = await engine.configStore.loadSyncConfig(engine.prisma.prisma(), world.companyId);
    await engine.configStore.saveSyncConfig(engine.prisma.prisma(), world.companyId, { ...config, replayHistoryDays: 7 });
    const runId = await newRun();
    let crashed = false;
    await expect(
      engine.backfill.runBackfill(await engine.ctx.loadCompanyContext(world.companyId), runId, {
        ...opts,
        afterCheckpoint: (cp) => {
          if (cp.phase === 'replay' && !crashed) {
            crashed = true;
            throw new Error('simulated crash');
          }
        },
      }),
    ).rejects.toThrow('simulated crash');
    expect(events()).toEqual([]);
    await backfill(runId);

    const contact = world.brevo.control.state(world.brevoKey).contacts.find((c) => c.email === 'grace@replay.test')!;
    const identifiers = { email_id: 'grace@replay.test', ext_id: `pd_person_${history.personId}` };
    const sent = events();
    const activities = sent.filter((e) => e.eventName === 'activity_logged');
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({ contactId: contact.id, identifiers, eventProperties: { activity_id: history.meeting2DaysAgo, activity_type: 'meeting', subject: 'Demo' } });

    const moves = sent.filter((e) => e.eventName === 'deal_stage_changed');
    expect(moves.map((e) => e.eventProperties.deal_id).sort()).toEqual([history.movedYesterday.id, history.won3DaysAgo.id].sort());
    expect(moves.find((e) => e.eventProperties.deal_id === history.movedYesterday.id)).toMatchObject({
      contactId: contact.id,
      identifiers,
      eventProperties: { deal_title: 'Moved yesterday', stage_id: history.movedYesterday.stageId, stage_name: history.movedYesterday.stageName, previous_stage_id: null, previous_stage_name: null, status: 'open', value: 1200, currency: 'EUR' },
    });
    expect(moves.find((e) => e.eventProperties.deal_id === history.won3DaysAgo.id)).toMatchObject({ eventProperties: { stage_id: history.won3DaysAgo.stageId, previous_stage_id: null, status: 'won' } });
    // Dated when they happened, not when they were replayed.
    expect(Date.parse(activities[0]!.eventDate)).toBeLessThan(Date.now() - DAY);
    expect(sent).toHaveLength(3);
    expect((await outbox()).map((e) => e.status)).toEqual(['sent', 'sent', 'sent']);
    // Older than the window: not replayed.
    expect(sent.some((e) => e.eventProperties.activity_id === history.call30DaysAgo || e.eventProperties.deal_id === history.moved30DaysAgo)).toBe(false);
  });

  it('a second backfill sends nothing twice, and an events outage leaves the backfill finished and the events pending', async () => {
    await backfill();
    expect(events()).toHaveLength(3);

    // New history, then Brevo's events endpoint fails for longer than the client retries.
    const call = world.pipedrive.control.logActivity(world.domain, { subject: 'Follow-up', type: 'call', personId: history.personId, at: Date.now() - 5 * DAY });
    world.brevo.control.injectFault(world.brevoKey, { kind: 'status', status: 503, times: 50, method: 'POST', pathPrefix: '/events' });
    await backfill();
    world.brevo.control.clearFaults(world.brevoKey);
    expect(events()).toHaveLength(3);
    const pending = (await outbox()).filter((e) => e.status === 'pending');
    expect(pending.map((e) => e.pipedriveId)).toEqual([String(call.id)]);

    // The next run (any flush would do) sends what was left, and only that.
    await backfill();
    const after = events();
    expect(after).toHaveLength(4);
    expect(after[3]).toMatchObject({ eventName: 'activity_logged', eventProperties: { activity_id: call.id, activity_type: 'call' } });
    expect(new Set((await outbox()).map((e) => e.status))).toEqual(new Set(['sent']));
  }, 60_000);

  it('the outbox flush the replay runs under a time budget stops after the batch running when the budget ends', async () => {
    const { queueEvents, sendPendingEvents } = await import('@/lib/engine/outbox');
    const ctx = await engine.ctx.loadCompanyContext(world.companyId);
    const event = (n: number) => ({
      key: `budget-test:${n}`,
      object: 'person' as const,
      pipedriveId: String(history.personId),
      event: { event_name: 'budget_test', event_date: new Date(Date.now() - n * 1000).toISOString(), identifiers: { ext_id: `pd_person_${history.personId}` }, event_properties: { n } },
    });
    expect(await queueEvents(ctx.db, ctx.companyId, [event(1), event(2), event(3)])).toBe(3);
    expect(await sendPendingEvents(ctx, { limit: 1, stopAfter: 0 })).toMatchObject({ sent: 1 });
    expect((await outbox()).filter((e) => e.status === 'pending')).toHaveLength(2);
    expect(await sendPendingEvents(ctx, { limit: 1 })).toMatchObject({ sent: 2 });
    expect(events().filter((e) => e.eventName === 'budget_test').map((e) => e.eventProperties.n)).toEqual([3, 2, 1]);
  });
});
