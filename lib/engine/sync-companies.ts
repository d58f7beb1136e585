import type pg from 'pg';
import { BrevoError } from '../brevo/brevo-error';
import { pipedriveOrganizationSchema } from '../sync';
import type { CompanyContext } from './company-context';
import { syncOrganizations } from './sync-organizations';

/** Organizations handed to the writer at a time: what a crash or an exhausted budget redoes at most. */
const CHUNK = 20;

/**
 * The organizations whose company is due (`company_pending_since`, set with their stored state by
 * the backfill, the incremental run and webhooks). Only these rows are in the partial index
 * `record_links_company_pending_idx`, so finding them does not read a company's other records.
 */
const DUE = `company_id = $1 AND object = 'organization' AND company_pending_since IS NOT NULL AND deleted_at IS NULL AND pipedrive_id ~ '^[0-9]+$'`;

export interface CompanyPass {
  /** Where the next pass starts (the last organization id done), or null when all are done. */
  next: number | null;
  written: number;
  /** Set when Brevo's company budget is spent: start the next pass then. */
  retryAt?: Date;
}

/**
 * Organizations → Brevo companies for the organizations that are due, in id order from
 * `afterId`, until `deadline`. Brevo's company endpoints allow 100 requests an hour on general
 * plans, so this runs apart from the contacts and from the runs that store organizations: a
 * company with 20,000 organizations gets its contacts in minutes and its companies over the
 * following hours, and a mass edit does not hold the incremental run or webhook processors behind
 * that budget. Unchanged organizations cost nothing (syncOrganizations compares hashes), so a pass
 * that is cut short and redone writes nothing twice.
 */
export async function writeCompanies(ctx: CompanyContext, afterId: number | null, deadline: number): Promise<CompanyPass> {
  let cursor = afterId ?? 0;
  let written = 0;
  for (;;) {
    if (Date.now() > deadline) return { next: cursor, written };
    const rows = await ctx.db.query<{ id: number; state: unknown }>(`SELECT pipedrive_id::int AS id, state FROM record_links WHERE ${DUE} AND pipedrive_id::int > $2 ORDER BY pipedrive_id::int LIMIT $3`, [
      ctx.companyId,
      cursor,
      CHUNK,
    ]);
    if (rows.rows.length === 0) return { next: null, written };
    const orgs = rows.rows.flatMap((r) => {
      const parsed = pipedriveOrganizationSchema.safeParse(r.state);
      return parsed.success ? [parsed.data] : [];
    });
    try {
      written += (await syncOrganizations(ctx, orgs, { runId: null })).written;
    } catch (err) {
      if (err instanceof BrevoError && err.kind === 'rate_limited') return { next: cursor, written, retryAt: err.retryAt ?? new Date(Date.now() + 60_000) };
      throw err;
    }
    // A row that could not be parsed has nothing to write either; it is done like the others.
    await clearDue(ctx.db, ctx.companyId, rows.rows);
    cursor = rows.rows[rows.rows.length - 1]!.id;
  }
}

/**
 * Clears the due mark of organizations whose stored state is still the one just written. One that
 * changed meanwhile (a webhook stored a newer state) stays due, so its change is not lost; the
 * state itself is compared because two stores within the same millisecond share a timestamp.
 */
async function clearDue(db: pg.Pool, companyId: string, rows: readonly { id: number; state: unknown }[]): Promise<void> {
  await db.query(
    `UPDATE record_links r SET company_pending_since = NULL
       FROM unnest($2::text[], $3::jsonb[]) AS t(id, state)
      WHERE r.company_id = $1 AND r.object = 'organization' AND r.pipedrive_id = t.id AND r.state IS NOT DISTINCT FROM t.state`,
    [companyId, rows.map((r) => String(r.id)), rows.map((r) => (r.state === null ? null : JSON.stringify(r.state)))],
  );
}

/**
 * How many organizations wait for their company to be written (dashboard, and whether a job is
 * needed); with `markedSince`, only those marked since then.
 */
export async function companiesDue(db: pg.Pool, companyId: string, markedSince?: Date): Promise<number> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM record_links WHERE ${DUE} AND ($2::timestamptz IS NULL OR company_pending_since >= $2)`, [companyId, markedSince ?? null]);
  return r.rows[0]!.n;
}
