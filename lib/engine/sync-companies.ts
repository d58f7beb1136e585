import { BrevoError } from '../brevo/brevo-error';
import { pipedriveOrganizationSchema } from '../sync';
import type { CompanyContext } from './company-context';
import { syncOrganizations } from './sync-organizations';

/** Organizations handed to the writer at a time: what a crash or an exhausted budget redoes at most. */
const CHUNK = 20;

export interface CompanyPass {
  /** Where the next pass starts (the last organization id done), or null when all are done. */
  next: number | null;
  written: number;
  /** Set when Brevo's company budget is spent: start the next pass then. */
  retryAt?: Date;
}

/**
 * Organizations → Brevo companies from the organizations the backfill stored, in id order from
 * `afterId`, until `deadline`. Brevo's company endpoints allow 100 requests an hour on general
 * plans, so this runs apart from the contacts: a company with 20,000 organizations gets its
 * contacts in minutes and its companies over the following hours, instead of the contacts
 * waiting behind the companies. Unchanged organizations cost nothing (syncOrganizations compares
 * hashes), so a pass that is cut short and redone writes nothing twice.
 */
export async function writeCompanies(ctx: CompanyContext, afterId: number | null, deadline: number): Promise<CompanyPass> {
  let cursor = afterId ?? 0;
  let written = 0;
  for (;;) {
    if (Date.now() > deadline) return { next: cursor, written };
    const rows = await ctx.db.query<{ id: number; state: unknown }>(
      `SELECT pipedrive_id::int AS id, state FROM record_links
        WHERE company_id = $1 AND object = 'organization' AND deleted_at IS NULL AND pipedrive_id ~ '^[0-9]+$' AND pipedrive_id::int > $2
        ORDER BY pipedrive_id::int LIMIT $3`,
      [ctx.companyId, cursor, CHUNK],
    );
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
    cursor = rows.rows[rows.rows.length - 1]!.id;
  }
}
