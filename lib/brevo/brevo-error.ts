export type BrevoErrorKind = 'auth' | 'permission' | 'ip_not_allowed' | 'not_found' | 'rate_limited' | 'transient' | 'invalid' | 'duplicate';

export interface BrevoErrorDetails {
  status?: number;
  /** Brevo's `code` (e.g. duplicate_parameter). */
  code?: string;
  /** Brevo's own `message`, kept apart from the admin-facing text. */
  brevoMessage?: string;
  metadata?: Record<string, unknown>;
  /** For rate_limited: when the budget opens again. */
  retryAt?: Date;
  cause?: unknown;
}

/**
 * Every failure of the Brevo client. `kind` drives what callers do (retry later, ask the admin to fix the key,
 * park a record for review); `message` is written for the admin who has to act on it.
 */
export class BrevoError extends Error {
  readonly status?: number;
  readonly code?: string;
  readonly brevoMessage?: string;
  readonly metadata?: Record<string, unknown>;
  readonly retryAt?: Date;

  constructor(
    readonly kind: BrevoErrorKind,
    message: string,
    details: BrevoErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BrevoError';
    this.status = details.status;
    this.code = details.code;
    this.brevoMessage = details.brevoMessage;
    this.metadata = details.metadata;
    this.retryAt = details.retryAt;
  }

  /** Transient and rate-limit failures heal by themselves; the others need a person or a data fix. */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }

  /** Which identifiers Brevo says are already taken (`metadata.duplicate_identifiers`), lower-cased. */
  get duplicateIdentifiers(): string[] {
    const ids = this.metadata?.duplicate_identifiers;
    return Array.isArray(ids) ? ids.filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase()) : [];
  }
}

interface ErrorBody {
  code?: unknown;
  message?: unknown;
  metadata?: unknown;
}

/** Maps a non-2xx answer to a BrevoError with a message that names the problem and the fix. */
export function errorFromResponse(status: number, body: unknown, what: string): BrevoError {
  const b: ErrorBody = typeof body === 'object' && body !== null ? (body) : {};
  const code = typeof b.code === 'string' ? b.code : undefined;
  const brevoMessage = typeof b.message === 'string' ? b.message : typeof body === 'string' ? body.slice(0, 200) : undefined;
  const metadata = typeof b.metadata === 'object' && b.metadata !== null ? (b.metadata as Record<string, unknown>) : undefined;
  const details = { status, code, brevoMessage, metadata };
  const said = brevoMessage ? ` Brevo said: "${brevoMessage}".` : '';
  if (status === 401 && brevoMessage && /\bIP\b|ip address/i.test(brevoMessage)) {
    return new BrevoError(
      'ip_not_allowed',
      `Brevo refused the call because this server's IP address is not on the account's authorised IPs list.${said} In Brevo, open Security → Authorised IPs and allow it (or turn the restriction off), then retry.`,
      details,
    );
  }
  if (status === 401) {
    return new BrevoError('auth', `Brevo did not accept the API key.${said} Create a new v3 API key in Brevo (SMTP & API → API keys) and enter it again in the connection settings.`, details);
  }
  if (status === 403) {
    return new BrevoError('permission', `The Brevo API key is valid but may not ${what}.${said} Use a key with full API access, or ask the Brevo account owner to grant it.`, details);
  }
  if (status === 404) return new BrevoError('not_found', `Brevo could not find what was asked for while trying to ${what}.${said}`, details);
  if (status === 429) return new BrevoError('rate_limited', `Brevo's request limit was reached while trying to ${what}. The sync will resume by itself when the limit resets.`, details);
  if (status >= 500 || status === 408 || status === 425) {
    return new BrevoError('transient', `Brevo had a temporary problem (HTTP ${status}) while trying to ${what}. It will be retried automatically.`, details);
  }
  const dup = Array.isArray(metadata?.duplicate_identifiers) && metadata.duplicate_identifiers.length > 0;
  if (dup || code === 'duplicate_parameter') {
    return new BrevoError('duplicate', `Brevo refused to ${what} because an identifier already belongs to another contact.${said} Merge or fix the duplicate in Brevo or Pipedrive.`, details);
  }
  return new BrevoError('invalid', `Brevo refused to ${what} (HTTP ${status}).${said} Check the data sent for this record or setting.`, details);
}
