import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { brevoPhone } from '../brevo/contact-checks';
import { normalizePhone } from '../sync/normalize-phone';
import { isKnownValidE164, rememberValidE164 } from './validated-numbers';

describe('validated numbers', () => {
  it('lets the Brevo check answer exactly as a fresh parse would, for numbers the planner normalized', () => {
    const raw = ['+49 151 23456789', '06 12 34 56 78', '+1 (415) 555-2671', '020 7946 0958', '+33 1 23 45 67 89', '+44 7911 123456', '+81 3-1234-5678', '+49 30 1234567'];
    const countries = ['DE', 'FR', 'GB', null];
    const normalized = raw.flatMap((r) => countries.map((c) => normalizePhone(r, c))).flatMap((n) => (n.ok ? [n.phone] : []));
    expect(normalized.length).toBeGreaterThan(10);
    for (const e164 of normalized) {
      expect(isKnownValidE164(e164)).toBe(true);
      // The same number in other spellings is not in the set, so it is parsed: the answers must agree.
      expect(brevoPhone(e164)).toBe(brevoPhone(`00${e164.slice(1)}`));
      expect(brevoPhone(e164)).toBe(e164.slice(1));
      // The planner's second check of a mapped SMS number answers from the set: as a parse would.
      expect(normalizePhone(e164, 'FR')).toEqual({ ok: true, phone: e164 });
      const fresh = parsePhoneNumberFromString(e164, { defaultCountry: 'FR' });
      expect(fresh?.isValid() && fresh.number).toBe(e164);
    }
  });

  it('answers only for numbers it was told about, and stays bounded', () => {
    expect(isKnownValidE164('+4915100000000')).toBe(false);
    rememberValidE164('+4915100000000');
    expect(isKnownValidE164('+4915100000000')).toBe(true);
    for (let i = 0; i < 50_001; i++) rememberValidE164(`+1${String(i).padStart(10, '0')}`);
    expect(isKnownValidE164('+4915100000000')).toBe(false);
  });
});
