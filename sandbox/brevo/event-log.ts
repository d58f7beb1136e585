import { invalid, missing } from './api-error';
import type { BrevoAccount } from './brevo-account';
import type { ContactRecord, EventRecord } from './types';

const NAME_RE = /^[A-Za-z0-9_-]{1,255}$/;
const IDENTIFIER_KEYS = ['contact_id', 'ext_id', 'email_id', 'phone_id', 'whatsapp_id', 'landline_number_id'] as const;
/** "Size is limited to 50Kb" for event_properties (reference notes §6.1). */
export const EVENT_PROPERTIES_MAX_BYTES = 50 * 1024;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkPropertyKeys(value: unknown, path: string): void {
  if (Array.isArray(value)) value.forEach((v, i) => checkPropertyKeys(v, `${path}[${i}]`));
  else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (!NAME_RE.test(k)) throw invalid(`event_properties key "${path}${k}" is invalid: use alphanumerics, - and _ only (max 255)`);
      checkPropertyKeys(v, `${path}${k}.`);
    }
  }
}

/**
 * Validates one event body as POST /events does and returns why it is rejected (BrevoApiError) or the
 * parsed parts. Shared by the single and batch endpoints so both apply the same rules.
 */
export function validateEvent(body: unknown): {
  eventName: string;
  eventDate?: string;
  identifiers: Record<string, string | number>;
  contactProperties: Record<string, string | number | boolean>;
  eventProperties: Record<string, unknown>;
} {
  if (!isPlainObject(body)) throw invalid('Request body must be a JSON object');
  const name = body.event_name;
  if (name === undefined) throw missing('event_name is required');
  if (typeof name !== 'string' || !NAME_RE.test(name)) throw invalid('event_name is invalid: use alphanumerics, - and _ only (max 255)');
  const ids = body.identifiers;
  if (ids === undefined) throw missing('identifiers is required');
  if (!isPlainObject(ids)) throw invalid('identifiers must be an object');
  const identifiers: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(ids)) {
    if (!(IDENTIFIER_KEYS as readonly string[]).includes(k)) throw invalid(`identifiers.${k} is not a supported identifier`);
    if (k === 'contact_id' ? typeof v !== 'number' || !Number.isInteger(v) : typeof v !== 'string' || v === '') throw invalid(`identifiers.${k} is invalid`);
    identifiers[k] = v as string | number;
  }
  if (Object.keys(identifiers).length === 0) throw missing('At least one identifier is required');
  let eventDate: string | undefined;
  if (body.event_date !== undefined) {
    if (typeof body.event_date !== 'string' || Number.isNaN(Date.parse(body.event_date))) throw invalid('event_date must be an ISO 8601 timestamp');
    eventDate = body.event_date;
  }
  const contactProperties: Record<string, string | number | boolean> = {};
  if (body.contact_properties !== undefined) {
    if (!isPlainObject(body.contact_properties)) throw invalid('contact_properties must be an object');
    for (const [k, v] of Object.entries(body.contact_properties)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalid(`contact_properties.${k} must be a string, number or boolean`);
      contactProperties[k] = v;
    }
  }
  let eventProperties: Record<string, unknown> = {};
  if (body.event_properties !== undefined) {
    if (!isPlainObject(body.event_properties)) throw invalid('event_properties must be an object');
    checkPropertyKeys(body.event_properties, '');
    if (Buffer.byteLength(JSON.stringify(body.event_properties)) > EVENT_PROPERTIES_MAX_BYTES) throw invalid('event_properties size exceeds the 50KB limit');
    eventProperties = body.event_properties;
  }
  return { eventName: name, eventDate, identifiers, contactProperties, eventProperties };
}

function contactFor(account: BrevoAccount, ids: Record<string, string | number>): ContactRecord | undefined {
  // contact_id "takes priority over all other identifiers"; then the most stable keys first.
  if (typeof ids.contact_id === 'number') return account.contacts.get(ids.contact_id);
  if (typeof ids.ext_id === 'string') return account.findByExtId(ids.ext_id);
  if (typeof ids.email_id === 'string') return account.findByEmail(ids.email_id);
  if (typeof ids.phone_id === 'string') return account.findBySms(ids.phone_id);
  for (const key of ['whatsapp_id', 'landline_number_id'] as const) {
    const v = ids[key];
    if (typeof v === 'string') return account.tryResolve(v, key, 'read');
  }
  return undefined;
}

/**
 * Records an event in arrival order. contact_properties update the matching contact's attributes (with the
 * usual type rules); an event for an unknown contact is kept with contactId null and creates no contact,
 * since no source confirms that Brevo creates one.
 */
export function recordEvent(account: BrevoAccount, parsed: ReturnType<typeof validateEvent>, via: EventRecord['via']): EventRecord {
  const contact = contactFor(account, parsed.identifiers);
  if (contact && Object.keys(parsed.contactProperties).length > 0) account.updateContact(contact, { attributes: parsed.contactProperties });
  const t = account.now();
  const record: EventRecord = {
    seq: account.events.length + 1,
    eventName: parsed.eventName,
    eventDate: parsed.eventDate ?? new Date(t).toISOString(),
    identifiers: parsed.identifiers,
    contactId: contact?.id ?? null,
    contactProperties: parsed.contactProperties,
    eventProperties: parsed.eventProperties,
    receivedAt: t,
    via,
  };
  account.events.push(record);
  return record;
}
