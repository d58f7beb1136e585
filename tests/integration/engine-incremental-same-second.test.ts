import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineWorld, type EngineWorld } from '../helpers/engine-world';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';

/**
 * Pipedrive's update_time has whole seconds, and an incremental run reads each entity from its
 * cursor's second again. A record edited, read by a run, and edited again within the same second
 * keeps its update_time: the next run must still apply the second edit (the cursor remembers the
 * version it processed, not only the id), and must still skip what it already processed.
 */
describe('incremental runs and edits within the cursor second', () => {
  let world: EngineWorld;
  let e: {
    ctx: typeof import('@/lib/engine/company-context');
    backfill: typeof import('@/lib/engine/backfill');
    incremental: typeof import('@/lib/engine/incremental');
    prisma: typeof import('@/lib/db/prisma');
  };
  const company = () => world.pipedrive.control.company(world.domain);
  const brevoWrites = () => world.brevo.control.requestLog(world.brevoKey).filter((r) => r.method !== 'GET').length;
  const incremental = async () => {
    const run = await e.prisma.prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'incremental' } });
    const r = await e.incremental.runIncremental(await e.ctx.loadCompanyContext(world.companyId), run.id);
    expect((await e.prisma.prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('succeeded');
    return r;
  };
  /**
   * Runs `edit` at the second of `updateTime` (epoch ms), however long the runs in between took:
   * the sandbox never moves an update_time back, so the record keeps exactly that update_time.
   */
  const withinSecondOf = <T>(updateTime: number, edit: () => T): T => company().asOf(updateTime, edit);
  /** A new second for the first edit of a test: later than any cursor so far. */
  const nextSecond = () => world.pipedrive.control.clock.advance(1_000);
  const contactOf = (email: string) => world.brevo.control.state(world.brevoKey).contacts.find((c) => c.email === email);
  const emailOf = (personId: number) => {
    const p = company().persons.get(personId)!;
    return (p.emails.find((x) => x.primary) ?? p.emails[0])!.value.trim().toLowerCase();
  };
  /** Live persons with a usable email whose contact is in Brevo, and their expected contacts. */
  const syncedPersons = () => [...expectedContacts(world).values()].filter((x) => contactOf(x.email));

  beforeAll(async () => {
    world = await createEngineWorld({ seed: 31, users: 1, organizations: 12, persons: 60, deals: 40, activities: 0, leads: 0 });
    e = {
      ctx: await import('@/lib/engine/company-context'),
      backfill: await import('@/lib/engine/backfill'),
      incremental: await import('@/lib/engine/incremental'),
      prisma: await import('@/lib/db/prisma'),
    };
    const run = await e.prisma.prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
    await e.backfill.runBackfill(await e.ctx.loadCompanyContext(world.companyId), run.id, { importThreshold: 10, importPollMs: 20 });
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
  }, 120_000);
  afterAll(async () => world.close());

  it("a person's second edit within the second a run already read reaches Brevo; the same version is skipped", async () => {
    const { personId, email } = syncedPersons().find((x) => company().persons.get(x.personId)!.first_name)!;
    nextSecond();
    const first = world.pipedrive.control.editPerson(world.domain, personId, { first_name: 'Firstedit' });
    expect((await incremental()).changed.person).toBe(1);
    expect(contactOf(email)?.attributes.FIRSTNAME).toBe('Firstedit');

    withinSecondOf(first.update_time, () => world.pipedrive.control.editPerson(world.domain, personId, { first_name: 'Secondedit' }));
    expect(company().persons.get(personId)!.update_time).toBe(first.update_time);
    const r = await incremental();
    expect(r.changed.person).toBe(1);
    expect(contactOf(email)?.attributes.FIRSTNAME).toBe('Secondedit');
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);

    // Nothing changed since: the version at the cursor second is not processed again.
    const writes = brevoWrites();
    const again = await incremental();
    expect(again.changed.person).toBe(0);
    expect(again.brevoRequests).toBe(0);
    expect(brevoWrites()).toBe(writes);
  });

  it("a deal's second stage move within the second a run already read moves the contact's lists and sends its event", async () => {
    const c = company();
    const synced = new Set(syncedPersons().map((x) => x.personId));
    const deal = [...c.deals.values()].find(
      (d) => !d.is_deleted && d.status === 'open' && d.person_id && synced.has(d.person_id) && [...c.stages.values()].filter((s) => s.pipeline_id === d.pipeline_id).length >= 3,
    )!;
    expect(deal).toBeDefined();
    const start = deal.stage_id;
    const [middle, last] = [...c.stages.values()].filter((s) => s.pipeline_id === deal.pipeline_id && s.id !== start);
    const email = emailOf(deal.person_id!);
    nextSecond();
    const first = world.pipedrive.control.moveDeal(world.domain, deal.id, middle!.id);
    expect((await incremental()).changed.deal).toBe(1);
    expect(contactOf(email)?.listIds).toContain(world.lists.stages.get(middle!.id));

    withinSecondOf(first.update_time, () => world.pipedrive.control.moveDeal(world.domain, deal.id, last!.id));
    expect(c.deals.get(deal.id)!.update_time).toBe(first.update_time);
    const r = await incremental();
    expect(r.changed.deal).toBe(1);
    const lists = contactOf(email)?.listIds ?? [];
    expect(lists).toContain(world.lists.stages.get(last!.id));
    expect(lists).not.toContain(world.lists.stages.get(middle!.id));
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
    // One event per move, the second one from the middle stage. Both moves share one second, so
    // the outbox cannot tell the second one follows the first, and holds it for the settle time
    // (as an event whose predecessor may still arrive) before it sends it anyway.
    const moves = () =>
      world.brevo.control
        .state(world.brevoKey)
        .events.filter((ev) => ev.eventName === 'deal_stage_changed' && ev.eventProperties?.deal_id === deal.id)
        .map((ev) => [ev.eventProperties?.previous_stage_id, ev.eventProperties?.stage_id]);
    expect(moves()).toEqual([[start, middle!.id]]);
    const { sendPendingEvents, DEFAULT_STAGE_SETTLE_MS } = await import('@/lib/engine/outbox');
    const settled = Date.now() + DEFAULT_STAGE_SETTLE_MS + 1_000;
    expect((await sendPendingEvents(await e.ctx.loadCompanyContext(world.companyId), { now: () => settled })).sent).toBe(1);
    expect(moves()).toEqual([
      [start, middle!.id],
      [middle!.id, last!.id],
    ]);

    expect((await incremental()).changed.deal).toBe(0);
  });

  it("an organization's second rename within the second a run already read reaches its persons' COMPANY", async () => {
    const c = company();
    const { personId, email } = syncedPersons().find((x) => c.persons.get(x.personId)!.org_id)!;
    const orgId = c.persons.get(personId)!.org_id!;
    const rename = (name: string) => c.updateOrganization(orgId, (o) => (o.name = name), { userId: c.adminUserId, source: 'app' });
    nextSecond();
    const first = rename('First Rename Ltd');
    expect((await incremental()).changed.organization).toBe(1);
    expect(contactOf(email)?.attributes.COMPANY).toBe('First Rename Ltd');

    withinSecondOf(first.update_time, () => rename('Second Rename Ltd'));
    expect(c.organizations.get(orgId)!.update_time).toBe(first.update_time);
    expect((await incremental()).changed.organization).toBe(1);
    expect(contactOf(email)?.attributes.COMPANY).toBe('Second Rename Ltd');
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
    expect((await incremental()).changed.organization).toBe(0);
  });

  it('a cursor written before fingerprints (bare ids) processes its records once more, at no Brevo write', async () => {
    const { personId } = syncedPersons()[0]!;
    nextSecond();
    world.pipedrive.control.editPerson(world.domain, personId, { last_name: 'Legacy' });
    expect((await incremental()).changed.person).toBe(1);
    const where = { companyId_object: { companyId: world.companyId, object: 'person' as const } };
    const stored = await e.prisma.prisma().syncCursor.findUniqueOrThrow({ where });
    expect(stored.idsAtCursor).toEqual([expect.stringMatching(new RegExp(`^${personId}:[0-9a-f]{16}$`))]);
    // As an older version of the app left it.
    await e.prisma.prisma().syncCursor.update({ where, data: { idsAtCursor: [String(personId)] } });

    const writes = brevoWrites();
    const r = await incremental();
    expect(r.changed.person).toBe(1);
    expect(r.brevoRequests).toBe(0);
    expect(brevoWrites()).toBe(writes);
    expect((await e.prisma.prisma().syncCursor.findUniqueOrThrow({ where })).idsAtCursor).toEqual(stored.idsAtCursor);
    expect((await incremental()).changed.person).toBe(0);
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
  });

  // Last: it moves every cursor a few seconds ahead of the sandbox's clock.
  it('a record edited in the second a backfill started, after it started, is processed by one incremental run, not by each', async () => {
    const c = company();
    const orgId = [...c.organizations.values()].find((o) => !o.is_deleted)!.id;
    // A backfill whose clock started half a second into a second (as one does, 999 times in 1000).
    const second = Math.ceil((world.pipedrive.control.clock.now() + 5_000) / 1000) * 1000;
    const startedAt = new Date(second + 500).toISOString();
    const run = await e.prisma.prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill', checkpoint: { phase: 'organization', cursor: null, startedAt } } });
    await e.backfill.runBackfill(await e.ctx.loadCompanyContext(world.companyId), run.id, { importThreshold: 10, importPollMs: 20 });
    const cursor = await e.prisma.prisma().syncCursor.findUniqueOrThrow({ where: { companyId_object: { companyId: world.companyId, object: 'organization' } } });
    expect(cursor.updatedSince?.getTime()).toBe(second);
    // Edited after the backfill's start, within its second: update_time shows only the second.
    c.asOf(second + 600, () => c.updateOrganization(orgId, (o) => (o.name = 'Same Second Co'), { userId: c.adminUserId, source: 'app' }));
    expect(c.organizations.get(orgId)!.update_time).toBe(second + 600);
    expect((await incremental()).changed.organization).toBe(1);
    // Before, the cursor kept the backfill's milliseconds: each run read the record again (above
    // the second it shows, below the cursor), never moved, and marked its company due again.
    expect((await incremental()).changed.organization).toBe(0);
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
  });
});
