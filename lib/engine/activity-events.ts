import { buildActivityLoggedEvent, selectEventRules, type PipedriveActivity, type SyncConfig } from '../sync';
import type { QueuedEvent } from './outbox';

/**
 * The outbox key of an activity's "logged" event. The webhook, the polling and the history-replay
 * paths all use it, on purpose: an activity is logged once, so whichever path sees it first sends
 * it and the others find the key taken.
 */
export function activityEventKey(eventName: string, activityId: number | string): string {
  return `${eventName}:activity:${activityId}`;
}

/**
 * The events of an activity that was logged (created) in Pipedrive, one per matching rule, dated
 * when it was added. An activity without a person has no one to attach the event to in Brevo.
 */
export function activityLoggedEvents(config: SyncConfig, activity: PipedriveActivity, email: string | null): QueuedEvent[] {
  if (!activity.person_id || !activity.add_time || activity.is_deleted) return [];
  const events: QueuedEvent[] = [];
  for (const rule of selectEventRules(config, { action: 'create', object: 'activity', merged: false })) {
    const op = buildActivityLoggedEvent({ activity, contact: { email, personId: activity.person_id }, occurredAt: activity.add_time, eventName: rule.brevoEvent });
    if (op.kind === 'event.send') events.push({ key: activityEventKey(rule.brevoEvent, activity.id), object: 'activity', pipedriveId: String(activity.id), event: op.event });
  }
  return events;
}
