import { describe, expect, it } from 'vitest';
import { buildDealStageChangedEvent, type DealStageChangedInput } from './build-deal-stage-changed-event';
import { detectDealTransition } from './detect-deal-transition';
import { pipedrivePipelineSchema, pipedriveStageSchema } from './types';

const deal = { id: 42, title: 'Big deal', stage_id: 3, pipeline_id: 1, status: 'open', value: 5000, currency: 'EUR' };
const transition = detectDealTransition(deal, { stage_id: 2 })!;
const stages = [
  pipedriveStageSchema.parse({ id: 2, name: 'Contact Made', pipeline_id: 1, order_nr: 2 }),
  pipedriveStageSchema.parse({ id: 3, name: 'Proposal Made', pipeline_id: 1, order_nr: 3 }),
  pipedriveStageSchema.parse({ id: 8, name: 'Onboarding', pipeline_id: 2, order_nr: 1 }),
];
const pipelines = [
  pipedrivePipelineSchema.parse({ id: 1, name: 'Sales' }),
  pipedrivePipelineSchema.parse({ id: 2, name: 'Success' }),
];

function build(overrides: Partial<DealStageChangedInput> = {}) {
  return buildDealStageChangedEvent({
    deal,
    transition,
    contact: { email: 'Ada@Example.com', personId: 7 },
    stages,
    pipelines,
    occurredAt: '2024-05-01T10:00:00.000Z',
    ...overrides,
  });
}

describe('buildDealStageChangedEvent', () => {
  it('builds the Brevo event with both identifiers and stage ids and names', () => {
    expect(build()).toEqual({
      kind: 'event.send',
      event: {
        event_name: 'deal_stage_changed',
        event_date: '2024-05-01T10:00:00.000Z',
        identifiers: { email_id: 'ada@example.com', ext_id: 'pd_person_7' },
        event_properties: {
          deal_id: 42,
          deal_title: 'Big deal',
          previous_stage_id: 2,
          previous_stage_name: 'Contact Made',
          stage_id: 3,
          stage_name: 'Proposal Made',
          pipeline_id: 1,
          pipeline_name: 'Sales',
          status: 'open',
          value: 5000,
          currency: 'EUR',
        },
      },
      warnings: [],
    });
  });

  it('adds the previous pipeline and status when they changed', () => {
    const moved = { ...deal, stage_id: 8, pipeline_id: 2, status: 'won' };
    const result = build({ deal: moved, transition: detectDealTransition(moved, { stage_id: 3, pipeline_id: 1, status: 'open' })! });
    expect(result.kind === 'event.send' && result.event.event_properties).toMatchObject({
      previous_stage_name: 'Proposal Made',
      stage_name: 'Onboarding',
      previous_pipeline_id: 1,
      previous_pipeline_name: 'Sales',
      pipeline_name: 'Success',
      previous_status: 'open',
      status: 'won',
    });
  });

  it('sends the previous stage as null, with no previous pipeline or status, when it is not known', () => {
    const result = build({ deal: { ...deal, status: 'won' }, transition: null });
    if (result.kind !== 'event.send') throw new Error('expected an event');
    expect(result.event.event_properties).toMatchObject({ previous_stage_id: null, previous_stage_name: null, stage_id: 3, stage_name: 'Proposal Made', status: 'won' });
    expect(Object.keys(result.event.event_properties)).not.toContain('previous_status');
    expect(Object.keys(result.event.event_properties)).not.toContain('previous_pipeline_id');
  });

  it('uses the configured event name and refuses one Brevo would reject', () => {
    const result = build({ eventName: 'pd-deal-moved' });
    expect(result.kind === 'event.send' && result.event.event_name).toBe('pd-deal-moved');
    expect(() => build({ eventName: 'deal stage changed' })).toThrow(/not a valid Brevo event name/);
  });

  it('skips a deal without a contact person', () => {
    expect(build({ contact: { email: null, personId: null } })).toMatchObject({ kind: 'skip', reason: 'no_person', entityId: 42 });
  });

  it('shortens a huge title to respect Brevo’s property size limit and says so', () => {
    const result = build({ deal: { ...deal, title: 'x'.repeat(100_000) } });
    if (result.kind !== 'event.send') throw new Error('expected an event');
    expect(Buffer.byteLength(JSON.stringify(result.event.event_properties))).toBeLessThanOrEqual(50_000);
    expect(result.warnings[0]).toMatchObject({ code: 'event_property_truncated', field: 'deal_title' });
  });

  it('writes null names for stages it does not know', () => {
    const result = build({ stages: [] });
    expect(result.kind === 'event.send' && result.event.event_properties.stage_name).toBeNull();
  });
});
