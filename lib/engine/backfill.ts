import { z } from 'zod';
import { prisma } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import { childLogger } from '../log';
import { historyReplayWindow, pipedrivePersonSchema, type PipedrivePerson } from '../sync';
import type { CompanyContext } from './company-context';
import { estimateStreamsTotal, estimateTotal, type IdSpan } from './backfill-estimate';
import { dealStateOf, leadStateOf, organizationStateOf } from './entity-states';
import { analyzeLinks, saveEntityStates, type EntityState } from './link-store';
import { replayHistory } from './replay-history';
import { planPersons, writePlannedContacts, type PersonPlan, type PlannedWrite } from './sync-persons';

/**
 * The historical backfill. Entities are read page by page (memory does not grow with the
 * company): organizations, deals and leads are stored in the link store first, then persons are
 * planned page by page against them and written to Brevo (companies follow in their own job). Contacts are buffered up to a bound
 * so that Brevo's import can take thousands at once; the checkpoint only moves past a page once
 * its contacts are written, so a crash resumes from the last written page and redoes nothing
 * that Brevo already has (unchanged hashes are skipped). No Brevo events are sent for history,
 * unless the company asked for the last `replayHistoryDays` days to be replayed: then, once every
 * contact is written, those days' activities and deal moves go to the outbox (replay-history.ts).
 */
export const PHASES = ['organization', 'deal', 'lead', 'person'] as const;
export type Phase = (typeof PHASES)[number];
/** The phases a checkpoint names: the entities, then the history replay (it has no records to count). */
const CHECKPOINT_PHASES = [...PHASES, 'replay'] as const;

const idSpanSchema = z.object({ firstId: z.number().nullable(), lastId: z.number().nullable(), maxId: z.number().nullable() });
const entityCursorSchema = z.object({ cursor: z.string().nullable(), done: z.boolean() });
/**
 * Deals are read in one stream per status, at the same time: a cursor's next page can only be
 * asked for once its page has come back, so one stream of deals (the biggest entity) was bound by
 * round trips, on the sandbox's loopback and far more on Pipedrive's. Each stream keeps its count
 * and id span for the progress estimate (backfill-estimate.ts).
 */
