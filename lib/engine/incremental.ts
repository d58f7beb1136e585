import { prisma } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import { pipedrivePersonSchema, type PipedrivePerson } from '../sync';
import { activityLoggedEvents } from './activity-events';
import type { CompanyContext } from './company-context';
import { applyDealChanges } from './deal-changes';
import { activityOf, leadStateOf, organizationStateOf } from './entity-states';
import { personsOfOrganizations, saveEntityStates, type EntityState } from './link-store';
import { queueEvents, sendPendingEvents, type QueuedEvent } from './outbox';
import { queueCompanies } from './companies-job';
import { cursorAfterScan, scanCursorPage, startCursorScan, type CursorScan } from './incremental-cursor';
import { companiesDue } from './sync-companies';
import { syncPersons } from './sync-persons';

/**
 * An incremental run: everything updated since each entity's cursor (`updated_since` is
 * inclusive, so records read exactly at the cursor's second last time are skipped when they are
 * the same version: incremental-cursor.ts), then the persons whose contacts those changes affect.
 * Unchanged contacts cost no Brevo call (hash). Leads have no cursor here: a reconcile run
 * re-reads all leads (the v1 leads list has no updated_since filter in the spec we follow).
 */
type CursorObject = 'organization' | 'deal' | 'activity' | 'person';

async function loadCursor(companyId: string, object: CursorObject): Promise<CursorScan | null> {
  const c = await prisma().syncCursor.findUnique({ where: { companyId_object: { companyId, object } } });
  if (!c?.updatedSince) return null;
  return startCursorScan({ updatedSince: c.updatedSince, idsAtCursor: c.idsAtCursor });
}

async function saveCursor(companyId: string, object: CursorObject, scan: CursorScan): Promise<void> {
  const next = cursorAfterScan(scan);
  await prisma().syncCursor.update({ where: { companyId_object: { companyId, object } }, data: { updatedSince: next.updatedSince, idsAtCursor: [...next.idsAtCursor] } });
}

export interface IncrementalResult {
  changed: Record<CursorObject | 'lead', number>;
  personsSynced: number;
  eventsQueued: number;
  eventsSent: number;
  brevoRequests: number;
}

