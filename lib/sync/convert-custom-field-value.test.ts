import { describe, expect, it } from 'vitest';
import { convertCustomFieldValue, type ConversionContext } from './convert-custom-field-value';
import { field, hashKey } from './testing/records';

const ctx: ConversionContext = { defaultPhoneCountry: 'FR' };
const enumField = field({
  field_key: hashKey('a'),
  field_name: 'Customer type',
  field_type: 'enum',
  options: [
    { id: 190, label: 'Private person' },
    { id: 191, label: 'Company' },
  ],
});
const setField = field({
  field_key: hashKey('b'),
  field_name: 'Interests',
  field_type: 'set',
  options: [
    { id: 12, label: 'Email' },
    { id: 13, label: 'SMS' },
    { id: 14, label: 'Events' },
  ],
});

describe('convertCustomFieldValue', () => {
  it('turns an enum option id into its label in API v2, v1 and webhook shapes', () => {
    expect(convertCustomFieldValue(enumField, 191, ctx).value).toBe('Company');
    expect(convertCustomFieldValue(enumField, '190', ctx).value).toBe('Private person');
    expect(convertCustomFieldValue(enumField, { type: 'enum', id: 191 }, ctx).value).toBe('Company');
    expect(convertCustomFieldValue(enumField, { id: 190, label: 'stale label' }, ctx).value).toBe('Private person');
  });

  it('writes an enum as a one-item list for a multiple-choice attribute', () => {
    expect(convertCustomFieldValue(enumField, 191, { ...ctx, targetType: 'multiple-choice' }).value).toEqual(['Company']);
  });

  it('leaves the attribute unchanged and warns when the option id is unknown', () => {
    const result = convertCustomFieldValue(enumField, 999, ctx);
    expect(result).not.toHaveProperty('value');
    expect(result.warnings[0]).toMatchObject({ code: 'custom_field_option_unknown', field: enumField.field_key });
  });

  it('turns a set into labels: a list for multiple-choice, joined text otherwise', () => {
    expect(convertCustomFieldValue(setField, [12, 14], { ...ctx, targetType: 'multiple-choice' }).value).toEqual([
      'Email',
      'Events',
    ]);
    expect(convertCustomFieldValue(setField, [12, 14], ctx).value).toBe('Email, Events');
    expect(convertCustomFieldValue(setField, '13,14', ctx).value).toBe('SMS, Events');
    expect(convertCustomFieldValue(setField, { type: 'set', values: [{ id: 13 }] }, ctx).value).toBe('SMS');
  });

  it('keeps the known labels of a set and warns about the unknown ones', () => {
    const result = convertCustomFieldValue(setField, [12, 77], ctx);
    expect(result.value).toBe('Email');
    expect(result.warnings).toHaveLength(1);
  });

  it('clears the attribute when the field is empty', () => {
    expect(convertCustomFieldValue(setField, null, ctx).value).toBeNull();
    expect(convertCustomFieldValue(setField, [], ctx).value).toBeNull();
    expect(convertCustomFieldValue(enumField, { type: 'enum', id: null }, ctx).value).toBeNull();
    expect(convertCustomFieldValue(field({ field_key: 'k', field_type: 'varchar' }), '  ', ctx).value).toBeNull();
  });

  it('writes money as a number, or with its currency for text attributes', () => {
    const money = field({ field_key: 'm', field_type: 'monetary' });
    expect(convertCustomFieldValue(money, { value: 500, currency: 'USD' }, ctx).value).toBe(500);
    expect(convertCustomFieldValue(money, { value: 500, currency: 'USD' }, { ...ctx, targetType: 'text' }).value).toBe(
      '500 USD',
    );
    expect(convertCustomFieldValue(money, { type: 'monetary', value: 200, currency: 'EUR' }, { ...ctx, targetType: 'text' }).value).toBe(
      '200 EUR',
    );
  });

  it('keeps dates as YYYY-MM-DD and rejects non-dates', () => {
    const date = field({ field_key: 'd', field_type: 'date' });
    expect(convertCustomFieldValue(date, '2024-01-31', ctx).value).toBe('2024-01-31');
    expect(convertCustomFieldValue(date, { type: 'date', value: '2023-06-27' }, ctx).value).toBe('2023-06-27');
    const bad = convertCustomFieldValue(date, 'next week', ctx);
    expect(bad).not.toHaveProperty('value');
    expect(bad.warnings[0]?.code).toBe('custom_field_value_invalid');
  });

  it('writes a date range as an interval, or its start for a date attribute', () => {
    const range = field({ field_key: 'r', field_type: 'daterange' });
    expect(convertCustomFieldValue(range, { value: '2024-01-01', until: '2024-02-01' }, ctx).value).toBe(
      '2024-01-01/2024-02-01',
    );
    expect(
      convertCustomFieldValue(range, { type: 'daterange', from: '2024-01-01', until: '2024-02-01' }, { ...ctx, targetType: 'date' }).value,
    ).toBe('2024-01-01');
  });

  it('reads numbers and text', () => {
    expect(convertCustomFieldValue(field({ field_key: 'n', field_type: 'double' }), 12.5, ctx).value).toBe(12.5);
    expect(convertCustomFieldValue(field({ field_key: 'n', field_type: 'double' }), '7', ctx).value).toBe(7);
    expect(convertCustomFieldValue(field({ field_key: 'n', field_type: 'double' }), 'x', ctx).warnings).toHaveLength(1);
    expect(convertCustomFieldValue(field({ field_key: 't', field_type: 'text' }), { type: 'text', value: 'hi' }, ctx).value).toBe('hi');
    expect(convertCustomFieldValue(field({ field_key: 't', field_type: 'varchar' }), 42, ctx).value).toBe('42');
  });

  it('normalizes phones; an invalid one is kept as text but never sent to a phone identifier', () => {
    const phone = field({ field_key: 'p', field_type: 'phone' });
    expect(convertCustomFieldValue(phone, '06 12 34 56 78', ctx).value).toBe('+33612345678');
    const asText = convertCustomFieldValue(phone, 'ext. 12', { ...ctx, attribute: 'OFFICE_PHONE' });
    expect(asText.value).toBe('ext. 12');
    expect(asText.warnings[0]?.code).toBe('phone_invalid');
    const asSms = convertCustomFieldValue(phone, 'ext. 12', { ...ctx, attribute: 'WHATSAPP' });
    expect(asSms).not.toHaveProperty('value');
  });

  it('writes an address as its formatted text', () => {
    const address = field({ field_key: 'ad', field_type: 'address' });
    expect(
      convertCustomFieldValue(address, { value: '1 Main St', formatted_address: '1 Main St, Springfield, USA' }, ctx).value,
    ).toBe('1 Main St, Springfield, USA');
    expect(convertCustomFieldValue(address, { type: 'address', value: '2 High St' }, ctx).value).toBe('2 High St');
  });

  it('resolves user, organization and person references to names', () => {
    const owner = field({ field_key: 'u', field_name: 'Account manager', field_type: 'user' });
    const references = { users: new Map([[5, 'Grace Hopper']]) };
    expect(convertCustomFieldValue(owner, 5, { ...ctx, references }).value).toBe('Grace Hopper');
    expect(convertCustomFieldValue(owner, { type: 'user', id: 5 }, { ...ctx, references }).value).toBe('Grace Hopper');
    const unknown = convertCustomFieldValue(owner, 6, { ...ctx, references });
    expect(unknown.value).toBe('6');
    expect(unknown.warnings[0]?.code).toBe('reference_unresolved');
    const org = field({ field_key: 'o', field_type: 'org' });
    expect(convertCustomFieldValue(org, 3, { ...ctx, references: { organizations: new Map([[3, 'Acme']]) } }).value).toBe('Acme');
  });

  it('reads times and time ranges', () => {
    expect(convertCustomFieldValue(field({ field_key: 't', field_type: 'time' }), { value: '09:00:00', timezone_id: 318 }, ctx).value).toBe(
      '09:00:00',
    );
    expect(
      convertCustomFieldValue(field({ field_key: 't', field_type: 'timerange' }), { type: 'timerange', from: '09:00:00', until: '10:00:00' }, ctx)
        .value,
    ).toBe('09:00:00/10:00:00');
  });

  it('passes scalars of unknown field types through as text', () => {
    expect(convertCustomFieldValue(field({ field_key: 'x', field_type: 'hologram' }), 3, ctx).value).toBe('3');
    expect(convertCustomFieldValue(field({ field_key: 'x', field_type: 'hologram' }), { a: 1 }, ctx).warnings).toHaveLength(1);
  });
});
