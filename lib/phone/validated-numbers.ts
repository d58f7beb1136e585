/**
 * E.164 numbers this process has already validated against libphonenumber's full metadata.
 * The planner normalizes every person's phone, and the Brevo client then checks the same number
 * again before an import (with the looser metadata Brevo's rule needs); parsing a number costs
 * more than the rest of a contact's mapping, so the second check looks here first. A number
 * valid with the full metadata is valid with the small one. Bounded: the set is emptied when
 * full, which costs only a re-parse.
 */
const known = new Set<string>();
const LIMIT = 50_000;

export function rememberValidE164(e164: string): void {
  if (known.size >= LIMIT) known.clear();
  known.add(e164);
}

export function isKnownValidE164(e164: string): boolean {
  return known.has(e164);
}
