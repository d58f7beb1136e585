import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineWorld, type EngineWorld } from '../helpers/engine-world';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';

/**
 * A backfill through faults in both sandboxes (5xx, dropped connections, 429 storms, slow and
 * malformed answers, a record Brevo refuses): retried the way the job queue retries it, it ends
 * with nothing lost and nothing duplicated, and the refused record is kept with its reason.
 */
describe('backfill under faults', () => {
  let world: EngineWorld;

  beforeAll(async () => {
    world = await createEngineWorld({ seed: 11, users: 2, organizations: 20, persons: 160, deals: 90, activities: 20, leads: 25 }, { domain: 'faulty-co', brevoHangMs: 300 });
  }, 120_000);
  afterAll(async () => world.close());

  it('ends with the expected state and keeps the refused record with its reason', async () => {
    const { loadCompanyContext } = await import('@/lib/engine/company-context');
    const { runBackfill } = await import('@/lib/engine/backfill');
    const { prisma } = await import('@/lib/db/prisma');
    const expected = expectedContacts(world);
    const victim = [...expected.values()][5]!;

    const pd = world.pipedrive.control;
    pd.injectFault({ kind: 'server_error', status: 503, count: 3, pathIncludes: '/api/v2/persons' });
    pd.injectFault({ kind: 'rate_limit', count: 3, pathIncludes: '/api/v2/deals' });
    pd.injectFault({ kind: 'malformed', count: 1, pathIncludes: '/api/v2/organizations' });
    pd.injectFault({ kind: 'slow', delayMs: 300, count: 2 });
    const bv = world.brevo.control;
    bv.injectFault(world.brevoKey, { kind: 'status', status: 502, times: 2, pathPrefix: '/contacts' });
    bv.injectFault(world.brevoKey, { kind: 'rate-limit-storm', times: 3, pathPrefix: '/contacts', resetSeconds: 1 });
    bv.injectFault(world.brevoKey, { kind: 'timeout', times: 1, pathPrefix: '/contacts' });
    bv.injectFault(world.brevoKey, { kind: 'reject-record', match: victim.email, times: 1000, reason: 'invalid_email' });

    const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        // Each attempt is what a job retry does: a fresh context, resuming from the checkpoint.
        await runBackfill(await loadCompanyContext(world.companyId), run.id, { flushAt: 60, pageSize: 50, importThreshold: 1000 });
        break;
      } catch (err) {
        if (attempts >= 12) throw err;
      }
    }
    expect((await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('succeeded');
    // Every injected fault really happened.
    expect(pd.faults()).toEqual([]);
    const statuses = new Set(bv.requestLog(world.brevoKey).map((r) => r.status));
    expect(statuses.has(502) && statuses.has(429)).toBe(true);

    expected.delete(victim.email);
    expect(diffBrevo(world, expected)).toEqual([]);
    const issue = await prisma().recordIssue.findFirst({ where: { companyId: world.companyId, pipedriveId: String(victim.personId), severity: 'error' } });
    expect(issue).toMatchObject({ code: 'invalid_email', status: 'open' });
    expect(issue?.reason).toMatch(/email/i);
    expect(issue?.nextRetryAt).not.toBeNull();
  });
});
