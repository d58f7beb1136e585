import type { DealTransition } from './detect-deal-transition';
import { assertEventName, eventIdentifiers, type EventContact } from './event-identifiers';
import { fitEventProperties } from './fit-event-properties';
import type { EventPropertyValue, EventSend, PipedrivePipeline, PipedriveStage, SkipOperation } from './types';

export const DEFAULT_DEAL_STAGE_CHANGED_EVENT = 'deal_stage_changed';

export interface DealStageChangedInput {
  deal: {
    id: number;
    title?: string | null;
    stage_id: number;
    pipeline_id: number;
    status: string;
    value?: number | null;
    currency?: string | null;
  };
  /**
   * What changed, or null for a change replayed from history (plan-history-replay.ts): the deal
   * record says where the deal is and since when, not where it came from, and the v1 deal flow
   * endpoint that would is outside the v1 calls the app may make. The previous stage is then sent
   * as null rather than guessed.
   */
  transition: DealTransition | null;
  contact: EventContact;
  stages: readonly PipedriveStage[];
  pipelines: readonly PipedrivePipeline[];
  /** ISO 8601 with offset: when the move happened in Pipedrive (not when we processed it). */
  occurredAt: string;
  eventName?: string;
}

/**
 * The Brevo event for a deal that moved stage or was won/lost. Stage and pipeline names are
 * included next to the ids because automations are built by people who know "Proposal Made",
 * not stage 3; ids stay for conditions that must survive a rename.
 */
export function buildDealStageChangedEvent(input: DealStageChangedInput): EventSend | SkipOperation {
  const eventName = input.eventName ?? DEFAULT_DEAL_STAGE_CHANGED_EVENT;
  assertEventName(eventName);
  const { deal, transition } = input;
  const identifiers = eventIdentifiers(input.contact);
  if (identifiers === null) {
    return {
      kind: 'skip',
      entity: 'deal',
      entityId: deal.id,
      reason: 'no_person',
      detail: 'the deal has no contact person with an email, so Brevo cannot attach the event to anyone',
      warnings: [],
    };
  }
  const stageName = (id: number) => input.stages.find((stage) => stage.id === id)?.name ?? null;
  const pipelineName = (id: number) => input.pipelines.find((pipeline) => pipeline.id === id)?.name ?? null;
  // A won/lost without a move stays in its stage: that stage is also the previous one.
  const previousStageId = transition === null ? null : (transition.stage?.from ?? deal.stage_id);
  const properties: Record<string, EventPropertyValue> = {
    deal_id: deal.id,
    deal_title: deal.title ?? null,
    previous_stage_id: previousStageId,
    previous_stage_name: previousStageId === null ? null : stageName(previousStageId),
    stage_id: deal.stage_id,
    stage_name: stageName(deal.stage_id),
    pipeline_id: deal.pipeline_id,
    pipeline_name: pipelineName(deal.pipeline_id),
    status: deal.status,
    value: deal.value ?? 0,
    currency: deal.currency ?? null,
  };
  if (transition?.pipeline) {
    properties.previous_pipeline_id = transition.pipeline.from;
    properties.previous_pipeline_name = pipelineName(transition.pipeline.from);
  }
  if (transition?.status) properties.previous_status = transition.status.from;
  const fitted = fitEventProperties(properties);
  return {
    kind: 'event.send',
    event: { event_name: eventName, event_date: input.occurredAt, identifiers, event_properties: fitted.properties },
    warnings: fitted.truncated.map((key) => ({
      code: 'event_property_truncated',
      message: `event property ${key} was shortened to fit Brevo's size limits`,
      entity: 'deal',
      entityId: deal.id,
      field: key,
    })),
  };
}
