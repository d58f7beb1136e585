import { describe, expect, it } from 'vitest';
import { coerceAttributeValue } from './attribute-values';
import { normalizeBrevoPhone } from './phone';
import type { AttributeDef } from './types';

const def = (type: AttributeDef['type'], extra: Partial<AttributeDef> = {}): AttributeDef => ({ name: 'X', category: 'normal', type, ...extra });

describe('attribute values as Brevo keeps or drops them', () => {
  it.each([
    [def('text'), 'Jane', 'Jane'],
    [def('text'), 42, '42'],
    [def('text'), true, undefined],
    [def('date'), '2024-02-29', '2024-02-29'],
    [def('date'), '2024-02-30', undefined],
    [def('date'), '2024-05-04T10:15:00+02:00', '2024-05-04'],
    [def('date'), '04/05/2024', undefined],
    [def('float'), '12.5', 12.5],
    [def('float'), 'twelve', undefined],
    [def('boolean'), 'true', true],
    [def('boolean'), 1, undefined],
    [def('category', { category: 'category', enumeration: [{ value: 1, label: 'Gold' }, { value: 2, label: 'Silver' }] }), 'Silver', 2],
    [def('category', { category: 'category', enumeration: [{ value: 1, label: 'Gold' }] }), 1, 1],
    [def('category', { category: 'category', enumeration: [{ value: 1, label: 'Gold' }] }), 'Bronze', undefined],
    [def('multiple-choice', { multiCategoryOptions: ['Hot', 'Cold'] }), ['Hot'], ['Hot']],
    [def('multiple-choice', { multiCategoryOptions: ['Hot', 'Cold'] }), 'Cold', ['Cold']],
    [def('multiple-choice', { multiCategoryOptions: ['Hot', 'Cold'] }), ['Hot', 'Warm'], undefined],
    [def('text'), '', null],
  ])('%o ← %o gives %o', (d, value, expected) => {
    expect(coerceAttributeValue(d, value)).toEqual(expected);
  });
});

describe('SMS numbers', () => {
  it('needs a country code, with or without + or 00, and stores bare digits', () => {
    expect(normalizeBrevoPhone('+33 6 12 34 56 78')).toBe('33612345678');
    expect(normalizeBrevoPhone('0033612345678')).toBe('33612345678');
    expect(normalizeBrevoPhone('33612345678')).toBe('33612345678');
    expect(normalizeBrevoPhone('0612345678')).toBeUndefined();
    expect(normalizeBrevoPhone('+1 (415) 555-2671')).toBe('14155552671');
    expect(normalizeBrevoPhone('call me')).toBeUndefined();
  });
});
