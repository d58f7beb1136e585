import { describe, expect, it } from 'vitest';
import {
  fieldDefinitionSchema,
  pipedriveDealSchema,
  pipedriveLeadSchema,
  pipedriveOrganizationSchema,
  pipedrivePersonSchema,
} from './types';

describe('record schemas', () => {
  it('read an API v2 person and drop what the sync does not use', () => {
    const person = pipedrivePersonSchema.parse({
      id: 1,
      name: 'Person Name',
      first_name: 'Person',
      last_name: 'Name',
      owner_id: 1,
      org_id: 1,
      add_time: '2021-01-01T00:00:00Z',
      update_time: '2021-01-01T00:00:00Z',
      emails: [
        { value: 'one@example.com', primary: true, label: 'work' },
        { value: 'two@example.com', primary: false, label: 'home' },
      ],
      phones: [{ value: '12345', primary: true, label: 'work' }],
      is_deleted: false,
      visible_to: 7,
      label_ids: [1, 2, 3],
      custom_fields: { ['a'.repeat(40)]: 12 },
      im: [{ value: 'skypeusername', primary: true, label: 'skype' }],
    });
    expect(person).not.toHaveProperty('visible_to');
    expect(person.emails).toHaveLength(2);
    expect(person.custom_fields).toEqual({ ['a'.repeat(40)]: 12 });
  });

  it('read a webhook v2 person body, whose shape differs from the API', () => {
    const person = pipedrivePersonSchema.parse({
      add_time: '2022-11-24T13:18:55Z',
      custom_fields: {},
      emails: [],
      first_name: 'Sample Person',
      id: 8,
      label: null,
      last_name: null,
      name: 'Sample Person',
      org_id: 1,
      owner_id: 12415231,
      phones: [],
      update_time: '2022-11-24T15:18:35Z',
      visible_to: '3',
    });
    expect(person).toMatchObject({ id: 8, last_name: null, is_deleted: false });
  });

  it('read deals with a missing amount or currency', () => {
    const deal = pipedriveDealSchema.parse({ id: 1, title: 'T', pipeline_id: 1, stage_id: 2, status: 'won', value: null, currency: null });
    expect(deal).toMatchObject({ value: 0, currency: null, custom_fields: {} });
    expect(() => pipedriveDealSchema.parse({ id: 1, title: 'T', pipeline_id: 1, stage_id: 2, status: 'deleted' })).toThrow();
  });

  it('read v1 leads, organizations and field definitions', () => {
    expect(pipedriveLeadSchema.parse({ id: 'adf21080-0e10-11eb-879b-05d71fb426ec', title: 'L', person_id: 1, organization_id: null, is_archived: false })).toMatchObject({
      person_id: 1,
    });
    expect(pipedriveOrganizationSchema.parse({ id: 3, name: 'Org', address: null })).toMatchObject({ address: null, custom_fields: {} });
    expect(fieldDefinitionSchema.parse({ field_key: 'k', field_name: 'Name', field_type: 'varchar', options: null }).options).toEqual([]);
  });
});
