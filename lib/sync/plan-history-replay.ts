import { buildDealStageChangedEvent } from './build-deal-stage-changed-event';
import { selectEventRules, type SyncConfig } from './config';
import type { EventContact } from './event-identifiers';
import type { DealStatus, EventSend, PipedriveActivity, PipedriveDeal, PipedrivePipeline, PipedriveStage, SkipOperation } from './types';
import { webhookEventDate } from './webhook-event-date';

/**
 * The history a backfill replays as Brevo events when `replayHistoryDays` is above 0: activities
 * logged and deal stage moves (and wins/losses) of the last N days. The default of 0 replays
 * nothing, because replaying into live automations sends real emails.
 */
export interface HistoryWindow {
  /** Inclusive. */
  since: Date;
  /** Exclusive: when the company connected. */
  until: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The last `days` days before the backfill started, up to the moment the company connected: from
 * then on the webhook and polling paths send events, so a change is replayed or sent live, never
 * both (their stage-change keys differ, see planDealHistoryEvents). A resync long after connecting
 * therefore replays nothing. `startedAt` is the run's, so a resumed run replays the same window.
 */
export function historyReplayWindow(days: number, startedAt: Date, connectedAt: Date | null): HistoryWindow | null {
  if (days <= 0) return null;
  const since = new Date(startedAt.getTime() - days * DAY_MS);
  const until = connectedAt !== null && connectedAt < startedAt ? connectedAt : startedAt;
  return since < until ? { since, until } : null;
}

/** The time as ISO 8601 when it lies in the window, else null. */
export function inHistoryWindow(time: string | null | undefined, window: HistoryWindow): string | null {
  const date = webhookEventDate(time);
  if (date === null) return null;
  const millis = Date.parse(date);
  return millis >= window.since.getTime() && millis < window.until.getTime() ? date : null;
}

/** An activity logged in the window; its event is then built like a live one (activity-events.ts). */
export function activityLoggedInWindow(activity: PipedriveActivity, window: HistoryWindow): boolean {
  return !activity.is_deleted && inHistoryWindow(activity.add_time, window) !== null;
}

/** One change of a deal that the replay can read from the deal record alone. */
export interface ReplayedDealChange {
  /** ISO 8601: when it happened. */
  at: string;
  /** The deal entered its current stage then. */
  moved: boolean;
  /** The deal was won or lost then. */
  closed: 'won' | 'lost' | null;
  /** The deal's status just after the change. */
  status: DealStatus;
}

/**
 * What a deal record tells of its recent history: when it entered its current stage
 * (`stage_change_time`) and when it was won or lost. Earlier moves, and where each move came from,
 * are not in the record. A deal closed after its move was still open when it moved.
 */
export function replayedDealChanges(deal: PipedriveDeal, window: HistoryWindow): ReplayedDealChange[] {
  if (deal.is_deleted) return [];
  const closed = deal.status === 'won' || deal.status === 'lost' ? deal.status : null;
  const closedAt = closed === null ? null : (webhookEventDate(closed === 'won' ? deal.won_time : deal.lost_time) ?? webhookEventDate(deal.close_time));
  const movedAt = webhookEventDate(deal.stage_change_time);
  const inWindow = (at: string | null) => at !== null && inHistoryWindow(at, window) !== null;
  if (movedAt !== null && movedAt === closedAt && closed !== null) {
    return inWindow(movedAt) ? [{ at: movedAt, moved: true, closed, status: closed }] : [];
  }
  const changes: ReplayedDealChange[] = [];
  if (inWindow(movedAt)) {
    const closedLater = closedAt !== null && Date.parse(closedAt) > Date.parse(movedAt!);
    changes.push({ at: movedAt!, moved: true, closed: null, status: closedLater ? 'open' : deal.status });
  }
  if (closed !== null && inWindow(closedAt)) changes.push({ at: closedAt!, moved: false, closed, status: closed });
  return changes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export interface DealHistoryEventsInput {
  config: SyncConfig;
  deal: PipedriveDeal;
  window: HistoryWindow;
  contact: EventContact;
  stages: readonly PipedriveStage[];
  pipelines: readonly PipedrivePipeline[];
}

export interface PlannedHistoryEvent {
  /** The outbox key: the same change replayed by a resumed or repeated backfill is sent once. */
  key: string;
  result: EventSend | SkipOperation;
}

/**
 * The `stage_change` rules' events for a deal's changes in the window, built like live ones
 * (deal-changes.ts) except that the previous stage is null: the deal record does not say where
 * the deal came from, and the v1 deal flow endpoint that would is outside the v1 calls the app
 * may make. Keys are made of the deal, its stage, status and the change's time, all stable across
 * runs; they cannot meet a live key (which holds the stage it came from), and need not: the window
 * ends where the live paths begin.
 */
export function planDealHistoryEvents(input: DealHistoryEventsInput): PlannedHistoryEvent[] {
  const { deal } = input;
  const rules = selectEventRules(input.config, { action: 'change', object: 'deal', merged: false, stageChanged: true }).filter((rule) => rule.action === 'stage_change');
  if (rules.length === 0) return [];
  return replayedDealChanges(deal, input.window).flatMap((change) =>
    rules.map((rule) => ({
      key: `${rule.brevoEvent}:history:deal:${deal.id}:stage:${change.moved ? deal.stage_id : '-'}:status:${change.closed ?? '-'}:${change.at}`,
      result: buildDealStageChangedEvent({
        deal: { ...deal, status: change.status },
        transition: null,
        contact: input.contact,
        stages: input.stages,
        pipelines: input.pipelines,
        occurredAt: change.at,
        eventName: rule.brevoEvent,
      }),
    })),
  );
}
