import { describe, expect, it } from 'vitest';
import { buildActivityLoggedEvent } from './build-activity-logged-event';
import { activity } from './testing/records';

describe('buildActivityLoggedEvent', () => {
  const call = activity({ id: 9, type: 'call', subject: 'Intro call', deal_id: 42, due_date: '2024-05-02', due_time: '10:30', duration: '00:30' });

  it('builds the event with type, subject, due date and deal', () => {
    const result = buildActivityLoggedEvent({
      activity: call,
      deal: { id: 42, title: 'Big deal' },
      contact: { email: 'ada@example.com', personId: 7 },
      occurredAt: '2024-05-01T10:00:00+02:00',
    });
    expect(result).toEqual({
      kind: 'event.send',
      event: {
        event_name: 'activity_logged',
        event_date: '2024-05-01T10:00:00+02:00',
        identifiers: { email_id: 'ada@example.com', ext_id: 'pd_person_7' },
        event_properties: {
          activity_id: 9,
          activity_type: 'call',
          subject: 'Intro call',
          done: false,
          due_date: '2024-05-02',
          due_time: '10:30',
          duration: '00:30',
          deal_id: 42,
          deal_title: 'Big deal',
          org_id: null,
        },
      },
      warnings: [],
    });
  });

  it('ignores a deal that is not the activity’s deal', () => {
    const result = buildActivityLoggedEvent({
      activity: call,
      deal: { id: 1, title: 'Other' },
      contact: { personId: 7 },
      occurredAt: '2024-05-01T10:00:00Z',
    });
    expect(result.kind === 'event.send' && result.event.event_properties.deal_title).toBeNull();
    expect(result.kind === 'event.send' && result.event.identifiers).toEqual({ ext_id: 'pd_person_7' });
  });

  it('skips an activity without a person', () => {
    expect(buildActivityLoggedEvent({ activity: call, contact: {}, occurredAt: '2024-05-01T10:00:00Z' })).toMatchObject({
      kind: 'skip',
      entity: 'activity',
      reason: 'no_person',
    });
  });

  it('refuses an event name Brevo would reject', () => {
    expect(() =>
      buildActivityLoggedEvent({ activity: call, contact: { personId: 1 }, occurredAt: 'x', eventName: 'activité' }),
    ).toThrow(TypeError);
  });
});
