import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { isKnownValidE164, rememberValidE164 } from '../phone/validated-numbers';
import type { ContactPoint, SyncWarning } from './types';

export type NormalizedPhone = { ok: true; phone: string } | { ok: false; warning: SyncWarning };

/**
 * Brevo's SMS attribute needs the country code (`+33…`, `0033…` or `33…`); a national number
 * such as `06 12 34 56 78` is rejected with `Invalid phone number`, and one bad phone fails the
 * whole contact write. So numbers are converted to E.164 here, using the company's default
 * country when the number has no country code, and a number that still does not validate is
 * dropped with a warning instead of failing the record.
 *
 * The full ("max") metadata is used because the small one only checks lengths and would let
 * numbers through that Brevo then refuses.
 */
export function normalizePhone(raw: string, defaultCountry: string | null, field = 'phone'): NormalizedPhone {
  const text = raw.trim();
  // A number this process already validated, in its E.164 form: the SMS attribute of a mapped
  // phone comes back here for the same check, and parsing is the costliest step of a contact.
  if (isKnownValidE164(text)) return { ok: true, phone: text };
  const parsed =
    text === ''
      ? undefined
      : parsePhoneNumberFromString(
          text,
          defaultCountry === null ? undefined : { defaultCountry: defaultCountry as CountryCode },
        );
  if (parsed?.isValid()) {
    rememberValidE164(parsed.number);
    return { ok: true, phone: parsed.number };
  }
  const hint =
    defaultCountry === null && parsed === undefined && !text.startsWith('+') && !text.startsWith('00')
      ? ' (it has no country code and no default phone country is configured)'
      : '';
  return {
    ok: false,
    warning: {
      code: 'phone_invalid',
      message: `phone "${raw}" is not a valid number${hint}; it was not sent to Brevo`,
      field,
    },
  };
}

/** The person's primary phone (or the first one), normalized; invalid numbers become warnings. */
export function selectPrimaryPhone(
  phones: readonly ContactPoint[],
  defaultCountry: string | null,
): { phone: string | null; warnings: SyncWarning[] } {
  const candidates = phones.filter((item) => item.value.trim() !== '');
  const chosen = candidates.find((item) => item.primary) ?? candidates[0];
  if (chosen === undefined) return { phone: null, warnings: [] };
  const result = normalizePhone(chosen.value, defaultCountry);
  return result.ok ? { phone: result.phone, warnings: [] } : { phone: null, warnings: [result.warning] };
}
