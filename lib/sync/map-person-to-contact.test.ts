import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, EMAIL_TARGET, type SyncConfig } from './config';
import { contactHash } from './contact-hash';
import { mapPersonToContact, personExtId, type PersonContactInput } from './map-person-to-contact';
import { deal, field, hashKey, lead, organization, person } from './testing/records';
import type { ContactUpsert, SkipOperation } from './types';

const sourceKey = hashKey('c');
const sizeKey = hashKey('d');

function config(): SyncConfig {
  const base = defaultSyncConfig();
  return {
    ...base,
    defaultPhoneCountry: 'FR',
    defaultCurrency: 'EUR',
    lists: { ...base.lists, allContacts: 60, customers: 62 },
    stageRules: [{ match: 'stage', stageId: 3, listId: 73 }],
    personMapping: [
      ...base.personMapping,
      { source: { kind: 'custom', key: sourceKey }, attribute: 'LEAD_SOURCE' },
      { source: { kind: 'custom', key: sizeKey }, attribute: 'COMPANY_SIZE' },
      { source: { kind: 'standard', field: 'other_emails' }, attribute: 'OTHER_EMAILS' },
      { source: { kind: 'standard', field: 'job_title' }, attribute: 'JOB_TITLE' },
    ],
  };
}

const personFields = [
  field({ field_key: sourceKey, field_name: 'Lead source', field_type: 'enum', options: [{ id: 1, label: 'Webinar' }] }),
  field({ field_key: sizeKey, field_name: 'Company size', field_type: 'double' }),
];

function input(overrides: Partial<PersonContactInput> = {}): PersonContactInput {
  return {
    person: person({
      id: 7,
      org_id: 3,
      job_title: 'Countess',
      emails: [
        { value: 'Ada@Example.com', primary: true },
        { value: 'ada@home.example', primary: false },
      ],
      phones: [{ value: '06 12 34 56 78', primary: true }],
      custom_fields: { [sourceKey]: 1, [sizeKey]: 250 },
    }),
    organization: organization({ id: 3, name: 'Engines Ltd' }),
    deals: [
      deal({ id: 1, person_id: 7, status: 'won', value: 1200, close_time: '2024-02-01T00:00:00Z' }),
      deal({ id: 2, person_id: 7, status: 'lost', close_time: '2024-01-01T00:00:00Z' }),
      deal({ id: 3, person_id: 7, status: 'open', stage_id: 3 }),
    ],
    personFields,
    config: config(),
    ...overrides,
  };
}

function upsert(result: ContactUpsert | SkipOperation): ContactUpsert {
  if (result.kind !== 'contact.upsert') throw new Error(`expected an upsert, got ${result.reason}`);
  return result;
}

