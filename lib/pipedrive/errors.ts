import { errorBodySchema } from './schemas/common';

export type PipedriveErrorKind = 'auth' | 'permission' | 'not_found' | 'rate_limited' | 'budget_exhausted' | 'transient' | 'invalid';

/**
 * The one error type of the Pipedrive client. `kind` drives what callers do (reconnect, skip the
 * record, pause the company, retry later); `adminMessage` says what an admin should do.
 */
export class PipedriveError extends Error {
  readonly kind: PipedriveErrorKind;
  readonly status: number | undefined;
  /** Pipedrive's own error text or OAuth error code (e.g. invalid_grant). */
  readonly code: string | undefined;
  readonly adminMessage: string;
  /** When it makes sense to try again (rate limits, daily budget). */
  readonly retryAt: Date | undefined;
  readonly operation: string;

  constructor(init: { kind: PipedriveErrorKind; operation: string; message: string; adminMessage: string; status?: number; code?: string; retryAt?: Date; cause?: unknown }) {
    super(`${init.operation}: ${init.message}`, { cause: init.cause });
    this.name = 'PipedriveError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.adminMessage = init.adminMessage;
    this.retryAt = init.retryAt;
  }

  /** Worth retrying by the same worker after a backoff. */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }
}

export const ADMIN_MESSAGES = {
  auth: 'Pipedrive no longer accepts our credentials. Reconnect Pipedrive in the app settings (the app may have been uninstalled or the token revoked).',
  invalidGrant: 'The Pipedrive authorization has expired or was revoked. Reconnect Pipedrive in the app settings.',
  permission: 'The connected Pipedrive user is not allowed to do this. Reconnect Pipedrive with an admin user, or make sure the app has the required scopes.',
  scope: 'The app is missing a Pipedrive permission (scope) for this. Reinstall the app from the Pipedrive Marketplace to grant it.',
  accountClosed: 'The Pipedrive company account is not active (trial ended or unpaid). Ask the Pipedrive admin to reactivate the subscription.',
  notFound: 'The record no longer exists in Pipedrive (deleted or merged). Nothing to do; it is skipped.',
  rateLimited: 'Pipedrive is throttling our requests. The sync slows down and continues automatically.',
  abuseBlock: 'Pipedrive temporarily blocked our requests after repeated rate-limit errors. The sync pauses and resumes automatically.',
  budget: (retryAt: Date) =>
    `The Pipedrive company's daily API budget is used up. Syncing resumes after ${retryAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. A plan upgrade, more seats or an API token top-up raises the budget.`,
  transient: 'Pipedrive is temporarily unavailable. We retry automatically; nothing to do unless this persists for hours.',
  invalid: (detail: string) => `Pipedrive refused the data we sent (${detail}). Check the field mapping for this record.`,
} as const;

function bodyError(body: unknown): { error?: string; code?: string } {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const errors = parsed.data.errors ? Object.entries(parsed.data.errors).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ') : undefined;
  return { error: parsed.data.error ?? errors ?? undefined, code: parsed.data.code ?? undefined };
}

/** Next midnight UTC: the sandbox and Pipedrive's servers reset the daily budget then. */
export function nextBudgetReset(now: number): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

/**
 * Maps a failed HTTP answer to a PipedriveError. 429s are split into burst limits (retry soon)
 * and the company's daily budget (pause until the reset) by the daily-budget headers.
 */
export function classifyHttpError(input: { operation: string; status: number; body: unknown; rawBody: string; headers: Headers; now: number }): PipedriveError {
  const { operation, status, headers, now } = input;
  const { error, code } = bodyError(input.body);
  const detail = error ?? `HTTP ${status}`;
  const base = { operation, status, code: code ?? error };
  if (status === 401) return new PipedriveError({ ...base, kind: 'auth', message: detail, adminMessage: ADMIN_MESSAGES.auth });
  if (status === 402) return new PipedriveError({ ...base, kind: 'permission', message: detail, adminMessage: ADMIN_MESSAGES.accountClosed });
  if (status === 403) {
    // After repeated 429s Pipedrive answers 403 with a Cloudflare HTML page, not JSON.
    if (input.body === undefined && /<html/i.test(input.rawBody)) {
      return new PipedriveError({ ...base, kind: 'rate_limited', message: 'blocked by Cloudflare after too many requests', adminMessage: ADMIN_MESSAGES.abuseBlock, retryAt: new Date(now + 10 * 60_000) });
    }
    if (/scope/i.test(detail)) return new PipedriveError({ ...base, kind: 'permission', message: detail, adminMessage: ADMIN_MESSAGES.scope });
    return new PipedriveError({ ...base, kind: 'permission', message: detail, adminMessage: ADMIN_MESSAGES.permission });
  }
  if (status === 404 || status === 410) return new PipedriveError({ ...base, kind: 'not_found', message: detail, adminMessage: ADMIN_MESSAGES.notFound });
  if (status === 429) {
    const dailyRemaining = headers.get('x-daily-ratelimit-token-remaining');
    if (dailyRemaining === '0' || /company/i.test(detail)) {
      const retryAt = nextBudgetReset(now);
      return new PipedriveError({ ...base, kind: 'budget_exhausted', message: detail, adminMessage: ADMIN_MESSAGES.budget(retryAt), retryAt });
    }
    const resetSeconds = Number(headers.get('x-ratelimit-reset') ?? headers.get('retry-after') ?? '2');
    return new PipedriveError({ ...base, kind: 'rate_limited', message: detail, adminMessage: ADMIN_MESSAGES.rateLimited, retryAt: new Date(now + (Number.isFinite(resetSeconds) ? Math.max(1, resetSeconds) : 2) * 1000) });
  }
  if (status === 408 || status >= 500) return new PipedriveError({ ...base, kind: 'transient', message: detail, adminMessage: ADMIN_MESSAGES.transient });
  return new PipedriveError({ ...base, kind: 'invalid', message: detail, adminMessage: ADMIN_MESSAGES.invalid(detail) });
}
