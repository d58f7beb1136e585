import { prisma } from '../db/prisma';
import { childLogger } from '../log';
import { jobSender } from '../jobs/runtime';
import { ensureWebhooksJob } from '../webhooks/ensure-webhooks-job';
import { startBackfill } from './start-sync';

/**
 * Once both sides are connected the sync starts by itself: webhooks are registered (real time
 * from now on) and, the first time, a backfill brings Brevo up to date.
 */
export async function startSyncAfterConnect(companyId: string): Promise<{ backfillRunId: string | null; warning?: string }> {
  try {
    await (await jobSender()).enqueue(ensureWebhooksJob, { companyId });
    const done = await prisma().syncRun.count({ where: { companyId, kind: { in: ['backfill', 'resync'] }, status: { in: ['queued', 'running', 'succeeded'] } } });
    if (done > 0) return { backfillRunId: null };
    return { backfillRunId: await startBackfill(companyId, { trigger: 'connect' }) };
  } catch (err) {
    // The key is already saved: say so instead of failing the whole request with a 500.
    childLogger({ part: 'connect' }).error({ err, companyId }, 'could not start the first sync');
    return { backfillRunId: null, warning: 'Brevo is connected, but the first sync could not be started. Start it on the Sync page with “Start full sync”.' };
  }
}
