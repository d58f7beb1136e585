import { z } from 'zod';
import { pgPool } from '../db/pool';
import { defineJob, PermanentJobError } from '../jobs/define-job';
import { childLogger } from '../log';
import { loadCompanyContext, SyncUnavailableError } from './company-context';
import { companiesDue, writeCompanies } from './sync-companies';

const log = childLogger({ part: 'companies-job' });

/** Minutes of company writes per job run before it hands over to a new one. */
const COMPANIES_SLICE_MS = 3 * 60_000;

/** How long a store of an organization may take between its mark's timestamp and its commit. */
const STORE_MARGIN_MS = 10_000;
/** The pause before another pass for marks that came during this one (more than the margin). */
const AGAIN_AFTER_MS = 30_000;

const companiesPayload = z.object({ companyId: z.uuid(), afterId: z.number().int().nonnegative().optional() });

/**
 * Writes the Brevo companies of the organizations that are due (sync-companies.ts), in slices
 * that each queue the next: at once while there is budget, at Brevo's reset when there is none.
 * The queue keeps at most one waiting job per company (`short` policy and a key per company), so
 * a burst of organization webhooks queues one job, and a job waiting for the reset is the one that
 * takes the changes stored meanwhile. One runs per company at a time (advisory lock); a job that
 * finds the lock taken leaves, and the holder looks for due organizations again once it lets go.
 */
export const companiesJob = defineJob({
  name: 'sync.companies',
  schema: companiesPayload,
  retry: { limit: 8, delaySeconds: 60 },
  expireInSeconds: 15 * 60,
  policy: 'short',
  handler: async ({ companyId, afterId }) => {
    const started = new Date();
    let next: { afterId: number; startAfter?: Date } | null = null;
    const lock = await pgPool().connect();
    try {
      const got = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`companies:${companyId}`]);
      if (!got.rows[0]?.ok) return;
      const ctx = await loadCompanyContext(companyId, { provisionAttributes: false });
      if (!ctx.config.sync.organizations) return;
      const pass = await writeCompanies(ctx, afterId ?? null, Date.now() + COMPANIES_SLICE_MS);
      log.info({ companyId, written: pass.written, next: pass.next, retryAt: pass.retryAt }, 'company pass ended');
      if (pass.next !== null) next = { afterId: pass.next, ...(pass.retryAt ? { startAfter: pass.retryAt } : {}) };
    } catch (err) {
      if (err instanceof SyncUnavailableError) throw new PermanentJobError(err.message);
      throw err;
    } finally {
      await lock.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      lock.release();
    }
    if (next) await queueCompanies(companyId, next);
    // Organizations marked after the pass went by them, or while another job of this company left
    // because this one held the lock, need one more pass. A pass from the first organization saw
    // every older mark, so only newer ones count (with a margin for a store that started before
    // this job and committed during it), and the next pass starts a little later: a mark that
    // could not be cleared must not queue job after job. The incremental run queues the job again
    // for anything still due.
    else if ((await companiesDue(pgPool(), companyId, afterId ? undefined : new Date(started.getTime() - STORE_MARGIN_MS))) > 0) {
      await queueCompanies(companyId, { startAfter: new Date(Date.now() + AGAIN_AFTER_MS) });
    }
  },
});

/**
 * Asks for the company writes of `companyId` (cheap: one insert that does nothing while a job of
 * that company is already waiting). `afterId` resumes a pass; `startAfter` waits for Brevo's reset.
 */
export async function queueCompanies(companyId: string, opts: { afterId?: number; startAfter?: Date } = {}): Promise<void> {
  const { jobSender } = await import('../jobs/runtime');
  const payload = { companyId, ...(opts.afterId !== undefined ? { afterId: opts.afterId } : {}) };
  await (await jobSender()).enqueue(companiesJob, payload, { singletonKey: companiesJobKey(companyId), ...(opts.startAfter ? { startAfter: opts.startAfter } : {}) });
}

/** The singleton key of a company's companies job: every send names it (see `policy` in define-job.ts). */
export function companiesJobKey(companyId: string): string {
  return `companies:${companyId}`;
}
