import { createHash } from 'node:crypto';
import type { Attributes } from './types';

export interface HashableContact {
  email: string;
  extId: string;
  attributes: Attributes;
  lists: readonly number[];
}

/** JSON with object keys sorted, so two equal values always serialize to the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/**
 * A stable fingerprint of what a contact write would leave in Brevo. The link record stores the
 * last one written; when the next plan yields the same hash the write is skipped, which keeps
 * re-syncs cheap and avoids echo loops. It covers the target state (the full list set), not the
 * list deltas, so a contact that already got its lists hashes the same next time. Multiple-
 * choice values are order-insensitive in Brevo and are sorted here for the same reason.
 */
export function contactHash(contact: HashableContact): string {
  const attributes = Object.fromEntries(
    Object.entries(contact.attributes).map(([name, value]) => [name, Array.isArray(value) ? [...value].sort() : value]),
  );
  const payload = canonicalJson({
    v: 1,
    email: contact.email,
    extId: contact.extId,
    attributes,
    lists: [...new Set(contact.lists)].sort((a, b) => a - b),
  });
  return createHash('sha256').update(payload).digest('hex');
}
