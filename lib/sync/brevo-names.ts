/**
 * Naming rules Brevo applies to what the sync writes.
 *
 * - Contact attributes must be passed in capitals. Brevo does not document the allowed
 *   characters; every built-in attribute is UPPER_SNAKE_CASE, so that is what we accept.
 * - Company attributes use lower-case internal names (`name`, `domain`, `number_of_employees`).
 * - Event names: at most 255 characters, letters, digits, `-` and `_` only
 *   (https://developers.brevo.com/reference/create-event).
 * - Event property keys: at most 255 characters from the same alphabet.
 */

export const BREVO_ATTRIBUTE_NAME = /^[A-Z][A-Z0-9_]*$/;
export const BREVO_COMPANY_ATTRIBUTE_NAME = /^[a-z][a-z0-9_]*$/;
export const BREVO_EVENT_NAME = /^[A-Za-z0-9_-]{1,255}$/;
export const BREVO_EVENT_PROPERTY_KEY = /^[A-Za-z0-9_-]{1,255}$/;
/** Brevo caps the serialized `event_properties` at 50 KB. */
export const BREVO_EVENT_PROPERTIES_MAX_BYTES = 50_000;

/** The attributes Brevo treats as phone identifiers: an invalid number there fails the write. */
export const BREVO_PHONE_ATTRIBUTES: ReadonlySet<string> = new Set(['SMS', 'WHATSAPP', 'LANDLINE_NUMBER']);

/**
 * The upper-case spelling of a name that breaks the attribute rule, used in error messages
 * ("did you mean FIRSTNAME?"). Returns null when no sensible suggestion exists.
 */
export function suggestAttributeName(name: string): string | null {
  const suggestion = name
    .trim()
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return BREVO_ATTRIBUTE_NAME.test(suggestion) ? suggestion : null;
}

export function suggestEventName(name: string): string | null {
  const suggestion = name
    .trim()
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 255);
  return BREVO_EVENT_NAME.test(suggestion) ? suggestion : null;
}
