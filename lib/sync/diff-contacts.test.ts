import { describe, expect, it } from 'vitest';
import { diffContacts, type CurrentContact } from './diff-contacts';
import type { ContactUpsert, SkipOperation } from './types';

function upsert(email: string, personId: number, overrides: Partial<ContactUpsert> = {}): ContactUpsert {
  return {
    kind: 'contact.upsert',
    personId,
    email,
    extId: `pd_person_${personId}`,
    attributes: {},
    lists: [],
    listIds: [],
    unlinkListIds: [],
    blocklisted: false,
    hash: 'h',
    warnings: [],
    ...overrides,
  };
}

const skip = (id: number, reason: SkipOperation['reason']): SkipOperation => ({
  kind: 'skip',
  entity: 'person',
  entityId: id,
  reason,
  detail: `person ${id} skipped`,
  warnings: [],
});

describe('diffContacts', () => {
  const current: CurrentContact[] = [
    { email: 'ada@example.com', extId: 'pd_person_1', attributes: { FIRSTNAME: 'Ada', LTV: '1200' }, listIds: [60, 71] },
    { email: 'bob@example.com', extId: null, attributes: { FIRSTNAME: 'Bob' }, listIds: [60] },
  ];

  it('counts joins, leaves, attribute changes, creations and skips', () => {
    const diff = diffContacts(current, [
      upsert('ada@example.com', 1, { attributes: { FIRSTNAME: 'Ada', LTV: 1200 }, listIds: [72], unlinkListIds: [71] }),
      upsert('bob@example.com', 2, { attributes: { FIRSTNAME: 'Robert' } }),
      upsert('cy@example.com', 3, { attributes: { FIRSTNAME: 'Cy' }, listIds: [60] }),
      skip(4, 'no_email'),
      skip(5, 'no_email'),
    ]);
    expect(diff.totals).toEqual({ planned: 5, creating: 1, updating: 2, unchanged: 0, skipped: 2, blocklisted: 0, deleting: 0 });
    expect(diff.lists).toEqual([
      { listId: 60, joining: 1, leaving: 0, joiningSamples: ['cy@example.com'], leavingSamples: [] },
      { listId: 71, joining: 0, leaving: 1, joiningSamples: [], leavingSamples: ['ada@example.com'] },
      { listId: 72, joining: 1, leaving: 0, joiningSamples: ['ada@example.com'], leavingSamples: [] },
    ]);
    expect(diff.attributes).toEqual([
      {
        attribute: 'FIRSTNAME',
        changing: 2,
        samples: [
          { email: 'bob@example.com', from: 'Bob', to: 'Robert' },
          { email: 'cy@example.com', from: null, to: 'Cy' },
        ],
      },
    ]);
    expect(diff.skipped).toEqual([
      {
        reason: 'no_email',
        count: 2,
        samples: [
          { entity: 'person', entityId: 4, detail: 'person 4 skipped' },
          { entity: 'person', entityId: 5, detail: 'person 5 skipped' },
        ],
      },
    ]);
  });

  it('reports an unchanged contact as unchanged, even when Brevo spells values differently', () => {
    const diff = diffContacts(current, [upsert('ada@example.com', 1, { attributes: { LTV: 1200, EMPTY: null }, listIds: [60] })]);
    expect(diff.totals).toMatchObject({ unchanged: 1, updating: 0 });
    expect(diff.lists).toEqual([]);
  });

  it('matches on ext_id first and reports an email change', () => {
    const diff = diffContacts(current, [upsert('ada@new.example', 1)]);
    expect(diff.totals.updating).toBe(1);
    expect(diff.attributes[0]).toMatchObject({ attribute: 'EMAIL', samples: [{ from: 'ada@example.com', to: 'ada@new.example' }] });
  });

  it('caps samples but keeps exact counts, and counts warnings and blocklisted contacts', () => {
    const planned = Array.from({ length: 8 }, (_, i) =>
      upsert(`p${i}@example.com`, 100 + i, {
        listIds: [60],
        blocklisted: i === 0,
        warnings: [{ code: 'phone_invalid', message: `bad phone ${i}` }],
      }),
    );
    const diff = diffContacts([], planned, { sampleSize: 3 });
    expect(diff.lists[0]).toMatchObject({ listId: 60, joining: 8 });
    expect(diff.lists[0]?.joiningSamples).toHaveLength(3);
    expect(diff.warnings).toEqual([{ code: 'phone_invalid', count: 8, samples: ['bad phone 0', 'bad phone 1', 'bad phone 2'] }]);
    expect(diff.totals.blocklisted).toBe(1);
  });

  it('compares multiple-choice values without regard to order', () => {
    const diff = diffContacts(
      [{ email: 'a@example.com', extId: 'pd_person_1', attributes: { TAGS: ['x', 'y'] }, listIds: [] }],
      [upsert('a@example.com', 1, { attributes: { TAGS: ['y', 'x'] } })],
    );
    expect(diff.totals.unchanged).toBe(1);
  });

  it('counts deletions and list exits of removed persons', () => {
    const diff = diffContacts(current, [
      { kind: 'contact.delete', personId: 1, extId: 'pd_person_1' },
      { kind: 'contact.delete', personId: 9, extId: 'pd_person_9' },
      { kind: 'contact.detach', personId: 1, extId: 'pd_person_1', unlinkListIds: [71, 99] },
    ]);
    expect(diff.totals).toMatchObject({ deleting: 1, updating: 1 });
    expect(diff.lists).toEqual([{ listId: 71, joining: 0, leaving: 1, joiningSamples: [], leavingSamples: ['ada@example.com'] }]);
  });
});