describe('mapPersonToContact', () => {
  it('maps standard, organization, computed and custom sources to Brevo attributes', () => {
    const contact = upsert(mapPersonToContact(input()));
    expect(contact.email).toBe('ada@example.com');
    expect(contact.extId).toBe(personExtId(7));
    expect(contact.attributes).toEqual({
      FULLNAME: 'Ada Lovelace',
      FIRSTNAME: 'Ada',
      LASTNAME: 'Lovelace',
      SMS: '+33612345678',
      COMPANY: 'Engines Ltd',
      WON_DEALS: 1,
      LOST_DEALS: 1,
      OPEN_DEALS: 1,
      CLOSED_DEALS: 2,
      LTV: 1200,
      LEAD_SOURCE: 'Webinar',
      COMPANY_SIZE: 250,
      OTHER_EMAILS: 'ada@home.example',
      JOB_TITLE: 'Countess',
    });
    expect(contact.warnings).toEqual([]);
  });

  it('never writes the email as an attribute: it is the identifier', () => {
    const contact = upsert(mapPersonToContact(input()));
    expect(contact.attributes).not.toHaveProperty(EMAIL_TARGET);
    expect(contact.attributes).not.toHaveProperty('EMAIL');
  });

  it('plans the lists and hashes the result', () => {
    const contact = upsert(mapPersonToContact(input({ membership: { previousLists: [60], blocklisted: false } })));
    expect(contact).toMatchObject({ lists: [60, 62, 73], listIds: [62, 73], unlinkListIds: [], blocklisted: false });
    expect(contact.hash).toBe(
      contactHash({ email: contact.email, extId: contact.extId, attributes: contact.attributes, lists: contact.lists }),
    );
  });

  it('gives the same hash for the same person twice and a new one when a value changes', () => {
    const first = upsert(mapPersonToContact(input()));
    const again = upsert(mapPersonToContact(input()));
    expect(again.hash).toBe(first.hash);
    const renamed = upsert(mapPersonToContact(input({ person: { ...input().person, first_name: 'Augusta' } })));
    expect(renamed.hash).not.toBe(first.hash);
  });

  it('keeps the record when the phone is invalid: the attribute is left out with a warning', () => {
    const contact = upsert(
      mapPersonToContact(input({ person: { ...input().person, phones: [{ value: 'ask reception', primary: true }] } })),
    );
    expect(contact.attributes).not.toHaveProperty('SMS');
    expect(contact.warnings).toEqual([
      expect.objectContaining({ code: 'phone_invalid', entity: 'person', entityId: 7, field: 'phone' }),
    ]);
  });

  it('warns about a custom field key that no field has', () => {
    const contact = upsert(mapPersonToContact(input({ personFields: [personFields[1]!] })));
    expect(contact.attributes).not.toHaveProperty('LEAD_SOURCE');
    expect(contact.warnings[0]).toMatchObject({ code: 'custom_field_unknown', field: `custom_fields.${sourceKey}` });
  });

  it('warns instead of erasing the company when the organization was not loaded', () => {
    const contact = upsert(mapPersonToContact(input({ organization: null })));
    expect(contact.attributes).not.toHaveProperty('COMPANY');
    expect(contact.warnings[0]?.code).toBe('organization_missing');
  });

  it('clears the company when the person has no organization', () => {
    const contact = upsert(mapPersonToContact(input({ person: { ...input().person, org_id: null }, organization: null })));
    expect(contact.attributes.COMPANY).toBeNull();
  });

  it('leaves foreign-currency revenue out of LTV with a warning', () => {
    const contact = upsert(
      mapPersonToContact(input({ deals: [deal({ id: 1, person_id: 7, status: 'won', value: 300, currency: 'USD' })] })),
    );
    expect(contact.attributes.LTV).toBe(0);
    expect(contact.warnings[0]).toMatchObject({ code: 'currency_not_converted' });
    const converted = upsert(
      mapPersonToContact(
        input({ deals: [deal({ id: 1, person_id: 7, status: 'won', value: 300, currency: 'USD' })], rates: { USD: 0.5 } }),
      ),
    );
    expect(converted.attributes.LTV).toBe(150);
  });

  it('writes lists as multiple-choice when Brevo says the attribute is one', () => {
    const contact = upsert(mapPersonToContact(input({ brevoAttributeTypes: { OTHER_EMAILS: 'multiple-choice' } })));
    expect(contact.attributes.OTHER_EMAILS).toEqual(['ada@home.example']);
  });

  it('skips a person without email and says why', () => {
    const result = mapPersonToContact(input({ person: { ...input().person, emails: [] } }));
    expect(result).toMatchObject({ kind: 'skip', reason: 'no_email', entity: 'person', entityId: 7 });
  });

  it('skips deleted persons and persons whose sync is switched off', () => {
    expect(mapPersonToContact(input({ person: { ...input().person, is_deleted: true } }))).toMatchObject({ reason: 'deleted' });
    const off = config();
    off.sync.persons = false;
    expect(mapPersonToContact(input({ config: off }))).toMatchObject({ reason: 'sync_disabled' });
  });

  it('counts no deals when deal sync is off', () => {
    const off = config();
    off.sync.deals = false;
    const contact = upsert(mapPersonToContact(input({ config: off })));
    expect(contact.attributes).toMatchObject({ WON_DEALS: 0, OPEN_DEALS: 0, LTV: 0 });
    expect(contact.lists).toEqual([60]);
  });

  it('puts leads in the nurture list', () => {
    const withNurture = config();
    withNurture.lists.nurture = 65;
    const contact = upsert(mapPersonToContact(input({ config: withNurture, deals: [], leads: [lead({ id: 'l-1', person_id: 7 })] })));
    expect(contact.lists).toEqual([60, 65]);
  });

  it('writes timestamps as dates for date attributes', () => {
    const withTimes = config();
    withTimes.personMapping = [{ source: { kind: 'standard', field: 'add_time' }, attribute: 'PD_CREATED' }];
    const contact = upsert(
      mapPersonToContact(
        input({ config: withTimes, person: { ...input().person, add_time: '2024-05-01T10:00:00Z' }, brevoAttributeTypes: { PD_CREATED: 'date' } }),
      ),
    );
    expect(contact.attributes).toEqual({ PD_CREATED: '2024-05-01' });
  });

  it('normalizes any source written to a phone identifier attribute, and drops it when invalid', () => {
    const phoneKey = hashKey('p');
    const withPhones = config();
    withPhones.personMapping = [{ source: { kind: 'custom', key: phoneKey }, attribute: 'WHATSAPP' }];
    const fields = [field({ field_key: phoneKey, field_name: 'Mobile', field_type: 'varchar' })];
    const good = upsert(
      mapPersonToContact(input({ config: withPhones, personFields: fields, person: { ...input().person, custom_fields: { [phoneKey]: '06 12 34 56 78' } } })),
    );
    expect(good.attributes).toEqual({ WHATSAPP: '+33612345678' });
    const bad = upsert(
      mapPersonToContact(input({ config: withPhones, personFields: fields, person: { ...input().person, custom_fields: { [phoneKey]: 'none' } } })),
    );
    expect(bad.attributes).toEqual({});
    expect(bad.warnings[0]).toMatchObject({ code: 'phone_invalid', field: `custom_fields.${phoneKey}` });
  });
});
