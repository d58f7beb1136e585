import { z } from 'zod';
import { prisma } from '../db/prisma';
import { defineJob } from '../jobs/define-job';
import { childLogger } from '../log';
import { rescueStalledBackfills } from './rescue-stalled-runs';
import { startIncremental } from './start-sync';

const log = childLogger({ part: 'sync-schedule' });

/**
 * The safety net under webhooks: every few minutes each active, connected company gets an
 * incremental run (webhooks missed during a Pipedrive ban or an outage are caught here), and
 * once a day a reconciling run that also re-reads leads. A company with a run queued or
 * running is left alone, so runs never pile up.
 */
export const scheduleSyncJob = defineJob({
  name: 'sync.schedule',
  schema: z.object({}),
  retry: { limit: 2, delaySeconds: 60 },
  handler: async () => {
    await rescueStalledBackfills();
    const dayAgo = new Date(Date.now() - 86_400_000);
    const companies = await prisma().company.findMany({
      where: { status: 'active', brevoConnection: { isNot: null }, syncSettings: { syncEnabled: true }, syncCursors: { some: {} } },
      select: { id: true },
    });
    for (const c of companies) {
      const busy = await prisma().syncRun.count({ where: { companyId: c.id, status: { in: ['queued', 'running'] } } });
      if (busy > 0) continue;
      const reconcile = (await prisma().syncRun.count({ where: { companyId: c.id, kind: 'reconcile', createdAt: { gt: dayAgo } } })) === 0;
      await startIncremental(c.id, { reconcile, trigger: 'schedule' }).catch((err: unknown) => log.warn({ err, companyId: c.id }, 'could not schedule a sync'));
    }
  },
});
