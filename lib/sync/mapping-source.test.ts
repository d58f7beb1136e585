import { describe, expect, it } from 'vitest';
import { formatOrganizationSource, formatPersonSource, parseOrganizationSource, parsePersonSource } from './mapping-source';

describe('person sources', () => {
  it('reads every kind and writes it back unchanged', () => {
    for (const text of ['first_name', 'org_id.name', 'won_deals_count', 'total_revenue', `custom_fields.${'a'.repeat(40)}`, 'custom_fields.lead_source']) {
      const source = parsePersonSource(text);
      expect(source).not.toBeNull();
      expect(formatPersonSource(source!)).toBe(text);
    }
    expect(parsePersonSource('org_id.name')).toEqual({ kind: 'organization', field: 'name' });
    expect(parsePersonSource('custom_fields.abc')).toEqual({ kind: 'custom', key: 'abc' });
  });

  it('rejects unknown fields and malformed custom keys', () => {
    expect(parsePersonSource('favourite_colour')).toBeNull();
    expect(parsePersonSource('org_id.ceo')).toBeNull();
    expect(parsePersonSource('custom_fields.')).toBeNull();
    expect(parsePersonSource('custom_fields.has space')).toBeNull();
  });
});

describe('organization sources', () => {
  it('reads standard and custom sources', () => {
    expect(parseOrganizationSource('website')).toEqual({ kind: 'standard', field: 'website' });
    expect(formatOrganizationSource(parseOrganizationSource('custom_fields.x1')!)).toBe('custom_fields.x1');
    expect(parseOrganizationSource('first_name')).toBeNull();
  });
});
