import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, type SyncConfig } from './config';
import { planWebhookEvents, webhookBodySchema, type WebhookEventsInput } from './plan-webhook-events';
import { pipedriveStageSchema } from './types';

function config(): SyncConfig {
  const base = defaultSyncConfig();
  return { ...base, eventRules: [...base.eventRules, { action: 'stage_change', object: 'deal', mergeOnly: false, brevoEvent: 'deal_stage_changed' }] };
}

const dealData = { id: 42, title: 'Big deal', stage_id: 3, pipeline_id: 1, status: 'open', person_id: 7, value: 10, currency: 'EUR' };

function input(body: unknown, overrides: Partial<WebhookEventsInput> = {}): WebhookEventsInput {
  return {
    body: webhookBodySchema.parse(body),
    config: config(),
    contact: { email: 'ada@example.com', personId: 7 },
    stages: [pipedriveStageSchema.parse({ id: 3, name: 'Proposal Made', pipeline_id: 1 })],
    pipelines: [],
    receivedAt: '2024-05-01T10:00:05.000Z',
    ...overrides,
  };
}

const names = (result: ReturnType<typeof planWebhookEvents>) =>
  result.results.map((item) => (item.kind === 'event.send' ? item.event.event_name : item.reason));

describe('planWebhookEvents', () => {
  it('fires the stage rule only when the stage really moved', () => {
    const moved = planWebhookEvents(input({ meta: { action: 'change', entity: 'deal', timestamp: '2024-05-01T10:00:00Z' }, data: dealData, previous: { stage_id: 2 } }));
    expect(names(moved)).toEqual(['deal_updated', 'deal_stage_changed']);
    expect(moved.transition?.stage).toEqual({ from: 2, to: 3 });
    const stageEvent = moved.results[1];
    expect(stageEvent?.kind === 'event.send' && stageEvent.event).toMatchObject({
      event_date: '2024-05-01T10:00:00.000Z',
      event_properties: { previous_stage_id: 2, stage_name: 'Proposal Made' },
    });

    const renamed = planWebhookEvents(input({ meta: { action: 'change', entity: 'deal' }, data: dealData, previous: { title: 'Old' } }));
    expect(names(renamed)).toEqual(['deal_updated']);
    expect(renamed.transition).toBeNull();
  });

  it('uses the arrival time when the timestamp cannot be read', () => {
    const result = planWebhookEvents(input({ meta: { action: 'create', entity: 'deal', timestamp: 'soon' }, data: dealData, previous: null }));
    expect(result.results[0]?.kind === 'event.send' && result.results[0].event.event_date).toBe('2024-05-01T10:00:05.000Z');
  });

  it('sends contact_merged for a merge and contact_updated for both', () => {
    const merge = planWebhookEvents(
      input({ meta: { action: 'change', entity: 'person', merged_from_id: '5', timestamp: 1714557600 }, data: { id: 7, name: 'Ada' }, previous: { name: 'A' } }),
    );
    expect(names(merge)).toEqual(['contact_updated', 'contact_merged']);
    expect(merge.results[1]?.kind === 'event.send' && merge.results[1].event.event_properties.merged_from_id).toBe(5);
  });

  it('builds activity events from activity creations', () => {
    const result = planWebhookEvents(
      input(
        { meta: { action: 'create', entity: 'activity' }, data: { id: 9, type: 'call', subject: 'Intro', done: false, person_id: 7, deal_id: 42 }, previous: null },
        { deal: { id: 42, title: 'Big deal' } },
      ),
    );
    expect(result.results[0]?.kind === 'event.send' && result.results[0].event.event_properties).toMatchObject({
      activity_type: 'call',
      deal_title: 'Big deal',
    });
  });

  it('sends nothing for entities or actions without rules', () => {
    expect(planWebhookEvents(input({ meta: { action: 'change', entity: 'product' }, data: { id: 1 }, previous: {} })).results).toEqual([]);
    expect(planWebhookEvents(input({ meta: { action: 'delete', entity: 'person' }, data: null, previous: { id: 7 } })).results).toEqual([]);
  });
});