const DEAL_STREAMS = ['open', 'won', 'lost'] as const;
const dealStreamSchema = entityCursorSchema.extend({ read: z.number(), firstId: z.number().nullable(), lastId: z.number().nullable() });
type DealStreams = Record<(typeof DEAL_STREAMS)[number], z.infer<typeof dealStreamSchema>>;
const checkpointSchema = z.object({
  phase: z.enum(CHECKPOINT_PHASES),
  cursor: z.string().nullable(),
  /** When the run started: incremental cursors begin here once the backfill is done. */
  startedAt: z.string(),
  /** Organizations, deals and leads are read at the same time, each from its own cursor. */
  entities: z
    .object({
      organization: entityCursorSchema,
      /** Done once every deal stream is done. Without `dealsByStatus` (a run saved before deals were split), one stream of every status, resumed from `cursor`. */
      deal: entityCursorSchema,
      lead: entityCursorSchema,
      dealsByStatus: z.object({ open: dealStreamSchema, won: dealStreamSchema, lost: dealStreamSchema }).optional(),
    })
    .optional(),
  /** Id ranges behind the progress estimates (backfill-estimate.ts); kept so a resume estimates the same way. */
  spans: z.record(z.enum(['organization', 'deal', 'person']), idSpanSchema).optional(),
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

/** Buffers of contacts written at once (each holds up to `flushAt` planned contacts in memory). */
const WRITES_IN_FLIGHT = 2;

/** Pages of organizations or deals being stored at once, per entity (see readPages). */
const STORES_IN_FLIGHT = 2;

/** Pages of persons planned at once (see the persons loop). */
const PLANS_IN_FLIGHT = 2;


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
  const spans = await readSpans(ctx, cp.spans ?? {}, stats);

  // Organizations, deals and leads do not depend on each other: they are read at the same time,
  // so the persons (which need all three) start sooner. A checkpoint written before they were
  // read together names one phase and its cursor; the phases before it are done.
  const before = CHECKPOINT_PHASES.indexOf(cp.phase);
  const entities = cp.entities ?? {
    organization: { cursor: before === 0 ? cp.cursor : null, done: before > 0 },
    deal: { cursor: before === 1 ? cp.cursor : null, done: before > 1 },
    lead: { cursor: null, done: before > 2 },
  };
  // Deals not started yet are read by status; a single stream already under way goes on as it was.
  if (!entities.deal.done && entities.deal.cursor === null && !entities.dealsByStatus) {
    entities.dealsByStatus = Object.fromEntries(DEAL_STREAMS.map((status) => [status, { cursor: null, done: false, read: 0, firstId: null, lastId: null }])) as DealStreams;
  }
  const estimate = (object: SpannedEntity, done: boolean) => {
    const p = progress[object];
    const streams = object === 'deal' && !done ? entities.dealsByStatus : undefined;
    p.total = streams ? estimateStreamsTotal(Object.values(streams), spans.deal.maxId) : estimateTotal(p.done + p.skipped + p.failed, spans[object], done);
  };
  // Before a page is read, each entity's total is its id range, so the ETA covers all of them.
  for (const object of ['organization', 'deal', 'person'] as const) if (progress[object].total === null) estimate(object, false);

  const save = async (next: Checkpoint) => {
    cp = { ...next, spans: structuredClone(spans) };
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

  // Stored organizations are marked due: their companies are written by the sync.companies job
  // afterwards, at Brevo's 100-per-hour company pace, not here.
  const storeStates = async (object: 'organization' | 'deal' | 'lead', rows: EntityState[]) =>
    saveEntityStates(ctx.db, ctx.companyId, object, rows, { companyDue: ctx.config.sync.organizations });

  if (!entities.organization.done || !entities.deal.done || !entities.lead.done) {
    let saving: Promise<void> = Promise.resolve();
    let stopped = false;
    // Saves one after the other, each with every reader's latest cursor (a reader moves its
    // cursor only once its page is stored). While one is being saved, the pages stored meanwhile
    // share the next save instead of queueing one each: three readers outran a save per page.
    let queued = false;
    const saveEntities = () => {
      if (queued) return saving;
      queued = true;
      saving = saving.then(() => {
        queued = false;
        const allDone = entities.organization.done && entities.deal.done && entities.lead.done;
        return save({ ...cp, phase: allDone ? 'person' : 'organization', cursor: null, entities: structuredClone(entities) });
      });
      return saving;
    };
    // Whether all of an entity is read: the deals' streams each finish on their own.
    const entityDone = (object: 'organization' | 'deal') =>
      object === 'deal' && entities.dealsByStatus ? Object.values(entities.dealsByStatus).every((d) => d.done) : entities[object].done;
    /** Reads one cursor stream (`e`, with `span` the ids it covers) of organizations or deals to its end. */
    const readPages = async (
      object: 'organization' | 'deal',
      e: { cursor: string | null; done: boolean; read?: number },
      span: Pick<IdSpan, 'firstId' | 'lastId'>,
      pages: (cursor: string | undefined) => AsyncIterable<{ items: unknown[]; nextCursor: string | null }>,
      stateOf: (item: unknown) => { row: EntityState } | null,
    ) => {
      if (e.done) return;
      // A page's store starts as soon as it is parsed; the next page does not wait for it, but the
      // cursor moves past a page only once it and every page before it are stored. One store at a
      // time, the deals were bound by PostgreSQL's round trips (50 ms a page) with a core idle.
      let lastInOrder: Promise<void> = Promise.resolve();
      const storing: Promise<void>[] = [];
      // Saves are chained (saveEntities): a failed one fails every later one, so the last is
      // enough to await; the first failure also stops the read at its next page.
      let lastSave: Promise<void> = Promise.resolve();
      let failedSave: { err: unknown } | undefined;
      for await (const page of readAhead(pages(e.cursor ?? undefined))) {
        if (failedSave) throw failedSave.err;
        if (stopped) break;
        stats.pipedriveRequests++;
        const parsed = page.items.flatMap((x) => stateOf(x) ?? []);
        const stored = storeStates(object, parsed.map((p) => p.row));
        const previous = lastInOrder;
        lastInOrder = (async () => {
          await stored;
          await previous;
          progress[object].done += parsed.length;
          progress[object].skipped += page.items.length - parsed.length;
          e.cursor = page.nextCursor;
          e.done = !page.nextCursor;
          if (e.read !== undefined) e.read += page.items.length;
          spanPage(span, page.items);
          estimate(object, entityDone(object));
        })();
        // Awaited below, in order; until then a failure must not count as unhandled.
        lastInOrder.catch(() => undefined);
        storing.push(lastInOrder);
        // The checkpoint follows on its own: the next page waits for stores, not for saves.
        lastSave = lastInOrder.then(saveEntities);
        lastSave.catch((err: unknown) => {
          failedSave ??= { err };
        });
        while (storing.length >= STORES_IN_FLIGHT) await storing.shift();
      }
      for (const done of storing) await done;
      await lastSave;
      if (stopped) return;
      if (!e.done) {
        e.done = true;
        estimate(object, entityDone(object));
        await saveEntities();
      }
    };
    const readDeals = async () => {
      const page = (status?: (typeof DEAL_STREAMS)[number]) => (cursor: string | undefined) => ctx.pipedrive.dealPages({ cursor, limit: opts.pageSize ?? 500, ...(status ? { status: [status] } : {}) });
      const streams = entities.dealsByStatus;
      if (!streams) return readPages('deal', entities.deal, spans.deal, page(), dealStateOf);
      // A deal whose status changes while the streams run can be missed by both (read by neither
      // stream, or by both: stores are idempotent); the first incremental run reads it, as it
      // reads every change made since the backfill started.
      const results = await Promise.allSettled(
        DEAL_STREAMS.map((status) =>
          readPages('deal', streams[status], streams[status], page(status), dealStateOf).catch((err: unknown) => {
            stopped = true;
            throw err;
          }),
        ),
      );
      // Every stream has settled (none is left storing): the first failure is the run's.
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      if (stopped || entities.deal.done) return;
      entities.deal.done = true;
      estimate('deal', true);
      await saveEntities();
    };
    const readLeads = async () => {
      if (entities.lead.done) return;
      // Leads are a v1 list (offset pages): small, and re-read whole on resume.
      let batch: EntityState[] = [];
      let leadsRead = 0;
      for await (const lead of ctx.pipedrive.leads({ archived: false })) {
        if (stopped) return;
        leadsRead++;
        const st = leadStateOf(lead);
        if (st) batch.push(st.row);
        if (batch.length >= 500) {
          await storeStates('lead', batch);
          progress.lead.done += batch.length;
          batch = [];
        }
      }
      await storeStates('lead', batch);
      progress.lead.done += batch.length;
      stats.pipedriveRequests += Math.max(1, Math.ceil(leadsRead / 500));
      entities.lead.done = true;
      progress.lead.total = progress.lead.done + progress.lead.skipped + progress.lead.failed;
      await saveEntities();
    };
    const readers = [
      readPages('organization', entities.organization, spans.organization, (cursor) => ctx.pipedrive.organizationPages({ cursor, limit: opts.pageSize ?? 500 }), (o) => organizationStateOf(o)),
      readDeals(),
      readLeads(),
    ].map((p) =>
      p.catch((err: unknown) => {
        // One reader failing (or the slice ending) stops the others at their next page.
        stopped = true;
        throw err;
      }),
    );
    const results = await Promise.allSettled(readers);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await saving;
  }

  // Persons: each page is planned as it is read (skips and unchanged contacts are settled then,
  // and the page's persons let go); the contacts to write are buffered up to `flushAt` and
  // written. A full buffer's write starts at once; planning goes on while at most two older
  // writes are unfinished, so Brevo processes one buffer's import while the others' lists are
  // sent and the contacts budget does not idle (at most three buffers are held). The checkpoint
  // still moves in order, to the page after the last buffer written, and only once that buffer is written.
  const flushAt = opts.flushAt ?? 7_000;
  let flushes = 0;
  let buffer: PlannedWrite[] = [];
  // Counts of the buffered pages: added to the progress with their checkpoint, so a resumed run
  // that plans those pages again does not count them twice.
  let tally = { done: 0, skipped: 0, failed: 0 };
  // The last person id of the buffered pages: the estimate moves with the counts.
  let tallyLastId: number | null = null;
  const writing: { done: Promise<void>; claims: Map<string, number>; settled: boolean }[] = [];
  let lastSave: Promise<void> = Promise.resolve();
  const flush = async (nextCursor: string | null) => {
    const planned = buffer;
    if (planned.length > 0) flushes++;
    const flushNumber = flushes;
    const counted = tally;
    const countedLastId = tallyLastId;
    buffer = [];
    tally = { done: 0, skipped: 0, failed: 0 };
    // An email a buffer still being written claims stays with its lowest person id: the other
    // buffer cannot see it in the link store before that write is saved.
    const claimed = new Map<string, number>();
    for (const w of writing) for (const [email, id] of w.claims) claimed.set(email, Math.min(id, claimed.get(email) ?? Infinity));
    const claims = new Map<string, number>();
    for (const { contact: c } of planned) claims.set(c.email, Math.min(c.personId, claims.get(c.email) ?? Infinity));
    const previous = lastSave;
    const entry = { done: Promise.resolve(), claims, settled: false };
    entry.done = (async () => {
      try {
        const r = planned.length > 0 ? await writePlannedContacts(ctx, planned, { runId, claimed, importThreshold: opts.importThreshold, importPollMs: opts.importPollMs }) : null;
        // Checkpoints in order: a failed earlier buffer fails this one too (a resume redoes both).
        await previous;
        progress.person.done += counted.done + (r?.written ?? 0);
        progress.person.skipped += counted.skipped + (r?.skipped ?? 0);
        progress.person.failed += counted.failed + (r?.failed ?? 0);
        stats.brevoRequests += r?.brevoRequests ?? 0;
        if (countedLastId !== null) spans.person.lastId = countedLastId;
        estimate('person', nextCursor === null);
        await save({ ...cp, phase: 'person', cursor: nextCursor });
        // Likewise for the person links, once the first buffer has created thousands of them.
        if (flushNumber === 1) await analyzeLinks(ctx.db);
      } finally {
        entry.settled = true;
      }
    })();
    // Reading goes on meanwhile; a failed write is rethrown by the next await of it.
    entry.done.catch(() => undefined);
    lastSave = entry.done;
    writing.push(entry);
    // The buffer's write starts at once, so that Brevo works on its import while the older ones
    // finish; planning the next buffer waits until no more than WRITES_IN_FLIGHT are left
    // (holding this buffer's contacts while it waited cost the same memory, and Brevo a pause).
    while (writing.length > WRITES_IN_FLIGHT) await writing.shift()!.done;
  };
  // Read from the checkpoint: a run resumed a day later replays the same days.
  const replayWindow = historyReplayWindow(ctx.config.replayHistoryDays, new Date(cp.startedAt), ctx.eventsSince);
  if (cp.phase !== 'replay') {
    // The deals, leads and organizations just stored are what every page of persons is planned
    // from (by person id): PostgreSQL must know they are there, or it looks them up by scanning
    // all of the company's deals per page (200 ms each at 50,000 deals, where 2 ms will do).
    await analyzeLinks(ctx.db);
    // Pages are planned two at a time and taken in order: planning a page is mostly waiting
    // (its page read, four lookups, its issues written), and one at a time it could not keep
    // up with Brevo's pace, which then idled between buffers.
    const planning: { plan: Promise<PersonPlan>; nextCursor: string | null; failed: number; firstId: number | null; lastId: number | null }[] = [];
    let reachedEnd = cp.cursor === null;
    const takePlanned = async () => {
      const entry = planning.shift()!;
      const plan = await entry.plan;
      spans.person.firstId ??= entry.firstId;
      tallyLastId = entry.lastId ?? tallyLastId;
      tally.failed += entry.failed;
      tally.done += plan.unchanged;
      tally.skipped += plan.skipped;
      for (const w of plan.writes) buffer.push(w);
      reachedEnd = !entry.nextCursor;
      // Nothing buffered or being written: the checkpoint can move at once (an unchanged company resumes where it was).
      const idle = buffer.length === 0 && writing.every((w) => w.settled);
      if (buffer.length >= flushAt || !entry.nextCursor || idle) await flush(entry.nextCursor);
    };
    try {
      for await (const page of readAhead(ctx.pipedrive.personPages({ cursor: cp.cursor ?? undefined, limit: opts.pageSize ?? 500 }))) {
        stats.pipedriveRequests++;
        const persons: PipedrivePerson[] = [];
        let failed = 0;
        for (const p of page.items) {
          const parsed = pipedrivePersonSchema.safeParse(p);
          if (parsed.success) persons.push(parsed.data);
          else failed++;
        }
        const plan = planPersons(ctx, persons, runId);
        // Awaited in order below; until then a failure must not count as unhandled.
        plan.catch(() => undefined);
        planning.push({ plan, nextCursor: page.nextCursor, failed, firstId: idOf(page.items[0]), lastId: idOf(page.items[page.items.length - 1]) });
        if (planning.length >= PLANS_IN_FLIGHT) await takePlanned();
      }
      while (planning.length > 0) await takePlanned();
      if (buffer.length > 0 || !reachedEnd) await flush(null);
    } catch (err) {
      // Never leave a write or a plan running behind a failed read.
      await Promise.allSettled([...writing.map((w) => w.done), ...planning.map((p) => p.plan)]);
      throw err;
    }
    for (const w of writing) await w.done;
    // Persons are done: a run resumed from here only replays.
    if (replayWindow) await save({ ...cp, phase: 'replay', cursor: null });
  }

  if (replayWindow) {
    const replayed = await replayHistory(ctx, replayWindow);
    log.info({ companyId: ctx.companyId, runId, since: replayWindow.since, until: replayWindow.until, ...replayed }, 'history replayed');
  }

  // From now on, incremental runs pick up what changed since the backfill started, from the
  // start of that second: update_time has whole seconds, so a cursor with milliseconds sits above
  // the records of its own second. Each run then read them again and, never reaching the cursor's
  // time, never moved it (an organization edited there was marked due in every run). Events are
  // unaffected: they are gated by the time the company connected (ctx.eventsSince).
  const since = new Date(Math.floor(Date.parse(cp.startedAt) / 1000) * 1000);
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

type SpannedEntity = 'organization' | 'deal' | 'person';

function idOf(item: unknown): number | null {
  const id = (item as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? id : null;
}

function spanPage(span: Pick<IdSpan, 'firstId' | 'lastId'>, items: readonly unknown[]): void {
  span.firstId ??= idOf(items[0]);
  span.lastId = idOf(items[items.length - 1]) ?? span.lastId;
}

/**
 * The highest id of each entity, read once per run (a resume keeps what it had): three requests
 * of one record each, for an estimate of what is left. A failure costs the estimate, not the run.
 */
async function readSpans(ctx: CompanyContext, saved: Partial<Record<SpannedEntity, IdSpan>>, stats: { pipedriveRequests: number }): Promise<Record<SpannedEntity, IdSpan>> {
  const plural = { organization: 'organizations', deal: 'deals', person: 'persons' } as const;
  const entries = await Promise.all(
    (Object.keys(plural) as SpannedEntity[]).map(async (object): Promise<[SpannedEntity, IdSpan]> => {
      const known = saved[object];
      if (known && known.maxId !== null) return [object, { ...known }];
      stats.pipedriveRequests++;
      const maxId = await ctx.pipedrive.highestId(plural[object]).catch((err: unknown) => {
        log.warn({ companyId: ctx.companyId, object, err: err instanceof Error ? err.message : String(err) }, 'no estimate of the backfill total');
        return null;
      });
      return [object, { firstId: known?.firstId ?? null, lastId: known?.lastId ?? null, maxId }];
    }),
  );
  return Object.fromEntries(entries) as Record<SpannedEntity, IdSpan>;
}
