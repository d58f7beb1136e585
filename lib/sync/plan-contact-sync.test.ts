import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, type SyncConfig } from './config';
import { planContactSync, type ContactLink, type ContactSyncInput } from './plan-contact-sync';
import { deal, lead, organization, person } from './testing/records';

function config(): SyncConfig {
  const base = defaultSyncConfig();
  return { ...base, lists: { ...base.lists, allContacts: 60, qualifiedLeads: 61, nurture: 65 } };
}

function input(links: Map<number, ContactLink> = new Map()): ContactSyncInput {
  return {
    persons: [
      person({ id: 1, org_id: 10, emails: [{ value: 'one@example.com', primary: true }] }),
      person({ id: 2, emails: [{ value: 'two@example.com', primary: true }] }),
      person({ id: 3, emails: [] }),
    ],
    organizations: [organization({ id: 10, name: 'Org Ten' })],
    deals: [deal({ id: 100, person_id: 1 }), deal({ id: 101, person_id: null }), deal({ id: 102, person_id: 2, status: 'won', value: 40, currency: 'USD' })],
    leads: [lead({ id: 'l', person_id: 2 })],
    personFields: [],
    config: config(),
    links,
  };
}

describe('planContactSync', () => {
  it('joins each person with their organization, deals and leads', () => {
    const plan = planContactSync(input());
    expect(plan.writes.map((write) => [write.personId, write.attributes.COMPANY, write.attributes.OPEN_DEALS, write.attributes.LTV, write.lists])).toEqual([
      [1, 'Org Ten', 1, 0, [60, 61]],
      [2, null, 0, 40, [60, 65]],
    ]);
    expect(plan.skipped).toEqual([expect.objectContaining({ entityId: 3, reason: 'no_email' })]);
  });

  it('sends nothing for a person whose hash matches the last write', () => {
    const first = planContactSync(input());
    const links = new Map(
      first.writes.map((write) => [write.personId, { personId: write.personId, lastHash: write.hash, lists: write.lists, blocklisted: false }]),
    );
    const second = planContactSync(input(links));
    expect(second.writes).toEqual([]);
    expect(second.unchanged.map((contact) => contact.personId)).toEqual([1, 2]);
    expect(second.unchanged.every((contact) => contact.listIds.length === 0 && contact.unlinkListIds.length === 0)).toBe(true);
  });

  it('writes again when something changed since the last write', () => {
    const first = planContactSync(input());
    const links = new Map(
      first.writes.map((write) => [write.personId, { personId: write.personId, lastHash: write.hash, lists: write.lists, blocklisted: false }]),
    );
    const changed = input(links);
    changed.deals = changed.deals.filter((item) => item.id !== 100);
    const plan = planContactSync(changed);
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]).toMatchObject({ personId: 1, listIds: [], unlinkListIds: [61] });
  });

  it('passes the blocklist flag of the link on to the list plan', () => {
    const plan = planContactSync(input(new Map([[1, { personId: 1, lastHash: null, lists: [], blocklisted: true }]])));
    expect(plan.writes[0]).toMatchObject({ personId: 1, blocklisted: true, listIds: [] });
  });

  it('syncs the oldest of two persons sharing an email and skips the other with the fix', () => {
    const shared = input();
    shared.persons = [
      person({ id: 5, emails: [{ value: 'Same@example.com', primary: true }] }),
      person({ id: 4, emails: [{ value: 'same@example.com', primary: true }] }),
    ];
    const plan = planContactSync(shared);
    expect(plan.writes.map((write) => write.personId)).toEqual([4]);
    expect(plan.skipped[0]).toMatchObject({ entityId: 5, reason: 'duplicate_email' });
    expect(plan.skipped[0]?.detail).toMatch(/person 4 .* merge the two persons in Pipedrive/);
  });

  it('writes the second person sharing a phone number without SMS, with a new hash', () => {
    const shared = input();
    shared.config.defaultPhoneCountry = 'FR';
    shared.persons = [
      person({ id: 1, emails: [{ value: 'a@example.com', primary: true }], phones: [{ value: '06 12 34 56 78', primary: true }] }),
      person({ id: 2, emails: [{ value: 'b@example.com', primary: true }], phones: [{ value: '+33612345678', primary: true }] }),
    ];
    const plan = planContactSync(shared);
    expect(plan.writes[0]?.attributes.SMS).toBe('+33612345678');
    expect(plan.writes[1]?.attributes).not.toHaveProperty('SMS');
    expect(plan.writes[1]?.warnings).toEqual([expect.objectContaining({ code: 'phone_duplicate', entityId: 2 })]);
    const alone = planContactSync({ ...shared, persons: [shared.persons[1]!] });
    expect(alone.writes[0]?.hash).not.toBe(plan.writes[1]?.hash);
  });

  it('reports a mapped custom field that does not exist once for the batch, not once per person', () => {
    const broken = input();
    broken.config.personMapping.push({ source: { kind: 'custom', key: 'missing_key' }, attribute: 'MISSING' });
    const plan = planContactSync(broken);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatchObject({ kind: 'warning', warning: { code: 'custom_field_unknown', field: 'custom_fields.missing_key' } });
    expect(plan.writes.flatMap((write) => write.warnings)).toEqual([]);
    expect(plan.warnings[0]?.warning).not.toHaveProperty('entityId');
  });
});

