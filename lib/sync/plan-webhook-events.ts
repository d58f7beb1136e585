import { z } from 'zod';
import { buildActivityLoggedEvent } from './build-activity-logged-event';
import { buildDealStageChangedEvent } from './build-deal-stage-changed-event';
import { buildEntityEvent } from './build-entity-event';
import { eventObjects, selectEventRules, type SyncConfig } from './config';
import { dealWebhookDataSchema, detectDealTransition, type DealTransition } from './detect-deal-transition';
import type { EventContact } from './event-identifiers';
import { pipedriveActivitySchema, type EventSend, type PipedrivePipeline, type PipedriveStage, type SkipOperation } from './types';
import { webhookEventDate } from './webhook-event-date';

/** The part of a webhook v2 body the event planner reads. IDs in `meta` are strings in v2. */
export const webhookBodySchema = z.object({
  meta: z.object({
    action: z.enum(['create', 'change', 'delete']),
    entity: z.string(),
    timestamp: z.union([z.string(), z.number()]).nullish(),
    merged_from_id: z.union([z.string(), z.number()]).nullish(),
  }),
  data: z.record(z.string(), z.unknown()).nullable(),
  previous: z.record(z.string(), z.unknown()).nullable(),
});
export type WebhookBody = z.infer<typeof webhookBodySchema>;

export interface WebhookEventsInput {
  body: WebhookBody;
  config: SyncConfig;
  /** Who the event is about: the person, or the deal's / activity's person. */
  contact: EventContact;
  stages: readonly PipedriveStage[];
  pipelines: readonly PipedrivePipeline[];
  /** The activity's deal, for activity events. */
  deal?: { id: number; title?: string | null } | null;
  /** When the webhook arrived: the event date if `meta.timestamp` cannot be read. */
  receivedAt: string;
}

export interface WebhookEvents {
  results: (EventSend | SkipOperation)[];
  /** Set for deal changes that moved stage or were won/lost: list membership must be re-planned. */
  transition: DealTransition | null;
}

/**
 * Turns one Pipedrive webhook into the Brevo events the configuration asks for. A deal change
 * is inspected for a real stage move (so `stage_change` rules fire only then), activity
 * creations become `activity_logged`-style events, and everything else a generic event.
 */
export function planWebhookEvents(input: WebhookEventsInput): WebhookEvents {
  const { body, config } = input;
  const object = eventObjects.find((candidate) => candidate === body.meta.entity);
  if (object === undefined) return { results: [], transition: null };
  const occurredAt = webhookEventDate(body.meta.timestamp) ?? input.receivedAt;
  const mergedFromId = body.meta.merged_from_id === null || body.meta.merged_from_id === undefined ? null : Number(body.meta.merged_from_id);

  let transition: DealTransition | null = null;
  const deal = object === 'deal' && body.data !== null ? dealWebhookDataSchema.safeParse(body.data) : null;
  if (deal?.success && body.meta.action === 'change') transition = detectDealTransition(deal.data, body.previous);

  const rules = selectEventRules(config, {
    action: body.meta.action,
    object,
    merged: mergedFromId !== null,
    stageChanged: transition !== null,
  });
  const results = rules.map((rule) => {
    if (rule.action === 'stage_change' && deal?.success && transition !== null) {
      return buildDealStageChangedEvent({
        deal: deal.data,
        transition,
        contact: input.contact,
        stages: input.stages,
        pipelines: input.pipelines,
        occurredAt,
        eventName: rule.brevoEvent,
      });
    }
    if (object === 'activity' && body.meta.action !== 'delete') {
      const activity = pipedriveActivitySchema.safeParse(body.data);
      if (activity.success) {
        return buildActivityLoggedEvent({
          activity: activity.data,
          deal: input.deal ?? null,
          contact: input.contact,
          occurredAt,
          eventName: rule.brevoEvent,
        });
      }
    }
    return buildEntityEvent({
      eventName: rule.brevoEvent,
      object,
      action: body.meta.action,
      mergedFromId,
      data: body.data,
      previous: body.previous,
      contact: input.contact,
      occurredAt,
    });
  });
  return { results, transition };
}
