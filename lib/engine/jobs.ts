import { z } from 'zod';
import { pgPool } from '../db/pool';
import { prisma } from '../db/prisma';
import { defineJob, PermanentJobError } from '../jobs/define-job';
import { childLogger } from '../log';
import { companiesJob, queueCompanies } from './companies-job';
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

/** Ends a backfill slice at a checkpoint; the next slice is a new job that resumes there. */
class SliceEnded extends Error {}

/**
 * A backfill runs in slices of a few minutes, each a job of its own that resumes from the run's
 * checkpoint: a worker that dies loses at most one slice, and its job expires (and is retried)
 * within minutes instead of hours. A per-run advisory lock keeps two slices from ever running
 * at once, even if a stalled one and its replacement meet.
 */
export const BACKFILL_SLICE_MS = 3 * 60_000;

export const backfillJob = defineJob({
  name: 'sync.backfill',
  schema: z.object({
    companyId: z.uuid(),
    runId: z.uuid(),
    sliceMs: z.number().int().positive().optional(),
    /** Batch sizes; defaults suit production, tests and benchmarks use smaller ones. */
    tuning: z.object({ pageSize: z.number().int().min(1).max(500), flushAt: z.number().int().min(1), importThreshold: z.number().int().min(1) }).partial().optional(),
  }),
  retry: { limit: 8, delaySeconds: 30 },
  expireInSeconds: 15 * 60,
  // A backfill keeps a core busy and holds up to three buffers of contacts (two being written, one
  // planned: about 110 MB of heap at the default flushAt); one per worker process keeps the process inside its 256 MB heap
  // (package.json `worker`); more backfills at once means more worker processes.
  maxConcurrencyPerProcess: 1,
  handler: async ({ companyId, runId, sliceMs, tuning }) => {
    const lock = await pgPool().connect();
    try {
      const got = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`backfill:${runId}`]);
      if (!got.rows[0]?.ok) return; // another slice of this run is running
      const deadline = Date.now() + (sliceMs ?? BACKFILL_SLICE_MS);
      const ctx = await loadCompanyContext(companyId);
      // A retry after the run finished (the companies job below could not be queued) only queues
      // that job: running the backfill again would re-read the whole company for nothing.
      const finished = (await prisma().syncRun.findUnique({ where: { id: runId }, select: { status: true } }))?.status === 'succeeded';
      if (!finished) {
        await runBackfill(ctx, runId, {
          ...tuning,
          afterCheckpoint: () => {
            if (Date.now() > deadline) throw new SliceEnded('slice ended');
          },
        });
      }
      // The backfill marked every organization it stored as due; the companies job writes them.
      if (ctx.config.sync.organizations) await queueCompanies(companyId);
    } catch (err) {
      if (err instanceof SliceEnded) {
        const { jobSender } = await import('../jobs/runtime');
        await (await jobSender()).enqueue(backfillJob, { companyId, runId, ...(sliceMs ? { sliceMs } : {}), ...(tuning ? { tuning } : {}) });
        return;
      }
      log.warn({ err, companyId, runId }, 'backfill attempt failed');
      if (err instanceof SyncUnavailableError) await failRun(runId, err);
      // Transient: the run stays "running" with its checkpoint; the retry resumes it. A finished
      // run keeps its clean record.
      await prisma().syncRun.updateMany({ where: { id: runId, status: { not: 'succeeded' } }, data: { error: (err as Error).message } });
      throw err;
    } finally {
      await lock.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      lock.release();
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

export const syncJobs = [backfillJob, incrementalJob, syncRecordsJob, companiesJob];
