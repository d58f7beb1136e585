import { z } from 'zod';
import { prisma } from '../db/prisma';
import { defineJob, PermanentJobError } from '../jobs/define-job';
import { childLogger } from '../log';
import { runBackfill } from './backfill';
import { loadCompanyContext, SyncUnavailableError } from './company-context';
import { runIncremental, syncPersonsById } from './incremental';
import { dueRetries } from './record-issues';

const log = childLogger({ part: 'sync-jobs' });

/** A company that cannot sync (uninstalled, paused, no Brevo key) fails the run for good, with the reason shown to the admin. */
async function failRun(runId: string | undefined, err: unknown): Promise<never> {
  if (runId) await prisma().syncRun.updateMany({ where: { id: runId }, data: { status: 'failed', error: (err as Error).message, finishedAt: new Date() } });
  if (err instanceof SyncUnavailableError) throw new PermanentJobError(err.message);
  throw err;
}

export const backfillJob = defineJob({
  name: 'sync.backfill',
  schema: z.object({ companyId: z.uuid(), runId: z.uuid() }),
  retry: { limit: 8, delaySeconds: 30 },
  // A backfill of a large company takes long; a crash leaves a checkpoint to resume from.
  expireInSeconds: 6 * 3600,
  handler: async ({ companyId, runId }) => {
    try {
      const ctx = await loadCompanyContext(companyId);
      await runBackfill(ctx, runId);
    } catch (err) {
      log.warn({ err, companyId, runId }, 'backfill attempt failed');
      if (err instanceof SyncUnavailableError) await failRun(runId, err);
      // Transient: the run stays "running" with its checkpoint; the retry resumes it.
      await prisma().syncRun.updateMany({ where: { id: runId }, data: { error: (err as Error).message } });
      throw err;
    }
  },
});

export const incrementalJob = defineJob({
  name: 'sync.incremental',
  schema: z.object({ companyId: z.uuid(), runId: z.uuid(), reconcile: z.boolean().default(false) }),
  retry: { limit: 5, delaySeconds: 20 },
  expireInSeconds: 3600,
  handler: async ({ companyId, runId, reconcile }) => {
    try {
      const ctx = await loadCompanyContext(companyId);
      await runIncremental(ctx, runId, { reconcile });
      // Records that Brevo refused earlier are tried again once their backoff has passed.
      const due = await dueRetries(ctx.db, companyId);
      const persons = due.filter((d) => d.object === 'person').map((d) => Number(d.pipedriveId));
      if (persons.length) await syncPersonsById(ctx, persons, runId);
    } catch (err) {
      await failRun(runId, err);
    }
  },
});

export const syncRecordsJob = defineJob({
  name: 'sync.records',
  schema: z.object({ companyId: z.uuid(), object: z.enum(['person']), ids: z.array(z.string().regex(/^\d+$/)).min(1).max(1000) }),
  retry: { limit: 5, delaySeconds: 10 },
  handler: async ({ companyId, ids }) => {
    try {
      const ctx = await loadCompanyContext(companyId, { provisionAttributes: false });
      await syncPersonsById(ctx, ids.map(Number), null);
    } catch (err) {
      if (err instanceof SyncUnavailableError) throw new PermanentJobError(err.message);
      throw err;
    }
  },
});

export const syncJobs = [backfillJob, incrementalJob, syncRecordsJob];
