import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, type SyncConfig } from './config';
import { activityLoggedInWindow, historyReplayWindow, inHistoryWindow, planDealHistoryEvents, replayedDealChanges, type HistoryWindow } from './plan-history-replay';
import { activity, deal } from './testing/records';
import { pipedrivePipelineSchema, pipedriveStageSchema } from './types';

const startedAt = new Date('2024-06-30T12:00:00Z');
const connectedAt = new Date('2024-06-30T11:00:00Z');
const window: HistoryWindow = { since: new Date('2024-06-23T12:00:00Z'), until: connectedAt };

describe('historyReplayWindow', () => {
  it('replays nothing by default', () => {
    expect(historyReplayWindow(0, startedAt, connectedAt)).toBeNull();
  });

  it('covers the last N days before the run, up to the moment the company connected', () => {
    expect(historyReplayWindow(7, startedAt, connectedAt)).toEqual(window);
    expect(historyReplayWindow(7, startedAt, null)).toEqual({ since: window.since, until: startedAt });
  });

  it('is empty for a resync run longer than N days after connecting', () => {
    expect(historyReplayWindow(7, startedAt, new Date('2024-06-01T00:00:00Z'))).toBeNull();
  });
});

describe('inHistoryWindow', () => {
  it('includes the start, excludes the end, and reads Pipedrive’s zone-less times as UTC', () => {
    expect(inHistoryWindow('2024-06-23T12:00:00Z', window)).toBe('2024-06-23T12:00:00.000Z');
    expect(inHistoryWindow('2024-06-30 10:59:59', window)).toBe('2024-06-30T10:59:59.000Z');
    expect(inHistoryWindow('2024-06-30T11:00:00Z', window)).toBeNull();
    expect(inHistoryWindow('2024-06-23T11:59:59Z', window)).toBeNull();
    expect(inHistoryWindow(null, window)).toBeNull();
  });
});

describe('activityLoggedInWindow', () => {
  it('goes by when the activity was added, not when it was last edited', () => {
    expect(activityLoggedInWindow(activity({ id: 1, add_time: '2024-06-28T09:00:00Z' }), window)).toBe(true);
    expect(activityLoggedInWindow(activity({ id: 2, add_time: '2024-05-01T09:00:00Z', marked_as_done_time: '2024-06-29T09:00:00Z' }), window)).toBe(false);
    expect(activityLoggedInWindow(activity({ id: 3, add_time: '2024-06-28T09:00:00Z', is_deleted: true }), window)).toBe(false);
  });
});

describe('replayedDealChanges', () => {
  it('reads a move into the current stage within the window', () => {
    expect(replayedDealChanges(deal({ id: 1, stage_change_time: '2024-06-29T08:00:00Z' }), window)).toEqual([{ at: '2024-06-29T08:00:00.000Z', moved: true, closed: null, status: 'open' }]);
  });

  it('ignores moves before the window and after the company connected (the live paths send those)', () => {
    expect(replayedDealChanges(deal({ id: 1, stage_change_time: '2024-05-29T08:00:00Z' }), window)).toEqual([]);
    expect(replayedDealChanges(deal({ id: 1, stage_change_time: '2024-06-30T11:30:00Z' }), window)).toEqual([]);
  });

  it('reads a win after a move as two changes, the deal still open when it moved', () => {
    const won = deal({ id: 1, status: 'won', stage_change_time: '2024-06-25T08:00:00Z', won_time: '2024-06-27T08:00:00Z' });
    expect(replayedDealChanges(won, window)).toEqual([
      { at: '2024-06-25T08:00:00.000Z', moved: true, closed: null, status: 'open' },
      { at: '2024-06-27T08:00:00.000Z', moved: false, closed: 'won', status: 'won' },
    ]);
  });

  it('reads a move and a loss at the same time as one change, and a loss alone when the move is older', () => {
    const at = '2024-06-27T08:00:00Z';
    expect(replayedDealChanges(deal({ id: 1, status: 'lost', stage_change_time: at, lost_time: at }), window)).toEqual([{ at: '2024-06-27T08:00:00.000Z', moved: true, closed: 'lost', status: 'lost' }]);
    expect(replayedDealChanges(deal({ id: 1, status: 'lost', stage_change_time: '2024-01-01T00:00:00Z', lost_time: at }), window)).toEqual([{ at: '2024-06-27T08:00:00.000Z', moved: false, closed: 'lost', status: 'lost' }]);
  });

  it('falls back to close_time for a closed deal without won_time, and replays nothing of a deleted deal', () => {
    expect(replayedDealChanges(deal({ id: 1, status: 'won', close_time: '2024-06-27T08:00:00Z' }), window)).toEqual([{ at: '2024-06-27T08:00:00.000Z', moved: false, closed: 'won', status: 'won' }]);
    expect(replayedDealChanges(deal({ id: 1, is_deleted: true, stage_change_time: '2024-06-29T08:00:00Z' }), window)).toEqual([]);
  });
});

