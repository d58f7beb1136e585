import { describe, expect, it } from 'vitest';
import { normalizePhone, selectPrimaryPhone } from './normalize-phone';

describe('normalizePhone', () => {
  it('adds the default country to a national number', () => {
    expect(normalizePhone('06 12 34 56 78', 'FR')).toEqual({ ok: true, phone: '+33612345678' });
  });

  it('keeps an international number regardless of the default country', () => {
    expect(normalizePhone('+44 20 7946 0958', 'FR')).toEqual({ ok: true, phone: '+442079460958' });
    expect(normalizePhone('0033 6 12 34 56 78', 'FR')).toEqual({ ok: true, phone: '+33612345678' });
  });

  it('drops a number that does not validate, with a warning instead of an error', () => {
    const result = normalizePhone('12345', 'US');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.warning).toMatchObject({ code: 'phone_invalid', field: 'phone' });
  });

  it('explains that a national number needs a default country', () => {
    const result = normalizePhone('06 12 34 56 78', null);
    expect(!result.ok && result.warning.message).toMatch(/no default phone country/);
  });

  it('treats a blank number as invalid', () => {
    expect(normalizePhone('   ', 'FR').ok).toBe(false);
  });
});

describe('selectPrimaryPhone', () => {
  it('uses the primary phone', () => {
    const result = selectPrimaryPhone(
      [
        { value: '+1 202 555 0101', primary: false },
        { value: '06 12 34 56 78', primary: true },
      ],
      'FR',
    );
    expect(result).toEqual({ phone: '+33612345678', warnings: [] });
  });

  it('returns no phone and no warning when the person has none', () => {
    expect(selectPrimaryPhone([], 'FR')).toEqual({ phone: null, warnings: [] });
  });

  it('returns a warning when the primary phone is invalid', () => {
    const result = selectPrimaryPhone([{ value: 'call reception', primary: true }], 'FR');
    expect(result.phone).toBeNull();
    expect(result.warnings[0]?.code).toBe('phone_invalid');
  });
});
