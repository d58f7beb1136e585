import { prisma } from '../db/prisma';
import { AppError } from '../errors';
import { jobSender } from '../jobs/runtime';
import { backfillJob, incrementalJob, syncRecordsJob } from './jobs';

/** Starts a backfill (or a full resync, which is a backfill that rewrites every contact). */
export async function startBackfill(companyId: string, opts: { kind?: 'backfill' | 'resync'; trigger?: string } = {}): Promise<string> {
  const db = prisma();
  const running = await db.syncRun.findFirst({ where: { companyId, kind: { in: ['backfill', 'resync'] }, status: { in: ['queued', 'running'] } } });
  if (running) return running.id;
  if (opts.kind === 'resync') {
    // Forget what was written so every contact is compared afresh and written again.
    await db.recordLink.updateMany({ where: { companyId, object: 'person' }, data: { lastHash: null } });
  }
  const run = await db.syncRun.create({ data: { companyId, kind: opts.kind ?? 'backfill', status: 'queued', trigger: opts.trigger ?? 'manual' } });
  await (await jobSender()).enqueue(backfillJob, { companyId, runId: run.id }, { singletonKey: `backfill:${companyId}` });
  return run.id;
}

export async function startIncremental(companyId: string, opts: { reconcile?: boolean; trigger?: string } = {}): Promise<string> {
  const db = prisma();
  const cursor = await db.syncCursor.findFirst({ where: { companyId } });
  if (!cursor) throw new AppError('backfill_first', 'Run a full sync first: incremental syncs continue from where the backfill ended.', 409);
  const run = await db.syncRun.create({ data: { companyId, kind: opts.reconcile ? 'reconcile' : 'incremental', status: 'queued', trigger: opts.trigger ?? 'manual' } });
  await (await jobSender()).enqueue(incrementalJob, { companyId, runId: run.id, reconcile: opts.reconcile ?? false }, { singletonKey: `incremental:${companyId}` });
  return run.id;
}

export async function syncPersonsNow(companyId: string, personIds: readonly number[]): Promise<void> {
  await (await jobSender()).enqueue(syncRecordsJob, { companyId, object: 'person', ids: personIds.map(String) });
}