describe('planDealHistoryEvents', () => {
  const stages = [pipedriveStageSchema.parse({ id: 2, name: 'Contact Made', pipeline_id: 1, order_nr: 2 }), pipedriveStageSchema.parse({ id: 3, name: 'Proposal Made', pipeline_id: 1, order_nr: 3 })];
  const pipelines = [pipedrivePipelineSchema.parse({ id: 1, name: 'Sales' })];
  const withStageRule = (): SyncConfig => {
    const config = defaultSyncConfig();
    config.eventRules.push({ action: 'stage_change', object: 'deal', mergeOnly: false, brevoEvent: 'deal_stage_changed' });
    return config;
  };
  const moved = deal({ id: 42, title: 'Big deal', person_id: 7, pipeline_id: 1, stage_id: 3, value: 5000, currency: 'EUR', stage_change_time: '2024-06-29T08:00:00Z' });
  const plan = (config: SyncConfig, d = moved) => planDealHistoryEvents({ config, deal: d, window, contact: { email: 'ada@example.com', personId: 7 }, stages, pipelines });

  it('sends the stage_change rule’s event with the new stage and a null previous stage', () => {
    const planned = plan(withStageRule());
    expect(planned).toHaveLength(1);
    expect(planned[0]!.key).toBe('deal_stage_changed:history:deal:42:stage:3:status:-:2024-06-29T08:00:00.000Z');
    expect(planned[0]!.result).toMatchObject({
      kind: 'event.send',
      event: {
        event_name: 'deal_stage_changed',
        event_date: '2024-06-29T08:00:00.000Z',
        identifiers: { email_id: 'ada@example.com', ext_id: 'pd_person_7' },
        event_properties: { deal_id: 42, deal_title: 'Big deal', previous_stage_id: null, previous_stage_name: null, stage_id: 3, stage_name: 'Proposal Made', pipeline_name: 'Sales', status: 'open', value: 5000, currency: 'EUR' },
      },
    });
  });

  it('keys a win apart from the move before it, and the same history the same way on every run', () => {
    const won = deal({ ...moved, status: 'won', won_time: '2024-06-29T09:00:00Z' });
    const keys = plan(withStageRule(), won).map((p) => p.key);
    expect(keys).toEqual(['deal_stage_changed:history:deal:42:stage:3:status:-:2024-06-29T08:00:00.000Z', 'deal_stage_changed:history:deal:42:stage:-:status:won:2024-06-29T09:00:00.000Z']);
    expect(plan(withStageRule(), won).map((p) => p.key)).toEqual(keys);
  });

  it('sends nothing without a stage_change rule or with deals switched off', () => {
    expect(plan(defaultSyncConfig())).toEqual([]);
    const off = withStageRule();
    off.sync.deals = false;
    expect(plan(off)).toEqual([]);
  });
});
