import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, type SyncConfig } from './config';
import { planHistoryReplay } from './plan-history-replay';
import { activity, deal } from './testing/records';

const now = new Date('2024-06-30T12:00:00Z');

function config(days: number): SyncConfig {
  return { ...defaultSyncConfig(), replayHistoryDays: days };
}

const activities = [
  activity({ id: 1, person_id: 7, add_time: '2024-06-29T09:00:00Z', deal_id: 42 }),
  activity({ id: 2, person_id: 7, add_time: '2024-05-01T09:00:00Z' }),
  activity({ id: 3, person_id: 8, add_time: '2024-06-20T09:00:00Z' }),
  activity({ id: 4, person_id: 7, add_time: '2024-06-28T09:00:00Z', is_deleted: true }),
];
const deals = [deal({ id: 42, person_id: 7, title: 'Big deal', add_time: '2024-06-25T00:00:00Z' }), deal({ id: 43, person_id: 7, add_time: '2023-01-01T00:00:00Z' })];
const emails = new Map<number, string | null>([
  [7, 'ada@example.com'],
  [8, null],
]);

describe('planHistoryReplay', () => {
  it('replays nothing by default', () => {
    expect(planHistoryReplay({ config: defaultSyncConfig(), activities, deals, emails, now })).toEqual([]);
  });

  it('replays activities and deals created within the window, oldest first, dated when they happened', () => {
    const results = planHistoryReplay({ config: config(14), activities, deals, emails, now });
    expect(
      results.map((result) =>
        result.kind === 'event.send' ? [result.event.event_name, result.event.event_date, 'deal_title' in result.event.event_properties ? result.event.event_properties.deal_title : result.event.event_properties.title] : [result.reason],
      ),
    ).toEqual([
      ['activity_logged', '2024-06-20T09:00:00.000Z', null],
      ['deal_created', '2024-06-25T00:00:00.000Z', 'Big deal'],
      ['activity_logged', '2024-06-29T09:00:00.000Z', 'Big deal'],
    ]);
    const first = results[0];
    expect(first?.kind === 'event.send' && first.event.identifiers).toEqual({ ext_id: 'pd_person_8' });
  });

  it('sends nothing for objects whose rules or sync are off', () => {
    const noActivities = config(14);
    noActivities.sync.activities = false;
    noActivities.eventRules = noActivities.eventRules.filter((rule) => rule.object !== 'deal');
    expect(planHistoryReplay({ config: noActivities, activities, deals, emails, now })).toEqual([]);
  });
});
