import { describe, expect, it } from 'vitest';
import { defaultSyncConfig } from '../sync';
import { activity } from '../sync/testing/records';
import { activityEventKey, activityLoggedEvents } from './activity-events';

describe('activityLoggedEvents', () => {
  const config = defaultSyncConfig();

  it('queues one event per activity rule, keyed by the activity alone and dated when it was added', () => {
    const events = activityLoggedEvents(config, activity({ id: 5, person_id: 7, type: 'meeting', add_time: '2024-06-01T10:00:00Z' }), 'ada@example.com');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      key: 'activity_logged:activity:5',
      object: 'activity',
      pipedriveId: '5',
      event: { event_name: 'activity_logged', event_date: '2024-06-01T10:00:00Z', identifiers: { email_id: 'ada@example.com', ext_id: 'pd_person_7' }, event_properties: { activity_type: 'meeting' } },
    });
    // The webhook path builds its key with the same function: one activity, one key.
    expect(events[0]!.key).toBe(activityEventKey('activity_logged', '5'));
  });

  it('queues nothing for an activity without a person or add time, a deleted one, or with activities switched off', () => {
    expect(activityLoggedEvents(config, activity({ id: 5, person_id: null, add_time: '2024-06-01T10:00:00Z' }), null)).toEqual([]);
    expect(activityLoggedEvents(config, activity({ id: 5, add_time: null }), null)).toEqual([]);
    expect(activityLoggedEvents(config, activity({ id: 5, add_time: '2024-06-01T10:00:00Z', is_deleted: true }), null)).toEqual([]);
    const off = defaultSyncConfig();
    off.sync.activities = false;
    expect(activityLoggedEvents(off, activity({ id: 5, add_time: '2024-06-01T10:00:00Z' }), null)).toEqual([]);
  });
});
