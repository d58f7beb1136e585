import { BREVO_EVENT_NAME } from './brevo-names';
import { personExtId } from './map-person-to-contact';
import type { BrevoEventIdentifiers } from './types';

export interface EventContact {
  /** The contact's email in Brevo (the person's primary email), when known. */
  email?: string | null;
  personId?: number | null;
}

/**
 * Brevo needs at least one identifier per event. Both are sent when known: the email finds
 * contacts created before the app linked them, the ext_id survives an email change.
 */
export function eventIdentifiers(contact: EventContact): BrevoEventIdentifiers | null {
  const identifiers: BrevoEventIdentifiers = {};
  if (contact.email) identifiers.email_id = contact.email.trim().toLowerCase();
  if (contact.personId !== null && contact.personId !== undefined) identifiers.ext_id = personExtId(contact.personId);
  return Object.keys(identifiers).length === 0 ? null : identifiers;
}

/** Configuration validation already enforces this; the check keeps a bad caller from reaching Brevo. */
export function assertEventName(name: string): void {
  if (!BREVO_EVENT_NAME.test(name)) {
    throw new TypeError(`"${name}" is not a valid Brevo event name (letters, digits, - and _, at most 255)`);
  }
}
