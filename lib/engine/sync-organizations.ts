import { outcomeFromError } from '../brevo/record-outcome';
import { mapOrganizationToCompany, type PipedriveOrganization } from '../sync';
import type { CompanyContext } from './company-context';
import { recordIssues, resolveIssues, type RecordIssueInput } from './record-issues';

/**
 * Organizations → Brevo companies. Brevo has no upsert by external key for companies, so the
 * link store keeps the Brevo company id; an unchanged hash means no call at all, which matters
 * because Brevo's CRM endpoints allow only 100 requests an hour on general plans.
 */
export async function syncOrganizations(ctx: CompanyContext, orgs: readonly PipedriveOrganization[], opts: { runId: string | null }): Promise<{ written: number; skipped: number }> {
  if (orgs.length === 0) return { written: 0, skipped: 0 };
  const links = await ctx.db.query<{ pipedrive_id: string; last_hash: string | null; brevo_company_id: string | null }>(
    `SELECT pipedrive_id, last_hash, brevo_company_id FROM record_links WHERE company_id = $1 AND object = 'organization' AND pipedrive_id = ANY($2::text[])`,
    [ctx.companyId, orgs.map((o) => String(o.id))],
  );
  const byId = new Map(links.rows.map((r) => [r.pipedrive_id, r]));
  const issues: RecordIssueInput[] = [];
  let written = 0;
  let skipped = 0;
  for (const org of orgs) {
    const op = mapOrganizationToCompany({ organization: org, organizationFields: ctx.organizationFields, config: ctx.config });
    if (op.kind === 'skip') {
      skipped++;
      if (op.reason !== 'sync_disabled') issues.push({ object: 'organization', pipedriveId: String(org.id), severity: 'skipped', code: op.reason, reason: op.detail });
      continue;
    }
    for (const w of op.warnings) issues.push({ object: 'organization', pipedriveId: String(org.id), severity: 'warning', code: w.code, reason: w.message });
    const link = byId.get(String(org.id));
    if (link?.last_hash === op.hash && link.brevo_company_id) continue;
    try {
      let companyId = link?.brevo_company_id ?? null;
      if (companyId) await ctx.brevo.updateCompany(companyId, { name: op.name, attributes: op.attributes });
      else companyId = await ctx.brevo.createCompany({ name: op.name, attributes: op.attributes });
      await ctx.db.query(`UPDATE record_links SET brevo_company_id = $3, last_hash = $4, last_synced_at = now(), updated_at = now() WHERE company_id = $1 AND object = 'organization' AND pipedrive_id = $2`, [
        ctx.companyId,
        String(org.id),
        companyId,
        op.hash,
      ]);
      written++;
    } catch (err) {
      const outcome = outcomeFromError(err, `organization ${org.name}`);
      if (!outcome) throw err;
      issues.push({ object: 'organization', pipedriveId: String(org.id), severity: 'error', code: outcome.reason, reason: outcome.message });
    }
  }
  await resolveIssues(ctx.db, ctx.companyId, 'organization', orgs.map((o) => String(o.id)));
  await recordIssues(ctx.db, ctx.companyId, opts.runId, issues);
  return { written, skipped };
}
