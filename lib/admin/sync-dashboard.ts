import 'server-only';
import { z } from 'zod';
import { pgPool } from '../db/pool';
import { prisma } from '../db/prisma';
import { companiesDue } from '../engine/sync-companies';
import { startBackfill, startIncremental, syncPersonsNow } from '../engine/start-sync';
import { AppError, notFound } from '../errors';
import { webhookHealth } from '../webhooks/webhook-health';
import type { Prisma } from '../generated/prisma/client';

export interface EntityProgressView {
  entity: string;
  done: number;
  skipped: number;
  failed: number;
  /** Records Pipedrive reported for the entity; null until the engine knows it. */
  total: number | null;
}

export interface RunView {
  id: string;
  kind: string;
  status: string;
  trigger: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  done: number;
  total: number;
  failed: number;
  skipped: number;
  /** 0–100; 100 only when the run succeeded. */
  percent: number;
  /** Records per second since the run started. */
  rate: number | null;
  etaSeconds: number | null;
  error: string | null;
  entities: EntityProgressView[];
}

export const issueFilterSchema = z.object({
  status: z.enum(['open', 'retrying', 'resolved', 'dead', 'all']).default('open'),
  severity: z.enum(['error', 'warning', 'skipped', 'all']).default('all'),
  object: z.enum(['person', 'organization', 'deal', 'activity', 'lead', 'all']).default('all'),
  q: z.string().trim().max(200).default(''),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type IssueFilter = z.infer<typeof issueFilterSchema>;

export interface IssueView {
  id: string;
  object: string;
  pipedriveId: string;
  severity: string;
  code: string;
  reason: string;
  status: string;
  attempts: number;
  nextRetryAt: string | null;
  updatedAt: string;
  /**
   * Only persons can be re-sent one by one (other objects are retried by a full resync), and
   * only errors and skips: a warning's record was synced, so there is nothing to retry.
   */
  retryable: boolean;
}

/** A registered Pipedrive webhook as the dashboard shows it (lib/webhooks/webhook-health.ts). */
export interface WebhookView {
  object: string;
  action: string;
  lastDeliveryAt: string | null;
  lastEventAt: string | null;
  eventsLast30Days: number;
  /** Empty when it delivers as usual; `silent` when it stopped delivering. */
  problems: string[];
  advice: string | null;
}

export interface SyncDashboard {
  runs: RunView[];
  webhooks: WebhookView[];
  active: boolean;
  hasCursor: boolean;
  /** Organizations whose Brevo company waits for the companies job (Brevo allows 100 company calls an hour). */
  companiesDue: number;
  issues: { items: IssueView[]; total: number; page: number; pageSize: number; counts: { open: number; errors: number } };
}

export const ISSUE_PAGE_SIZE = 50;
const ENTITY_ORDER = ['organization', 'deal', 'lead', 'person', 'activity'];
const entitySchema = z.object({ total: z.number().nullable().optional(), done: z.number().default(0), skipped: z.number().default(0), failed: z.number().default(0) });

export function runView(run: { id: string; kind: string; status: string; trigger: string; createdAt: Date; startedAt: Date | null; finishedAt: Date | null; heartbeatAt: Date | null; recordsDone: number; recordsTotal: number; recordsFailed: number; recordsSkipped: number; error: string | null; progress: unknown }, now = Date.now()): RunView {
  const raw = typeof run.progress === 'object' && run.progress !== null ? (run.progress as Record<string, unknown>) : {};
  const entities = Object.entries(raw)
    .flatMap(([entity, value]) => {
      const parsed = entitySchema.safeParse(value);
      return parsed.success ? [{ entity, done: parsed.data.done, skipped: parsed.data.skipped, failed: parsed.data.failed, total: parsed.data.total ?? null }] : [];
    })
    .sort((a, b) => ENTITY_ORDER.indexOf(a.entity) - ENTITY_ORDER.indexOf(b.entity));
  const processed = run.recordsDone + run.recordsSkipped + run.recordsFailed;
  const total = Math.max(run.recordsTotal, processed);
  const finished = run.status === 'succeeded';
  // Until every entity's total is known the bar can only show what is done of what is known;
  // it never claims 100 % before the run itself says it succeeded.
  const percent = finished ? 100 : total === 0 ? 0 : Math.min(99, Math.floor((processed / total) * 100));
  const end = run.finishedAt?.getTime() ?? (run.status === 'running' ? now : (run.heartbeatAt?.getTime() ?? now));
  const seconds = run.startedAt ? Math.max(1, (end - run.startedAt.getTime()) / 1000) : null;
  const rate = seconds !== null && processed > 0 ? processed / seconds : null;
  const etaSeconds = run.status === 'running' && rate !== null && total > processed ? (total - processed) / rate : null;
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    trigger: run.trigger,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    done: run.recordsDone,
    total,
    failed: run.recordsFailed,
    skipped: run.recordsSkipped,
    percent,
    rate,
    etaSeconds,
    error: run.error,
    entities,
  };
}

function issueWhere(companyId: string, f: IssueFilter): Prisma.RecordIssueWhereInput {
  return {
    companyId,
    ...(f.status === 'all' ? {} : { status: f.status }),
    ...(f.severity === 'all' ? {} : { severity: f.severity }),
    ...(f.object === 'all' ? {} : { object: f.object }),
    ...(f.q === '' ? {} : { OR: [{ reason: { contains: f.q, mode: 'insensitive' } }, { code: { contains: f.q, mode: 'insensitive' } }, { pipedriveId: f.q }] }),
  };
}

/** Runs (newest first, with live progress), and the per-record issues matching the filter. */
export async function loadSyncDashboard(companyId: string, filter: IssueFilter = issueFilterSchema.parse({})): Promise<SyncDashboard> {
  const db = prisma();
  const where = issueWhere(companyId, filter);
  const [runs, cursor, items, total, open, errors, hooks, due, settings] = await Promise.all([
    db.syncRun.findMany({ where: { companyId }, orderBy: { createdAt: 'desc' }, take: 20 }),
    db.syncCursor.findFirst({ where: { companyId }, select: { id: true } }),
    db.recordIssue.findMany({ where, orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }], take: ISSUE_PAGE_SIZE, skip: (filter.page - 1) * ISSUE_PAGE_SIZE }),
    db.recordIssue.count({ where }),
    db.recordIssue.count({ where: { companyId, status: { in: ['open', 'retrying', 'dead'] } } }),
    db.recordIssue.count({ where: { companyId, status: { in: ['open', 'retrying', 'dead'] }, severity: 'error' } }),
    // From the app's own records only: asking Pipedrive on every refresh would spend its budget.
    webhookHealth(companyId),
    // One partial index holds only the due organizations: cheap on every refresh.
    companiesDue(pgPool(), companyId),
    db.syncSettings.findUnique({ where: { companyId }, select: { syncOrganizations: true } }),
  ]);
  const views = runs.map((r) => runView(r));
  return {
    runs: views,
    active: views.some((r) => r.status === 'queued' || r.status === 'running'),
    hasCursor: cursor !== null,
    // With organizations switched off nothing is written, so nothing is waiting either.
    companiesDue: settings?.syncOrganizations === false ? 0 : due,
    webhooks: hooks.map((h) => ({
      object: h.object,
      action: h.action,
      lastDeliveryAt: h.lastDeliveryAt?.toISOString() ?? null,
      lastEventAt: h.lastEventAt?.toISOString() ?? null,
      eventsLast30Days: h.eventsLast30Days,
      problems: h.problems,
      advice: h.advice,
    })),
    issues: {
      items: items.map((i) => ({
        id: String(i.id),
        object: i.object,
        pipedriveId: i.pipedriveId,
        severity: i.severity,
        code: i.code,
        reason: i.reason,
        status: i.status,
        attempts: i.attempts,
        nextRetryAt: i.nextRetryAt?.toISOString() ?? null,
        updatedAt: i.updatedAt.toISOString(),
        retryable: i.object === 'person' && i.severity !== 'warning' && i.status !== 'resolved' && /^\d+$/.test(i.pipedriveId),
      })),
      total,
      page: filter.page,
      pageSize: ISSUE_PAGE_SIZE,
      counts: { open, errors },
    },
  };
}

