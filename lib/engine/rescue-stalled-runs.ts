import { prisma } from '../db/prisma';
import { jobSender } from '../jobs/runtime';
import { backfillJob } from './jobs';

/**
 * A backfill whose worker died mid-slice shows no heartbeat: it gets a new slice job, which
 * resumes from the checkpoint (the per-run lock makes a late original harmless).
 */
export async function rescueStalledBackfills(staleAfterMs = 10 * 60_000): Promise<string[]> {
  const stale = await prisma().syncRun.findMany({
    where: { kind: { in: ['backfill', 'resync'] }, status: 'running', heartbeatAt: { lt: new Date(Date.now() - staleAfterMs) } },
    select: { id: true, companyId: true },
  });
  const sender = await jobSender();
  for (const run of stale) {
    await sender.enqueue(backfillJob, { companyId: run.companyId, runId: run.id });
    await prisma().syncRun.update({ where: { id: run.id }, data: { heartbeatAt: new Date() } });
  }
  return stale.map((r) => r.id);
}
