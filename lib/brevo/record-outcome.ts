import { BrevoError } from './brevo-error';

export type RecordRejectReason =
  | 'duplicate_email'
  | 'duplicate_sms'
  | 'duplicate_ext_id'
  | 'invalid_phone'
  | 'invalid_email'
  | 'blocklisted'
  | 'missing_identifier'
  | 'not_found'
  | 'not_in_import'
  | 'already_in_list_or_missing'
  | 'invalid';

/** What happened to one record of a bulk call. Failures carry a reason code and an admin-facing sentence. */
export type RecordOutcome<T extends object = object> = ({ ok: true } & T) | { ok: false; reason: RecordRejectReason; message: string };

export const rejected = (reason: RecordRejectReason, message: string): { ok: false; reason: RecordRejectReason; message: string } => ({ ok: false, reason, message });

/**
 * Turns a record-level Brevo refusal into an outcome. Returns undefined for errors that concern the whole
 * account or call (auth, rate limit, outage): those must propagate so the job is retried, not the record parked.
 */
export function outcomeFromError(err: unknown, label: string): { ok: false; reason: RecordRejectReason; message: string } | undefined {
  if (!(err instanceof BrevoError)) return undefined;
  if (err.kind !== 'duplicate' && err.kind !== 'invalid' && err.kind !== 'not_found') return undefined;
  const said = err.brevoMessage ?? '';
  const dups = err.duplicateIdentifiers;
  if (dups.includes('sms')) return rejected('duplicate_sms', `${label}: the SMS number already belongs to another Brevo contact. Fix the phone number on one of the two records.`);
  if (dups.includes('email')) return rejected('duplicate_email', `${label}: the email address already belongs to another Brevo contact.`);
  if (dups.includes('ext_id')) return rejected('duplicate_ext_id', `${label}: the external id already belongs to another Brevo contact.`);
  // Endpoints answering with the plain errorModel (e.g. /contacts/batch) name the duplicate only in the text.
  if (/already associated/i.test(said)) {
    if (/\bSMS\b/.test(said)) return rejected('duplicate_sms', `${label}: the SMS number already belongs to another Brevo contact. Fix the phone number on one of the two records.`);
    if (/ext_id/i.test(said)) return rejected('duplicate_ext_id', `${label}: the external id already belongs to another Brevo contact.`);
    if (/email/i.test(said)) return rejected('duplicate_email', `${label}: the email address already belongs to another Brevo contact.`);
  }
  if (/phone|sms|whatsapp|landline/i.test(said)) return rejected('invalid_phone', `${label}: Brevo rejected the phone number ("${said}"). Store it with its country code, e.g. +33 6 12 34 56 78.`);
  if (/email/i.test(said) && /invalid/i.test(said)) return rejected('invalid_email', `${label}: Brevo rejected the email address as invalid.`);
  if (/blacklist|blocklist/i.test(said)) return rejected('blocklisted', `${label}: the contact is blocklisted in Brevo ("${said}").`);
  if (err.kind === 'not_found' || /does not exist|not found/i.test(said)) return rejected('not_found', `${label}: the contact does not exist in Brevo.`);
  return rejected('invalid', `${label}: Brevo refused the record ("${said || `HTTP ${err.status ?? '?'}`}").`);
}
