import { describe, expect, it } from 'vitest';
import { buildEntityEvent, type EntityEventInput } from './build-entity-event';

const base: EntityEventInput = {
  eventName: 'contact_updated',
  object: 'person',
  action: 'change',
  data: { id: 8, name: 'Sample Person', first_name: 'Sample Person', org_id: 1, custom_fields: {}, emails: [] },
  previous: { first_name: 'Sample', name: 'Sample' },
  contact: { email: 'sample@example.com', personId: 8 },
  occurredAt: '2022-11-24T15:18:35.616Z',
};

describe('buildEntityEvent', () => {
  it('describes a person change with the names of the changed fields', () => {
    expect(buildEntityEvent(base)).toEqual({
      kind: 'event.send',
      event: {
        event_name: 'contact_updated',
        event_date: '2022-11-24T15:18:35.616Z',
        identifiers: { email_id: 'sample@example.com', ext_id: 'pd_person_8' },
        event_properties: {
          person_id: 8,
          action: 'change',
          name: 'Sample Person',
          first_name: 'Sample Person',
          last_name: null,
          org_id: 1,
          owner_id: null,
          changed_fields: ['first_name', 'name'],
        },
      },
      warnings: [],
    });
  });

  it('marks merges and names the merged-away record', () => {
    const result = buildEntityEvent({ ...base, eventName: 'contact_merged', mergedFromId: 5 });
    expect(result.kind === 'event.send' && result.event.event_properties).toMatchObject({ action: 'merge', merged_from_id: 5 });
  });

  it('describes a deal creation with its deal fields', () => {
    const result = buildEntityEvent({
      ...base,
      eventName: 'deal_created',
      object: 'deal',
      action: 'create',
      previous: null,
      data: { id: 42, title: 'Big deal', stage_id: 3, pipeline_id: 1, status: 'open', value: 10, currency: 'EUR', person_id: 8, label_ids: [1] },
    });
    expect(result.kind === 'event.send' && result.event.event_properties).toEqual({
      deal_id: 42,
      action: 'create',
      title: 'Big deal',
      pipeline_id: 1,
      stage_id: 3,
      status: 'open',
      value: 10,
      currency: 'EUR',
      org_id: null,
      person_id: 8,
    });
  });

  it('reads a delete from the last state in previous', () => {
    const result = buildEntityEvent({ ...base, eventName: 'deal_deleted', object: 'deal', action: 'delete', data: null, previous: { id: 42, title: 'Gone' } });
    expect(result.kind === 'event.send' && result.event.event_properties).toMatchObject({ deal_id: 42, title: 'Gone', action: 'delete' });
    expect(result.kind === 'event.send' && result.event.event_properties).not.toHaveProperty('changed_fields');
  });

  it('skips when no contact can be identified and rejects invalid names', () => {
    expect(buildEntityEvent({ ...base, contact: {} })).toMatchObject({ kind: 'skip', reason: 'no_identifier', entityId: 8 });
    expect(() => buildEntityEvent({ ...base, eventName: 'contact updated' })).toThrow(TypeError);
  });
});
