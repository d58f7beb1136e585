import { BREVO_EVENT_PROPERTIES_MAX_BYTES, BREVO_EVENT_PROPERTY_KEY } from './brevo-names';
import type { EventPropertyValue } from './types';

export interface FittedProperties {
  properties: Record<string, EventPropertyValue>;
  /** Keys whose text was shortened (or dropped) to respect Brevo's limits. */
  truncated: string[];
}

const ELLIPSIS = '…';

/** Property keys may only use letters, digits, `-` and `_` (max 255); anything else becomes `_`. */
export function toEventPropertyKey(key: string): string {
  const cleaned = key.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 255);
  return BREVO_EVENT_PROPERTY_KEY.test(cleaned) ? cleaned : '_';
}

function byteSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Cuts by code points so that a multi-byte character is never split in half. */
function cut(text: string, length: number): string {
  const chars = Array.from(text);
  return chars.length <= length ? text : `${chars.slice(0, Math.max(0, length - 1)).join('')}${ELLIPSIS}`;
}

/**
 * Makes event properties acceptable to Brevo: keys cleaned, each string at most
 * `maxStringLength` characters, and the whole object under the 50 KB limit by shortening the
 * longest strings first. A deal title or an activity subject can be pasted text of any size,
 * and one oversized property would make Brevo refuse the whole event.
 */
export function fitEventProperties(
  input: Readonly<Record<string, EventPropertyValue>>,
  options: { maxBytes?: number; maxStringLength?: number } = {},
): FittedProperties {
  const maxBytes = options.maxBytes ?? BREVO_EVENT_PROPERTIES_MAX_BYTES;
  const maxStringLength = options.maxStringLength ?? 2_000;
  const truncated = new Set<string>();
  const properties: Record<string, EventPropertyValue> = {};
  for (const [rawKey, value] of Object.entries(input)) {
    const key = toEventPropertyKey(rawKey);
    if (typeof value === 'string' && Array.from(value).length > maxStringLength) {
      properties[key] = cut(value, maxStringLength);
      truncated.add(key);
    } else {
      properties[key] = value;
    }
  }
  let excess = byteSize(properties) - maxBytes;
  while (excess > 0) {
    const longest = Object.entries(properties)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].length > 1)
      .sort(([, a], [, b]) => b.length - a.length)[0];
    if (longest === undefined) {
      // Nothing left to shorten: drop the largest remaining property instead.
      const largest = Object.entries(properties).sort(([, a], [, b]) => byteSize(b) - byteSize(a))[0];
      if (largest === undefined) break;
      delete properties[largest[0]];
      truncated.add(largest[0]);
    } else {
      const [key, text] = longest;
      // Each character is at least one byte, so removing `excess` characters (plus room for
      // the ellipsis) brings the object under the limit or at least shortens this string.
      const target = Math.max(1, Array.from(text).length - excess - 2);
      properties[key] = cut(text, target);
      truncated.add(key);
    }
    excess = byteSize(properties) - maxBytes;
  }
  return { properties, truncated: [...truncated] };
}
