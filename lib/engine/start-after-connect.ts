import { prisma } from '../db/prisma';
import { jobSender } from '../jobs/runtime';
import { ensureWebhooksJob } from '../webhooks/ensure-webhooks-job';
import { startBackfill } from './start-sync';

/**
 * Once both sides are connected the sync starts by itself: webhooks are registered (real time
 * from now on) and, the first time, a backfill brings Brevo up to date.
 */
export async function startSyncAfterConnect(companyId: string): Promise<{ backfillRunId: string | null }> {
  await (await jobSender()).enqueue(ensureWebhooksJob, { companyId });
  const done = await prisma().syncRun.count({ where: { companyId, kind: { in: ['backfill', 'resync'] }, status: { in: ['queued', 'running', 'succeeded'] } } });
  if (done > 0) return { backfillRunId: null };
  return { backfillRunId: await startBackfill(companyId, { trigger: 'connect' }) };
}
