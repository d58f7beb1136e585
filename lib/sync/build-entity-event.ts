import type { EventObject } from './config';
import { assertEventName, eventIdentifiers, type EventContact } from './event-identifiers';
import { fitEventProperties } from './fit-event-properties';
import type { EventPropertyValue, EventSend, SkipOperation } from './types';

/** The fields worth carrying into Brevo for each object; everything else stays in Pipedrive. */
const fieldsByObject: Record<EventObject, readonly string[]> = {
  person: ['name', 'first_name', 'last_name', 'org_id', 'owner_id'],
  deal: ['title', 'pipeline_id', 'stage_id', 'status', 'value', 'currency', 'org_id', 'person_id'],
  organization: ['name', 'owner_id'],
  activity: ['type', 'subject', 'done', 'due_date', 'due_time', 'deal_id', 'org_id'],
  lead: ['title', 'organization_id', 'is_archived'],
};

export interface EntityEventInput {
  eventName: string;
  object: EventObject;
  action: 'create' | 'change' | 'delete';
  /** `meta.merged_from_id` of a merge's `change`, when the change is a merge. */
  mergedFromId?: number | null;
  /** Webhook v2 `data` (null for deletes). */
  data: Readonly<Record<string, unknown>> | null;
  /** Webhook v2 `previous`: the changed fields' old values for a change, the last state for a delete. */
  previous: Readonly<Record<string, unknown>> | null;
  contact: EventContact;
  occurredAt: string;
}

function scalarOrNull(value: unknown): EventPropertyValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
}

/**
 * The Brevo event for a configured webhook rule (`contact_updated`, `deal_created`, ...): the
 * object's id and a few descriptive fields, plus, for changes, which fields changed. Only the
 * names of changed fields are sent, not their old values: custom fields may hold data a
 * marketing tool should not receive, and the names are what automation conditions need.
 */
export function buildEntityEvent(input: EntityEventInput): EventSend | SkipOperation {
  assertEventName(input.eventName);
  const state = input.data ?? input.previous ?? {};
  const id = scalarOrNull(state.id);
  const identifiers = eventIdentifiers(input.contact);
  if (identifiers === null) {
    return {
      kind: 'skip',
      entity: input.object,
      entityId: typeof id === 'number' || typeof id === 'string' ? id : 0,
      reason: 'no_identifier',
      detail: `the ${input.object} has no contact person with an email, so Brevo cannot attach the event to anyone`,
      warnings: [],
    };
  }
  const merged = input.mergedFromId !== null && input.mergedFromId !== undefined;
  const properties: Record<string, EventPropertyValue> = {
    [`${input.object}_id`]: id,
    action: merged ? 'merge' : input.action,
  };
  for (const field of fieldsByObject[input.object]) properties[field] = scalarOrNull(state[field]);
  if (input.action === 'change' && input.previous !== null) {
    properties.changed_fields = Object.keys(input.previous).sort();
  }
  if (merged) properties.merged_from_id = input.mergedFromId ?? null;
  const fitted = fitEventProperties(properties);
  return {
    kind: 'event.send',
    event: { event_name: input.eventName, event_date: input.occurredAt, identifiers, event_properties: fitted.properties },
    warnings: fitted.truncated.map((key) => ({
      code: 'event_property_truncated',
      message: `event property ${key} was shortened to fit Brevo's size limits`,
      entity: input.object,
      field: key,
    })),
  };
}
