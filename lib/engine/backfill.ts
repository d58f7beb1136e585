import { z } from 'zod';
import { prisma } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import { childLogger } from '../log';
import { pipedrivePersonSchema, type PipedrivePerson } from '../sync';
import type { CompanyContext } from './company-context';
import { dealStateOf, leadStateOf, organizationStateOf } from './entity-states';
import { saveEntityStates, type EntityState } from './link-store';
import { syncOrganizations } from './sync-organizations';
import { planPersons, writePlannedContacts, type PlannedWrite } from './sync-persons';

/**
 * The historical backfill. Entities are read page by page (memory does not grow with the
 * company): organizations, deals and leads are stored in the link store first, then persons are
 * planned page by page against them and written to Brevo. Contacts are buffered up to a bound
 * so that Brevo's import can take thousands at once; the checkpoint only moves past a page once
 * its contacts are written, so a crash resumes from the last written page and redoes nothing
 * that Brevo already has (unchanged hashes are skipped). No Brevo events are sent: history is
 * never replayed into automations.
 */
export const PHASES = ['organization', 'deal', 'lead', 'person'] as const;
export type Phase = (typeof PHASES)[number];

const checkpointSchema = z.object({
  phase: z.enum(PHASES),
  cursor: z.string().nullable(),
  /** When the run started: incremental cursors begin here once the backfill is done. */
  startedAt: z.string(),
});
type Checkpoint = z.infer<typeof checkpointSchema>;

export interface EntityProgress {
  total: number | null;
  done: number;
  skipped: number;
  failed: number;
}
export type Progress = Record<Phase, EntityProgress>;

export interface BackfillOptions {
  /** Contacts buffered before a Brevo write (bounded memory; bigger means fewer imports). */
  flushAt?: number;
  /** Records per Pipedrive page (500, the maximum, unless a test wants more pages). */
  pageSize?: number;
  importThreshold?: number;
  importPollMs?: number;
  /** Test hook: called after each checkpoint is saved (crash-and-resume tests throw here). */
  afterCheckpoint?: (cp: Checkpoint) => Promise<void> | void;
  /** Benchmark hook. */
  stats?: { pipedriveRequests: number; brevoRequests: number };
}

const log = childLogger({ part: 'backfill' });

/**
 * Keeps the next page's request in flight while the current page is stored and planned, so the
 * read runs at the pace of the slower of the two instead of their sum. Cursor pages cannot be
 * fetched further ahead: each cursor comes with the page before it.
 */
