import { BrevoError } from '../brevo/brevo-error';
import { childLogger } from '../log';
import {
  activityLoggedInWindow,
  planDealHistoryEvents,
  pipedriveDealSchema,
  selectEventRules,
  type HistoryWindow,
} from '../sync';
import { activityLoggedEvents } from './activity-events';
import type { CompanyContext } from './company-context';
import { activityOf } from './entity-states';
import { personEmails } from './link-store';
import { queueEvents, sendPendingEvents, type QueuedEvent } from './outbox';

const log = childLogger({ part: 'history-replay' });

/** Deals read from the link store at a time. */
const DEAL_PAGE = 500;

/** How long the backfill itself sends replayed events (10 a second); the rest go with the next flush. */
export const REPLAY_SEND_MS = 60_000;

export interface ReplayResult {
  queued: number;
  sent: number;
  failed: number;
  /** Left pending after an outage or the time budget; the company's next flush sends them. */
  pending: boolean;
}

/**
 * Replays the window's history (plan-history-replay.ts) into the outbox, then sends it. Runs at
 * the end of a backfill, once every contact is written, because Brevo attaches an event to a
 * contact that already exists. Everything is queued under stable keys, so a resumed or repeated
 * backfill queues nothing twice and sends only what is still pending. Events go through the
 * outbox like live ones: paced by the events budget, a refused event marked failed with Brevo's
 * reason (it does not fail the backfill), and an outage leaves them pending for the company's next
 * flush (the scheduled incremental run, any webhook) instead of failing a backfill whose contacts
 * are all written.
 */
export async function replayHistory(ctx: CompanyContext, window: HistoryWindow, opts: { sendFor?: number } = {}): Promise<ReplayResult> {
  const result: ReplayResult = { queued: 0, sent: 0, failed: 0, pending: false };
  result.queued += await replayDealChanges(ctx, window);
  result.queued += await replayActivities(ctx, window);
  try {
    const sent = await sendPendingEvents(ctx, { stopAfter: Date.now() + (opts.sendFor ?? REPLAY_SEND_MS) });
    result.sent = sent.sent;
    result.failed = sent.failed;
  } catch (err) {
    if (!(err instanceof BrevoError)) throw err;
    log.warn({ err, companyId: ctx.companyId }, 'replayed events left pending for the next outbox flush');
  }
  const left = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbound_events WHERE company_id = $1 AND status = 'pending'`, [ctx.companyId]);
  result.pending = (left.rows[0]?.n ?? 0) > 0;
  return result;
}

/**
 * The deals stored by the backfill's deal phase whose last update falls after the window's start
 * (a move or a win updates the deal, so this covers every change in the window), page by page:
 * only the window's deals are held, never the company's.
 */
async function replayDealChanges(ctx: CompanyContext, window: HistoryWindow): Promise<number> {
  const rules = selectEventRules(ctx.config, { action: 'change', object: 'deal', merged: false, stageChanged: true }).filter((r) => r.action === 'stage_change');
  if (rules.length === 0) return 0;
  let queued = 0;
  let after = '';
  for (;;) {
    const rows = (
      await ctx.db.query<{ pipedrive_id: string; state: unknown }>(
        `SELECT pipedrive_id, state FROM record_links
          WHERE company_id = $1 AND object = 'deal' AND deleted_at IS NULL AND (source_updated_at >= $2 OR source_updated_at IS NULL) AND pipedrive_id > $3
          ORDER BY pipedrive_id LIMIT $4`,
        [ctx.companyId, window.since, after, DEAL_PAGE],
      )
    ).rows;
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.pipedrive_id;
    const deals = rows.flatMap((r) => {
      const parsed = pipedriveDealSchema.safeParse(r.state);
      return parsed.success && parsed.data.person_id ? [parsed.data] : [];
    });
    const emails = await personEmails(ctx.db, ctx.companyId, deals.map((d) => d.person_id!));
    const events: QueuedEvent[] = [];
    for (const deal of deals) {
      const contact = { email: emails.get(deal.person_id!) ?? null, personId: deal.person_id };
      for (const planned of planDealHistoryEvents({ config: ctx.config, deal, window, contact, stages: ctx.stages, pipelines: ctx.pipelines })) {
        if (planned.result.kind === 'event.send') events.push({ key: planned.key, object: 'deal', pipedriveId: String(deal.id), event: planned.result.event });
      }
    }
    queued += await queueEvents(ctx.db, ctx.companyId, events);
    if (rows.length < DEAL_PAGE) break;
  }
  return queued;
}

/**
 * Activities added in the window. `updated_since` asks Pipedrive only for activities touched since
 * the window began (an activity added then was updated then or later); the add time decides.
 */
async function replayActivities(ctx: CompanyContext, window: HistoryWindow): Promise<number> {
  if (selectEventRules(ctx.config, { action: 'create', object: 'activity', merged: false }).length === 0) return 0;
  let queued = 0;
  for await (const page of ctx.pipedrive.activityPages({ updatedSince: window.since, limit: 500 })) {
    const activities = page.items.flatMap((raw) => {
      const activity = activityOf(raw);
      return activity?.person_id && activityLoggedInWindow(activity, window) ? [activity] : [];
    });
    const emails = await personEmails(ctx.db, ctx.companyId, activities.map((a) => a.person_id!));
    const events = activities.flatMap((activity) => activityLoggedEvents(ctx.config, activity, emails.get(activity.person_id!) ?? null));
    queued += await queueEvents(ctx.db, ctx.companyId, events);
  }
  return queued;
}
