import { describe, expect, it } from 'vitest';
import { canonicalJson, contactHash } from './contact-hash';

const contact = { email: 'ada@example.com', extId: 'pd_person_7', attributes: { FIRSTNAME: 'Ada', TAGS: ['b', 'a'] }, lists: [62, 60] };

describe('contactHash', () => {
  it('is stable across key order, list order and multiple-choice order', () => {
    const reordered = {
      lists: [60, 62, 60],
      attributes: { TAGS: ['a', 'b'], FIRSTNAME: 'Ada' },
      extId: 'pd_person_7',
      email: 'ada@example.com',
    };
    expect(contactHash(reordered)).toBe(contactHash(contact));
    expect(contactHash(contact)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when anything written changes', () => {
    const base = contactHash(contact);
    expect(contactHash({ ...contact, email: 'ada@other.example' })).not.toBe(base);
    expect(contactHash({ ...contact, lists: [60] })).not.toBe(base);
    expect(contactHash({ ...contact, attributes: { ...contact.attributes, FIRSTNAME: null } })).not.toBe(base);
    expect(contactHash({ ...contact, attributes: { ...contact.attributes, LTV: 0 } })).not.toBe(base);
  });

  it('does not confuse a number with its text', () => {
    expect(contactHash({ ...contact, attributes: { N: 1 } })).not.toBe(contactHash({ ...contact, attributes: { N: '1' } }));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":2,"f":1}]},"b":1}');
  });
});
