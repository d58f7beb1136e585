import { assertEventName, eventIdentifiers, type EventContact } from './event-identifiers';
import { fitEventProperties } from './fit-event-properties';
import type { EventPropertyValue, EventSend, PipedriveActivity, SkipOperation } from './types';

export const DEFAULT_ACTIVITY_LOGGED_EVENT = 'activity_logged';

export interface ActivityLoggedInput {
  activity: PipedriveActivity;
  /** The activity's deal, when it has one, for its title. */
  deal?: { id: number; title?: string | null } | null;
  contact: EventContact;
  /** ISO 8601 with offset: when the activity was logged in Pipedrive. */
  occurredAt: string;
  eventName?: string;
}

/**
 * The Brevo event for a call, meeting or email logged in Pipedrive. The activity note is left
 * out on purpose: it is free-form HTML written by sales people for sales people, and does not
 * belong in a marketing tool.
 */
export function buildActivityLoggedEvent(input: ActivityLoggedInput): EventSend | SkipOperation {
  const eventName = input.eventName ?? DEFAULT_ACTIVITY_LOGGED_EVENT;
  assertEventName(eventName);
  const { activity } = input;
  const identifiers = eventIdentifiers(input.contact);
  if (identifiers === null) {
    return {
      kind: 'skip',
      entity: 'activity',
      entityId: activity.id,
      reason: 'no_person',
      detail: 'the activity has no participant with an email, so Brevo cannot attach the event to anyone',
      warnings: [],
    };
  }
  const deal = input.deal !== null && input.deal?.id === activity.deal_id ? input.deal : null;
  const properties: Record<string, EventPropertyValue> = {
    activity_id: activity.id,
    activity_type: activity.type,
    subject: activity.subject ?? null,
    done: activity.done,
    due_date: activity.due_date ?? null,
    due_time: activity.due_time ?? null,
    duration: activity.duration ?? null,
    deal_id: activity.deal_id ?? null,
    deal_title: deal?.title ?? null,
    org_id: activity.org_id ?? null,
  };
  const fitted = fitEventProperties(properties);
  return {
    kind: 'event.send',
    event: { event_name: eventName, event_date: input.occurredAt, identifiers, event_properties: fitted.properties },
    warnings: fitted.truncated.map((key) => ({
      code: 'event_property_truncated',
      message: `event property ${key} was shortened to fit Brevo's size limits`,
      entity: 'activity',
      entityId: activity.id,
      field: key,
    })),
  };
}