async function* readAhead<T>(pages: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const it = pages[Symbol.asyncIterator]();
  try {
    let next = it.next();
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      // Awaited on the next turn; until then a failure must not count as unhandled.
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

function emptyProgress(): Progress {
  return Object.fromEntries(PHASES.map((p) => [p, { total: null, done: 0, skipped: 0, failed: 0 }])) as Progress;
}

export async function runBackfill(ctx: CompanyContext, runId: string, opts: BackfillOptions = {}): Promise<void> {
  const db = prisma();
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
  const saved = checkpointSchema.safeParse(run.checkpoint);
  let cp: Checkpoint = saved.success ? saved.data : { phase: 'organization', cursor: null, startedAt: new Date().toISOString() };
  const progress: Progress = { ...emptyProgress(), ...(run.progress as Partial<Progress>) };
  await db.syncRun.update({ where: { id: runId }, data: { status: 'running', startedAt: run.startedAt ?? new Date(), heartbeatAt: new Date(), checkpoint: cp } });
  const stats = opts.stats ?? { pipedriveRequests: 0, brevoRequests: 0 };

  const save = async (next: Checkpoint) => {
    cp = next;
    const totals = Object.values(progress);
    await db.syncRun.update({
      where: { id: runId },
      data: {
        checkpoint: cp,
        progress: progress as unknown as Prisma.InputJsonValue,
        recordsDone: totals.reduce((a, p) => a + p.done, 0),
        recordsSkipped: totals.reduce((a, p) => a + p.skipped, 0),
        recordsFailed: totals.reduce((a, p) => a + p.failed, 0),
        recordsTotal: totals.reduce((a, p) => a + (p.total ?? p.done + p.skipped + p.failed), 0),
        heartbeatAt: new Date(),
      },
    });
    await opts.afterCheckpoint?.(cp);
  };

  const phaseIndex = PHASES.indexOf(cp.phase);
  const storeStates = async (object: 'organization' | 'deal' | 'lead', rows: EntityState[]) => saveEntityStates(ctx.db, ctx.companyId, object, rows);

  if (phaseIndex <= 0) {
    for await (const page of readAhead(ctx.pipedrive.organizationPages({ cursor: cp.cursor ?? undefined, limit: opts.pageSize ?? 500 }))) {
      stats.pipedriveRequests++;
      const parsed = page.items.flatMap((o) => organizationStateOf(o) ?? []);
      await storeStates('organization', parsed.map((p) => p.row));
      const r = ctx.config.sync.organizations ? await syncOrganizations(ctx, parsed.map((p) => p.org), { runId }) : { written: 0, skipped: parsed.length };
      progress.organization.done += parsed.length;
      progress.organization.skipped += page.items.length - parsed.length;
      stats.brevoRequests += r.written;
      await save({ ...cp, phase: page.nextCursor ? 'organization' : 'deal', cursor: page.nextCursor });
    }
    if (cp.phase === 'organization') await save({ ...cp, phase: 'deal', cursor: null });
  }
  if (PHASES.indexOf(cp.phase) <= 1) {
    for await (const page of readAhead(ctx.pipedrive.dealPages({ cursor: cp.cursor ?? undefined, limit: opts.pageSize ?? 500 }))) {
      stats.pipedriveRequests++;
      const parsed = page.items.flatMap((d) => dealStateOf(d) ?? []);
      await storeStates('deal', parsed.map((p) => p.row));
      progress.deal.done += parsed.length;
      progress.deal.skipped += page.items.length - parsed.length;
      await save({ ...cp, phase: page.nextCursor ? 'deal' : 'lead', cursor: page.nextCursor });
    }
    if (cp.phase === 'deal') await save({ ...cp, phase: 'lead', cursor: null });
  }
  if (PHASES.indexOf(cp.phase) <= 2) {
    // Leads are a v1 list (offset pages): small, and re-read whole on resume.
    let batch: EntityState[] = [];
    let leadsRead = 0;
    for await (const lead of ctx.pipedrive.leads({ archived: false })) {
      leadsRead++;
      const s = leadStateOf(lead);
      if (s) batch.push(s.row);
      if (batch.length >= 500) {
        await storeStates('lead', batch);
        progress.lead.done += batch.length;
        batch = [];
      }
    }
    await storeStates('lead', batch);
    progress.lead.done += batch.length;
    stats.pipedriveRequests += Math.max(1, Math.ceil(leadsRead / 500));
    await save({ ...cp, phase: 'person', cursor: null });
  }

  // Persons: each page is planned as it is read (skips and unchanged contacts are settled then,
  // and the page's persons let go); the contacts to write are buffered up to `flushAt`, written,
  // and only then is the checkpoint moved to the page after the last one written. While one
  // buffer is being written (an import waits for Brevo to process it) the next is read and
  // planned: at most two buffers of planned contacts are held, and writes stay in order.
  const flushAt = opts.flushAt ?? 10_000;
  let buffer: PlannedWrite[] = [];
  // Counts of the buffered pages: added to the progress with their checkpoint, so a resumed run
  // that plans those pages again does not count them twice.
  let tally = { done: 0, skipped: 0, failed: 0 };
  const pending: { write: Promise<void> | null; busy: boolean } = { write: null, busy: false };
  const write = async (planned: PlannedWrite[], counted: typeof tally, nextCursor: string | null) => {
    pending.busy = true;
    try {
      await writeAndSave(planned, counted, nextCursor);
    } finally {
      pending.busy = false;
    }
  };
  const writeAndSave = async (planned: PlannedWrite[], counted: typeof tally, nextCursor: string | null) => {
    progress.person.done += counted.done;
    progress.person.skipped += counted.skipped;
    progress.person.failed += counted.failed;
    if (planned.length > 0) {
      const r = await writePlannedContacts(ctx, planned, { runId, importThreshold: opts.importThreshold, importPollMs: opts.importPollMs });
      progress.person.done += r.written;
      progress.person.skipped += r.skipped;
      progress.person.failed += r.failed;
      stats.brevoRequests += r.brevoRequests;
    }
    await save({ ...cp, phase: 'person', cursor: nextCursor });
  };
  const flush = async (nextCursor: string | null) => {
    // Writes stay in order: a buffer starts only once the previous one is written and saved.
    if (pending.write) await pending.write;
    const planned = buffer;
    const counted = tally;
    buffer = [];
    tally = { done: 0, skipped: 0, failed: 0 };
    pending.write = write(planned, counted, nextCursor);
    // Reading goes on meanwhile; a failed write is rethrown by the next await of it.
    pending.write.catch(() => undefined);
  };
  try {
    let reachedEnd = cp.cursor === null;
    for await (const page of readAhead(ctx.pipedrive.personPages({ cursor: cp.cursor ?? undefined, limit: opts.pageSize ?? 500 }))) {
      stats.pipedriveRequests++;
      const persons: PipedrivePerson[] = [];
      for (const p of page.items) {
        const parsed = pipedrivePersonSchema.safeParse(p);
        if (parsed.success) persons.push(parsed.data);
        else tally.failed++;
      }
      const plan = await planPersons(ctx, persons, runId);
      tally.done += plan.unchanged;
      tally.skipped += plan.skipped;
      for (const w of plan.writes) buffer.push(w);
      reachedEnd = !page.nextCursor;
      // Nothing buffered: the checkpoint can move at once (an unchanged company resumes where it was).
      if (buffer.length >= flushAt || !page.nextCursor || (buffer.length === 0 && !pending.busy)) await flush(page.nextCursor);
    }
    if (buffer.length > 0 || !reachedEnd) await flush(null);
  } finally {
    // Never leave a write running behind a failed read (its error, if any, wins).
    if (pending.write) await pending.write;
  }

  // From now on, incremental runs pick up what changed since the backfill started.
  const since = new Date(cp.startedAt);
  for (const object of ['person', 'organization', 'deal', 'activity', 'lead'] as const) {
    await db.syncCursor.upsert({
      where: { companyId_object: { companyId: ctx.companyId, object } },
      create: { companyId: ctx.companyId, object, updatedSince: since },
      update: { updatedSince: since, idsAtCursor: [] },
    });
  }
  await db.syncRun.update({ where: { id: runId }, data: { status: 'succeeded', finishedAt: new Date(), heartbeatAt: new Date() } });
  log.info({ companyId: ctx.companyId, runId, progress }, 'backfill finished');
}
