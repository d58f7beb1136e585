import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { isKnownValidE164 } from '../phone/validated-numbers';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function looksLikeEmail(value: string): boolean {
  return EMAIL_RE.test(value) && value.length <= 254;
}

/**
 * Brevo needs SMS numbers with their country code (`+33…`, `0033…` or `33…`). Returns E.164 without the
 * plus, as Brevo stores it, or undefined when Brevo would answer "Invalid phone number".
 */
export function brevoPhone(raw: string): string | undefined {
  const compact = raw.replace(/[\s().-]/g, '');
  const digits = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : compact;
  if (!/^\d{6,15}$/.test(digits)) return undefined;
  if (isKnownValidE164(`+${digits}`)) return digits;
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  return parsed?.isValid() ? parsed.number.slice(1) : undefined;
}

const EVENT_NAME_RE = /^[A-Za-z0-9_-]{1,255}$/;
export const EVENT_PROPERTIES_MAX_BYTES = 50 * 1024;

/** Brevo's rules for POST /events (name charset, 50 KB of properties); returns why an event would be refused. */
export function eventProblem(eventName: string, identifiers: Record<string, unknown>, eventProperties: Record<string, unknown> | undefined): string | undefined {
  if (!EVENT_NAME_RE.test(eventName)) return `event name "${eventName}" may only contain letters, digits, - and _ (max 255)`;
  if (!Object.values(identifiers).some((v) => v !== undefined && v !== '')) return 'the event names no contact (email, ext_id, phone or contact id)';
  const badKey = Object.keys(eventProperties ?? {}).find((k) => !EVENT_NAME_RE.test(k));
  if (badKey !== undefined) return `event property "${badKey}" may only contain letters, digits, - and _`;
  if (eventProperties && Buffer.byteLength(JSON.stringify(eventProperties)) > EVENT_PROPERTIES_MAX_BYTES) return 'event properties exceed Brevo’s 50 KB limit';
  return undefined;
}

/** Runs `fn` over items with at most `limit` in flight, keeping results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
