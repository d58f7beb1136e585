import { describe, expect, it } from 'vitest';
import { dealWebhookDataSchema, detectDealTransition } from './detect-deal-transition';

const data = dealWebhookDataSchema.parse({
  id: 42,
  title: 'Big deal',
  stage_id: 3,
  pipeline_id: 1,
  status: 'open',
  person_id: 7,
  value: 5000,
  currency: 'EUR',
  label_ids: [],
});

describe('detectDealTransition', () => {
  it('reports a real stage move', () => {
    expect(detectDealTransition(data, { stage_id: 2 })).toEqual({
      dealId: 42,
      stage: { from: 2, to: 3 },
      pipeline: null,
      status: null,
    });
  });

  it('treats a field missing from previous as unchanged (v2 sends only changed fields)', () => {
    expect(detectDealTransition(data, { title: 'Old title' })).toBeNull();
    expect(detectDealTransition(data, { value: 10 })).toBeNull();
  });

  it('ignores a null or equal previous stage', () => {
    expect(detectDealTransition(data, { stage_id: null })).toBeNull();
    expect(detectDealTransition(data, { stage_id: 3 })).toBeNull();
  });

  it('returns nothing for creates and deletes (no previous change set)', () => {
    expect(detectDealTransition(data, null)).toBeNull();
    expect(detectDealTransition(data, undefined)).toBeNull();
  });

  it('reports a move across pipelines', () => {
    const moved = { ...data, pipeline_id: 2, stage_id: 8 };
    expect(detectDealTransition(moved, { stage_id: 3, pipeline_id: 1 })).toMatchObject({
      stage: { from: 3, to: 8 },
      pipeline: { from: 1, to: 2 },
    });
  });

  it('reports a deal being won or lost, with or without a stage change', () => {
    expect(detectDealTransition({ ...data, status: 'won' }, { status: 'open' })).toMatchObject({
      stage: null,
      status: { from: 'open', to: 'won' },
    });
    expect(detectDealTransition({ ...data, status: 'lost' }, { status: 'open', stage_id: 1 })).toMatchObject({
      stage: { from: 1, to: 3 },
      status: { from: 'open', to: 'lost' },
    });
  });

  it('does not report a reopened deal as won or lost', () => {
    expect(detectDealTransition(data, { status: 'won' })).toBeNull();
  });
});
