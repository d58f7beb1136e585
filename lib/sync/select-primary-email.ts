import { z } from 'zod';
import type { ContactPoint, SyncWarning } from './types';

export type PrimaryEmailResult =
  | { ok: true; email: string; otherEmails: string[]; warnings: SyncWarning[] }
  | { ok: false; reason: 'no_email'; detail: string; warnings: SyncWarning[] };

const emailSchema = z.email();

/**
 * Emails are compared trimmed and lower-cased, and only ever compared exactly: Pipedrive's own
 * email search is fuzzy (`self@` also finds `myself@`), and linking on a fuzzy match merges
 * the wrong people. Brevo treats emails case-insensitively, so lower case loses nothing.
 */
export function normalizeEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return emailSchema.safeParse(email).success ? email : null;
}

/**
 * Picks the address that identifies the contact in Brevo: the one Pipedrive marks primary, or
 * the first usable one when the primary is missing or malformed (Pipedrive itself promotes the
 * first item when none is primary). The remaining distinct addresses are returned so a mapping
 * can keep them as an attribute value.
 */
export function selectPrimaryEmail(emails: readonly ContactPoint[], personId?: number): PrimaryEmailResult {
  const warnings: SyncWarning[] = [];
  const usable: { email: string; primary: boolean }[] = [];
  for (const item of emails) {
    if (item.value.trim() === '') continue;
    const email = normalizeEmail(item.value);
    if (email === null) {
      warnings.push({
        code: 'email_invalid',
        message: `"${item.value}" is not a valid email address and was ignored`,
        entity: 'person',
        ...(personId === undefined ? {} : { entityId: personId }),
        field: 'emails',
      });
      continue;
    }
    if (!usable.some((seen) => seen.email === email)) usable.push({ email, primary: item.primary });
    else if (item.primary) usable.find((seen) => seen.email === email)!.primary = true;
  }
  const chosen = usable.find((item) => item.primary) ?? usable[0];
  if (chosen === undefined) {
    return {
      ok: false,
      reason: 'no_email',
      detail:
        emails.length === 0
          ? 'the person has no email address; add one in Pipedrive to sync them'
          : 'none of the person’s email addresses is valid; correct them in Pipedrive to sync them',
      warnings,
    };
  }
  return {
    ok: true,
    email: chosen.email,
    otherEmails: usable.filter((item) => item !== chosen).map((item) => item.email),
    warnings,
  };
}