export const syncActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('sync_now') }),
  z.object({ action: z.literal('resync') }),
  z.object({ action: z.literal('retry'), issueId: z.string().regex(/^\d{1,18}$/) }),
  z.object({ action: z.literal('retry_all'), filter: issueFilterSchema.optional() }),
]);
export type SyncAction = z.infer<typeof syncActionSchema>;

/** Re-sends persons now and marks their issues as being retried (the sync resolves or reopens them). */
async function retryPersons(companyId: string, issues: { id: bigint; pipedriveId: string }[]): Promise<number> {
  const ids = [...new Set(issues.map((i) => Number(i.pipedriveId)))];
  for (let i = 0; i < ids.length; i += 1000) await syncPersonsNow(companyId, ids.slice(i, i + 1000));
  await prisma().recordIssue.updateMany({ where: { companyId, id: { in: issues.map((i) => i.id) } }, data: { status: 'retrying' } });
  return ids.length;
}

/** The dashboard's buttons: sync now, full resync, retry one record, retry all matching records. */
export async function runSyncAction(companyId: string, input: SyncAction): Promise<{ message: string; runId?: string }> {
  const db = prisma();
  switch (input.action) {
    case 'sync_now': {
      const hasCursor = await db.syncCursor.findFirst({ where: { companyId }, select: { id: true } });
      const runId = hasCursor ? await startIncremental(companyId, { trigger: 'admin' }) : await startBackfill(companyId, { trigger: 'admin' });
      return { runId, message: hasCursor ? 'Sync started: changes since the last run are being copied.' : 'Full sync started.' };
    }
    case 'resync':
      return { runId: await startBackfill(companyId, { kind: 'resync', trigger: 'admin' }), message: 'Full resync started: every record is compared and written again.' };
    case 'retry': {
      const issue = await db.recordIssue.findFirst({ where: { companyId, id: BigInt(input.issueId) } });
      if (!issue) throw notFound('This record issue');
      if (issue.object !== 'person' || !/^\d+$/.test(issue.pipedriveId)) throw new AppError('not_retryable', `A ${issue.object} is retried by a full resync, not on its own.`, 409);
      if (issue.severity === 'warning') throw new AppError('not_retryable', 'This record was synced; the warning only says what was left out. Fix the data in Pipedrive and it syncs again by itself.', 409);
      await retryPersons(companyId, [issue]);
      return { message: `Person ${issue.pipedriveId} is being synced again.` };
    }
    case 'retry_all': {
      const filter = input.filter ?? issueFilterSchema.parse({});
      const issues = await db.recordIssue.findMany({ where: { ...issueWhere(companyId, filter), object: 'person', severity: { in: filter.severity === 'all' ? ['error', 'skipped'] : filter.severity === 'warning' ? [] : [filter.severity] }, status: { in: ['open', 'dead', 'retrying'] } }, select: { id: true, pipedriveId: true }, take: 50_000 });
      const numeric = issues.filter((i) => /^\d+$/.test(i.pipedriveId));
      if (numeric.length === 0) return { message: 'No person to retry.' };
      const n = await retryPersons(companyId, numeric);
      return { message: `${n} person${n === 1 ? ' is' : 's are'} being synced again.` };
    }
  }
}
