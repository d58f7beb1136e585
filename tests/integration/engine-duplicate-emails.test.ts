import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineWorld, type EngineWorld } from '../helpers/engine-world';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';

/**
 * One email, several persons far apart: the backfill plans page by page, so the persons are
 * planned in different pages and written in the same buffer or in different buffers. Either way
 * the lowest person id keeps the contact and the others are skipped with a reason, also when
 * two buffers are being written at the same time.
 */
describe('backfill with one email on persons of different pages', () => {
  let world: EngineWorld;

  beforeAll(async () => {
    world = await createEngineWorld({ seed: 11, users: 1, organizations: 5, persons: 60, deals: 20, activities: 0, leads: 0 });
  }, 120_000);
  afterAll(async () => world.close());

  it.each([
    ['one buffer', 1_000],
    ['separate buffers', 1],
  ])('keeps the lowest person id (%s)', async (_label, flushAt) => {
    const c = world.pipedrive.control.company(world.domain);
    const withEmail = [...c.persons.values()].filter((p) => !p.is_deleted && p.emails.length > 0).sort((a, b) => a.id - b.id);
    const first = withEmail[2]!;
    // The next page (written at the same time as the first) and pages further on.
    const later = [withEmail[12]!, withEmail[30]!, withEmail[50]!];
    const shared = `shared.${flushAt}@example.org`;
    world.pipedrive.control.editPerson(world.domain, first.id, { emails: [{ value: shared, primary: true, label: 'work' }] });
    for (const p of later) world.pipedrive.control.editPerson(world.domain, p.id, { emails: [{ value: shared.toUpperCase(), primary: true, label: 'work' }] });

    const { loadCompanyContext } = await import('@/lib/engine/company-context');
    const { runBackfill } = await import('@/lib/engine/backfill');
    const { prisma } = await import('@/lib/db/prisma');
    const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
    const ctx = await loadCompanyContext(world.companyId);
    // Slow Brevo down so that consecutive buffers are being written at the same time.
    for (const method of ['updateContact', 'batchUpdateContacts', 'upsertContacts', 'importContacts'] as const) {
      const real = ctx.brevo[method].bind(ctx.brevo) as (...args: unknown[]) => Promise<unknown>;
      (ctx.brevo as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, 150));
        return real(...args);
      };
    }
    await runBackfill(ctx, run.id, { flushAt, pageSize: 10, importThreshold: 5, importPollMs: 20 });

    const contact = world.brevo.control.state(world.brevoKey).contacts.find((x) => x.email === shared);
    expect(contact?.attributes.EXT_ID).toBe(`pd_person_${first.id}`);
    const issues = await prisma().recordIssue.findMany({ where: { companyId: world.companyId, code: 'duplicate_email', status: 'open' }, select: { pipedriveId: true, reason: true } });
    for (const p of later) expect(issues.find((i) => i.pipedriveId === String(p.id))?.reason).toContain(`person ${first.id} has the same email`);
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
  });
});