export async function runIncremental(ctx: CompanyContext, runId: string, opts: { reconcile?: boolean } = {}): Promise<IncrementalResult> {
  const db = prisma();
  await db.syncRun.update({ where: { id: runId }, data: { status: 'running', startedAt: new Date(), heartbeatAt: new Date() } });
  const result: IncrementalResult = { changed: { organization: 0, deal: 0, activity: 0, person: 0, lead: 0 }, personsSynced: 0, eventsQueued: 0, eventsSent: 0, brevoRequests: 0 };
  const affected = new Set<number>();
  const events: QueuedEvent[] = [];
  const emailOf = async (personId: number) =>
    (await ctx.db.query<{ email: string | null }>(`SELECT email FROM record_links WHERE company_id = $1 AND object = 'person' AND pipedrive_id = $2`, [ctx.companyId, String(personId)])).rows[0]?.email ?? null;

  const orgStart = await loadCursor(ctx.companyId, 'organization');
  if (orgStart) {
    let orgCur = orgStart;
    for await (const page of ctx.pipedrive.organizationPages({ updatedSince: orgCur.since, limit: 500 })) {
      const { changed, scan } = scanCursorPage(orgCur, page.items);
      orgCur = scan;
      const parsed = changed.flatMap((o) => organizationStateOf(o) ?? []);
      // Their companies are only marked due here: Brevo's 100-per-hour company budget would hold
      // the run (and the persons and deals after it) for hours after a mass edit.
      await saveEntityStates(ctx.db, ctx.companyId, 'organization', parsed.map((p) => p.row), { companyDue: ctx.config.sync.organizations });
      for (const id of await personsOfOrganizations(ctx.db, ctx.companyId, parsed.map((p) => p.org.id))) affected.add(id);
      result.changed.organization += parsed.length;
    }
    await saveCursor(ctx.companyId, 'organization', orgCur);
  }
  // Also when nothing changed now: a company write left due earlier (a lost job) is picked up again.
  if (ctx.config.sync.organizations && (await companiesDue(ctx.db, ctx.companyId)) > 0) await queueCompanies(ctx.companyId);

  const dealStart = await loadCursor(ctx.companyId, 'deal');
  if (dealStart) {
    let dealCur = dealStart;
    for await (const page of ctx.pipedrive.dealPages({ updatedSince: dealCur.since, limit: 500 })) {
      const { changed, scan } = scanCursorPage(dealCur, page.items);
      dealCur = scan;
      const r = await applyDealChanges(ctx, changed, emailOf);
      r.affectedPersons.forEach((id) => affected.add(id));
      if (ctx.config.sync.deals) events.push(...r.events);
      result.changed.deal += changed.length;
    }
    await saveCursor(ctx.companyId, 'deal', dealCur);
  }

  if (opts.reconcile) {
    const rows: EntityState[] = [];
    for await (const lead of ctx.pipedrive.leads({ archived: false })) {
      const s = leadStateOf(lead);
      if (s) rows.push(s.row);
    }
    // Leads that are gone (archived or deleted) no longer qualify their person for nurture.
    const seen = new Set(rows.map((r) => r.pipedriveId));
    const known = await ctx.db.query<{ pipedrive_id: string; related_person_id: number | null }>(`SELECT pipedrive_id, related_person_id FROM record_links WHERE company_id = $1 AND object = 'lead' AND deleted_at IS NULL`, [ctx.companyId]);
    const gone = known.rows.filter((r) => !seen.has(r.pipedrive_id));
    if (gone.length) {
      await ctx.db.query(`UPDATE record_links SET deleted_at = now() WHERE company_id = $1 AND object = 'lead' AND pipedrive_id = ANY($2::text[])`, [ctx.companyId, gone.map((g) => g.pipedrive_id)]);
      gone.forEach((g) => g.related_person_id && affected.add(g.related_person_id));
    }
    for (let i = 0; i < rows.length; i += 500) await saveEntityStates(ctx.db, ctx.companyId, 'lead', rows.slice(i, i + 500));
    rows.forEach((r) => r.relatedPersonId && affected.add(r.relatedPersonId));
    result.changed.lead = rows.length;
  }

  const actStart = await loadCursor(ctx.companyId, 'activity');
  if (actStart) {
    let actCur = actStart;
    for await (const page of ctx.pipedrive.activityPages({ updatedSince: actCur.since, limit: 500 })) {
      const { changed, scan } = scanCursorPage(actCur, page.items);
      actCur = scan;
      for (const raw of changed) {
        result.changed.activity++;
        const activity = activityOf(raw);
        // Only activities created since the last poll are "logged" (edits are not new events).
        if (!activity?.person_id || !activity.add_time || new Date(activity.add_time) < actCur.since) continue;
        if (ctx.eventsSince && new Date(activity.add_time) < ctx.eventsSince) continue;
        events.push(...activityLoggedEvents(ctx.config, activity, await emailOf(activity.person_id)));
      }
    }
    await saveCursor(ctx.companyId, 'activity', actCur);
  }

  const personStart = await loadCursor(ctx.companyId, 'person');
  if (personStart) {
    let personCur = personStart;
    for await (const page of ctx.pipedrive.personPages({ updatedSince: personCur.since, limit: 500 })) {
      const fresh = scanCursorPage(personCur, page.items);
      personCur = fresh.scan;
      const changed: PipedrivePerson[] = [];
      for (const p of fresh.changed) {
        const parsed = pipedrivePersonSchema.safeParse(p);
        if (parsed.success) changed.push(parsed.data);
        affected.delete(p.id);
      }
      const r = await syncPersons(ctx, changed, { runId });
      result.personsSynced += changed.length;
      result.brevoRequests += r.brevoRequests;
      result.changed.person += changed.length;
    }
    await saveCursor(ctx.companyId, 'person', personCur);
  }
  // Persons whose deals, leads or organization changed but who did not change themselves.
  result.personsSynced += await syncPersonsById(ctx, [...affected], runId, result);

  result.eventsQueued = await queueEvents(ctx.db, ctx.companyId, events);
  result.eventsSent = (await sendPendingEvents(ctx)).sent;
  await db.syncRun.update({
    where: { id: runId },
    data: {
      status: 'succeeded',
      finishedAt: new Date(),
      heartbeatAt: new Date(),
      recordsDone: Object.values(result.changed).reduce((a, b) => a + b, 0),
      recordsTotal: Object.values(result.changed).reduce((a, b) => a + b, 0),
      progress: result as unknown as Prisma.InputJsonValue,
    },
  });
  return result;
}

/** Re-reads persons by id (100 per request) and syncs them. */
export async function syncPersonsById(ctx: CompanyContext, ids: readonly number[], runId: string | null, acc?: { brevoRequests: number }): Promise<number> {
  let synced = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const persons: PipedrivePerson[] = [];
    for await (const p of ctx.pipedrive.persons({ ids: chunk, limit: 100 })) {
      const parsed = pipedrivePersonSchema.safeParse(p);
      if (parsed.success) persons.push(parsed.data);
    }
    const r = await syncPersons(ctx, persons, { runId });
    if (acc) acc.brevoRequests += r.brevoRequests;
    synced += persons.length;
  }
  return synced;
}
