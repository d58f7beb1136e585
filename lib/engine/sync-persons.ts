import { planContactSync, type PipedrivePerson } from '../sync';
import type { CompanyContext } from './company-context';
import { writeContacts } from './contact-writer';
import { emailHolders, loadPersonContext, saveContactResults } from './link-store';
import { recordIssues, resolveIssues, type RecordIssueInput } from './record-issues';

export interface PersonSyncCounts {
  written: number;
  unchanged: number;
  skipped: number;
  failed: number;
  brevoRequests: number;
}

/**
 * Plans and writes the contacts of a set of persons: joins them with their deals, leads and
 * organization from the link store, lets the pure planner decide, writes only what changed,
 * and records every skip, warning and refusal against the person.
 */
export async function syncPersons(
  ctx: CompanyContext,
  persons: readonly PipedrivePerson[],
  opts: { runId: string | null; importThreshold?: number; importPollMs?: number } = { runId: null },
): Promise<PersonSyncCounts> {
  if (persons.length === 0) return { written: 0, unchanged: 0, skipped: 0, failed: 0, brevoRequests: 0 };
  const byId = new Map(persons.map((p) => [p.id, p]));
  const orgIds = persons.flatMap((p) => (p.org_id ? [p.org_id] : []));
  const context = await loadPersonContext(ctx.db, ctx.companyId, [...byId.keys()], orgIds);
  const plan = planContactSync({
    persons,
    organizations: context.organizations,
    deals: context.deals,
    leads: context.leads,
    personFields: ctx.personFields,
    config: ctx.config,
    links: context.links,
    brevoAttributeTypes: ctx.brevoAttributeTypes,
  });
  // Across batches the lowest person id keeps an email, as the planner decides within one: a
  // write whose email an older person already holds in Brevo is skipped instead of overwriting.
  const holders = await emailHolders(ctx.db, ctx.companyId, plan.writes.map((c) => c.email), [...byId.keys()]);
  const writes = plan.writes.filter((c) => {
    const older = (holders.get(c.email) ?? []).filter((id) => id < c.personId);
    if (older.length === 0) return true;
    plan.skipped.push({ kind: 'skip', entity: 'person', entityId: c.personId, reason: 'duplicate_email', detail: `person ${Math.min(...older)} has the same email (${c.email}) and is synced instead; merge the two persons in Pipedrive`, warnings: c.warnings });
    return false;
  });
  const written = await writeContacts(ctx.brevo, writes, {
    importThreshold: opts.importThreshold,
    importPollMs: opts.importPollMs,
    orgOf: (id) => byId.get(id)?.org_id ?? null,
    updatedAtOf: (id) => {
      const t = byId.get(id)?.update_time;
      return t ? new Date(t) : null;
    },
    previousEmail: (id) => context.links.get(id)?.email ?? null,
  });
  await saveContactResults(ctx.db, ctx.companyId, written.written);

  const issues: RecordIssueInput[] = [...written.issues];
  for (const s of plan.skipped) {
    issues.push({ object: 'person', pipedriveId: String(s.entityId), severity: 'skipped', code: s.reason, reason: s.detail });
    for (const w of s.warnings) issues.push({ object: 'person', pipedriveId: String(s.entityId), severity: 'warning', code: w.code, reason: w.message });
  }
  for (const c of [...plan.writes, ...plan.unchanged]) {
    for (const w of c.warnings) issues.push({ object: 'person', pipedriveId: String(c.personId), severity: 'warning', code: w.code, reason: w.message });
  }
  await resolveIssues(ctx.db, ctx.companyId, 'person', [...byId.keys()].map(String));
  await recordIssues(ctx.db, ctx.companyId, opts.runId, issues);
  return {
    written: written.written.length,
    unchanged: plan.unchanged.length,
    skipped: plan.skipped.length,
    failed: written.issues.filter((i) => i.severity === 'error').length,
    brevoRequests: written.requests,
  };
}
