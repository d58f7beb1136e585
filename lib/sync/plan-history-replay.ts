import { buildActivityLoggedEvent } from './build-activity-logged-event';
import { buildEntityEvent } from './build-entity-event';
import { selectEventRules, type SyncConfig } from './config';
import type { EventSend, PipedriveActivity, PipedriveDeal, SkipOperation } from './types';
import { webhookEventDate } from './webhook-event-date';

export interface HistoryReplayInput {
  config: SyncConfig;
  activities: readonly PipedriveActivity[];
  deals: readonly PipedriveDeal[];
  /** Primary email per person id (null when the person has none). */
  emails: ReadonlyMap<number, string | null>;
  /** The moment the first sync runs; passed in so the plan is reproducible. */
  now: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Events for what happened before the app was installed, so Brevo automations can see recent
 * history: activities and deals created in the last `replayHistoryDays` days, sent under the
 * same rules as live webhooks, dated when they happened. The default of 0 replays nothing,
 * because replaying into live automations sends real emails.
 */
export function planHistoryReplay(input: HistoryReplayInput): (EventSend | SkipOperation)[] {
  const days = input.config.replayHistoryDays;
  if (days <= 0) return [];
  const since = input.now.getTime() - days * DAY_MS;
  const within = (time: string | null | undefined): string | null => {
    const date = webhookEventDate(time);
    if (date === null) return null;
    const millis = Date.parse(date);
    return millis >= since && millis <= input.now.getTime() ? date : null;
  };
  const contactOf = (personId: number | null | undefined) =>
    personId === null || personId === undefined ? {} : { personId, email: input.emails.get(personId) ?? null };
  const dealsById = new Map(input.deals.map((deal) => [deal.id, deal]));
  const results: (EventSend | SkipOperation)[] = [];

  const activityRules = selectEventRules(input.config, { action: 'create', object: 'activity', merged: false });
  for (const activity of input.activities) {
    const date = within(activity.add_time);
    if (date === null || activity.is_deleted) continue;
    const deal = activity.deal_id === null || activity.deal_id === undefined ? null : (dealsById.get(activity.deal_id) ?? null);
    for (const rule of activityRules) {
      results.push(
        buildActivityLoggedEvent({ activity, deal, contact: contactOf(activity.person_id), occurredAt: date, eventName: rule.brevoEvent }),
      );
    }
  }

  const dealRules = selectEventRules(input.config, { action: 'create', object: 'deal', merged: false });
  for (const deal of input.deals) {
    const date = within(deal.add_time);
    if (date === null || deal.is_deleted) continue;
    for (const rule of dealRules) {
      results.push(
        buildEntityEvent({
          eventName: rule.brevoEvent,
          object: 'deal',
          action: 'create',
          data: deal,
          previous: null,
          contact: contactOf(deal.person_id),
          occurredAt: date,
        }),
      );
    }
  }
  return results.sort((a, b) => {
    const dateA = a.kind === 'event.send' ? a.event.event_date : '';
    const dateB = b.kind === 'event.send' ? b.event.event_date : '';
    return dateA < dateB ? -1 : dateA > dateB ? 1 : 0;
  });
}
