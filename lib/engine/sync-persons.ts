import { planContactSync, type ContactUpsert, type PipedrivePerson } from '../sync';
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

/** A contact to write, with what the writer needs to know of its person once the person is gone from memory. */
export interface PlannedWrite {
  contact: ContactUpsert;
  orgId: number | null;
  updatedAt: Date | null;
  /** The email the app last wrote for the person, when it wrote one. */
  previousEmail: string | null;
}

export interface PersonPlan {
  writes: PlannedWrite[];
  unchanged: number;
  skipped: number;
}

export interface WriteCounts {
  written: number;
  skipped: number;
  failed: number;
  brevoRequests: number;
}

/**
 * Plans the contacts of a set of persons: joins them with their deals, leads and organization
 * from the link store and lets the pure planner decide. Skips and warnings are recorded against
 * their persons now (earlier issues of these persons are resolved first); only the writes are
 * returned, small enough to be buffered for a bulk write while the persons themselves are let go.
 */
export async function planPersons(ctx: CompanyContext, persons: readonly PipedrivePerson[], runId: string | null): Promise<PersonPlan> {
  if (persons.length === 0) return { writes: [], unchanged: 0, skipped: 0 };
  const ids = persons.map((p) => p.id);
  const orgIds = persons.flatMap((p) => (p.org_id ? [p.org_id] : []));
  const context = await loadPersonContext(ctx.db, ctx.companyId, ids, orgIds);
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
  const issues: RecordIssueInput[] = [];
  for (const s of plan.skipped) {
    issues.push({ object: 'person', pipedriveId: String(s.entityId), severity: 'skipped', code: s.reason, reason: s.detail });
    for (const w of s.warnings) issues.push({ object: 'person', pipedriveId: String(s.entityId), severity: 'warning', code: w.code, reason: w.message });
  }
  for (const c of [...plan.writes, ...plan.unchanged]) {
    for (const w of c.warnings) issues.push({ object: 'person', pipedriveId: String(c.personId), severity: 'warning', code: w.code, reason: w.message });
  }
  await resolveIssues(ctx.db, ctx.companyId, 'person', ids.map(String));
  await recordIssues(ctx.db, ctx.companyId, runId, issues);
  const byId = new Map(persons.map((p) => [p.id, p]));
  return {
    // Warnings are stored already; the buffered write does not need to carry them.
    writes: plan.writes.map((c) => {
      const p = byId.get(c.personId);
      return { contact: { ...c, warnings: [] }, orgId: p?.org_id ?? null, updatedAt: p?.update_time ? new Date(p.update_time) : null, previousEmail: context.links.get(c.personId)?.email ?? null };
    }),
    unchanged: plan.unchanged.length,
    skipped: plan.skipped.length,
  };
}

/**
 * Writes planned contacts and records what Brevo refused. One email stays with one person: the
 * lowest person id keeps it, within these writes (they may come from several planning calls)
 * and against persons whose contact the app wrote before, as the planner decides within a call.
 */
export async function writePlannedContacts(
  ctx: CompanyContext,
  planned: readonly PlannedWrite[],
  opts: {
    runId: string | null;
    importThreshold?: number;
    importPollMs?: number;
    /** Emails being written by another call that has not saved its results yet (email → person id). */
    claimed?: ReadonlyMap<string, number>;
  },
): Promise<WriteCounts> {
  if (planned.length === 0) return { written: 0, skipped: 0, failed: 0, brevoRequests: 0 };
  const byPerson = new Map(planned.map((w) => [w.contact.personId, w]));
  const lowest = new Map<string, number>();
  for (const { contact: c } of planned) lowest.set(c.email, Math.min(c.personId, lowest.get(c.email) ?? Infinity, opts.claimed?.get(c.email) ?? Infinity));
  const holders = await emailHolders(ctx.db, ctx.companyId, [...lowest.keys()], [...byPerson.keys()]);
  const issues: RecordIssueInput[] = [];
  const writes = planned.flatMap(({ contact: c }) => {
    const older = [...(holders.get(c.email) ?? []), lowest.get(c.email)!].filter((id) => id < c.personId);
    if (older.length === 0) return [c];
    issues.push({ object: 'person', pipedriveId: String(c.personId), severity: 'skipped', code: 'duplicate_email', reason: `person ${Math.min(...older)} has the same email (${c.email}) and is synced instead; merge the two persons in Pipedrive` });
    return [];
  });
  const written = await writeContacts(ctx.brevo, writes, {
    importThreshold: opts.importThreshold,
    importPollMs: opts.importPollMs,
    orgOf: (id) => byPerson.get(id)?.orgId ?? null,
    updatedAtOf: (id) => byPerson.get(id)?.updatedAt ?? null,
    previousEmail: (id) => byPerson.get(id)?.previousEmail ?? null,
  });
  await saveContactResults(ctx.db, ctx.companyId, written.written);
  issues.push(...written.issues);
  await recordIssues(ctx.db, ctx.companyId, opts.runId, issues);
  return {
    written: written.written.length,
    skipped: planned.length - writes.length,
    failed: written.issues.filter((i) => i.severity === 'error').length,
    brevoRequests: written.requests,
  };
}

/** Plans and writes the contacts of a set of persons (the incremental and webhook paths). */
export async function syncPersons(
  ctx: CompanyContext,
  persons: readonly PipedrivePerson[],
  opts: { runId: string | null; importThreshold?: number; importPollMs?: number } = { runId: null },
): Promise<PersonSyncCounts> {
  const plan = await planPersons(ctx, persons, opts.runId);
  const w = await writePlannedContacts(ctx, plan.writes, opts);
  return { written: w.written, unchanged: plan.unchanged, skipped: plan.skipped + w.skipped, failed: w.failed, brevoRequests: w.brevoRequests };
}
