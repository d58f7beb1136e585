import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, contactHash, contentHash } from './contact-hash';

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

describe('canonicalJson', () => {
  // The implementation before it was rewritten for speed: stored hashes depend on the exact text.
  function reference(value: unknown): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
    if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${reference(item)}`).join(',')}}`;
  }

  it('writes exactly the text it wrote before, for any mix of values', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const keys = ['b', 'a', 'Z', 'é', 'a1', 'A', '10', '9', '', 'ÿ', '😀', 'FIRSTNAME'];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 2 || r < 0.35) return [null, 0, -1.5, 'x', 'quote"d', true, undefined, 'ü'][Math.floor(random() * 8)];
      if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 6) }, () => [keys[Math.floor(random() * keys.length)]!, value(depth + 1)]));
    };
    for (let i = 0; i < 2_000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(reference(v));
    }
  });

  it('keeps the hash of a known contact', () => {
    // Pinned: a changed hash would rewrite every contact of every company once.
    expect(contactHash(contact)).toBe('f0e904f611ff1fb95e36f1fe2fc0d3ed3b30b35fc5f62152f14d21235428451e');
  });
});

describe('contentHash', () => {
  it('is the SHA-256 of the canonical JSON, whatever the key order', () => {
    const value = { b: [1, { d: 2, c: 'x' }], a: null };
    expect(contentHash(value)).toBe(createHash('sha256').update(canonicalJson(value)).digest('hex'));
    expect(contentHash({ a: null, b: [1, { c: 'x', d: 2 }] })).toBe(contentHash(value));
    expect(contentHash({ ...value, a: 0 })).not.toBe(contentHash(value));
  });
});
