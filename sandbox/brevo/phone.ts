import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Brevo accepts SMS numbers as `33612345678`, `+33612345678` or `0033612345678`: the country code is
 * mandatory, the `+`/`00` prefix is not. It stores them as bare digits (see the spec's examples), which is
 * what this returns; undefined means Brevo would answer "Invalid phone number".
 */
export function normalizeBrevoPhone(raw: string): string | undefined {
  const compact = raw.replace(/[\s().-]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else digits = compact;
  if (!/^\d{6,15}$/.test(digits)) return undefined;
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  if (!parsed?.isValid()) return undefined;
  return parsed.number.slice(1);
}
