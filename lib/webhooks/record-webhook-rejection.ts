import { pgPool } from '../db/pool';
import { childLogger } from '../log';

const log = childLogger({ part: 'webhook-ingest' });

/** How much of a refused body is kept: enough to recognise it, never a whole payload. */
export const REJECTION_EXCERPT_CHARS = 2048;

export interface WebhookRejectionInput {
  companyId: string | null;
  path: string;
  statusCode: number;
  reason: string;
  body: string | null;
}

/** Text as Postgres can store it: no NUL characters, bounded length. */
export function excerpt(text: string | null, max = REJECTION_EXCERPT_CHARS): string | null {
  if (text === null || text.length === 0) return null;
  // eslint-disable-next-line no-control-regex -- NUL is exactly what must go.
  const clean = text.slice(0, max + 64).replace(/\u0000/g, '\uFFFD');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * Keeps a refused delivery for the admin and for forensics: status, reason and the start of the
 * body, never the headers (they carry the Basic credentials). Recording must never turn a
 * refusal into an error, so a failed write is logged and swallowed.
 */
export async function recordWebhookRejection(input: WebhookRejectionInput): Promise<void> {
  try {
    await pgPool().query('INSERT INTO webhook_rejections (company_id, path, status_code, reason, body_excerpt) VALUES ($1, $2, $3, $4, $5)', [
      input.companyId,
      input.path.slice(0, 512),
      input.statusCode,
      // Parser messages quote the body, so the reason may hold NULs too.
      excerpt(input.reason, 1000) ?? 'refused',
      excerpt(input.body),
    ]);
  } catch (err) {
    log.error({ err, companyId: input.companyId, statusCode: input.statusCode }, 'could not record a webhook rejection');
  }
}
