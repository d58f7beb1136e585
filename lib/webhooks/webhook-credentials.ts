import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret } from '../crypto';
import { pgPool } from '../db/pool';
import { prisma } from '../db/prisma';
import { notFound } from '../errors';

export interface WebhookCredentials {
  username: string;
  password: string;
}

/**
 * The company's Basic-auth pair for Pipedrive's deliveries, generated once (random, 256-bit
 * password) and stored with the password encrypted. Concurrent callers agree on one pair: only
 * the first write wins, everyone reads back what was stored.
 */
export async function ensureWebhookCredentials(companyId: string): Promise<WebhookCredentials> {
  const db = prisma();
  const company = await db.company.findUnique({ where: { id: companyId }, select: { webhookUsername: true, webhookPasswordEnc: true } });
  if (!company) throw notFound('The company');
  if (!company.webhookUsername || !company.webhookPasswordEnc) {
    await db.company.updateMany({
      where: { id: companyId, OR: [{ webhookUsername: null }, { webhookPasswordEnc: null }] },
      data: { webhookUsername: `pipebridge-${randomBytes(6).toString('hex')}`, webhookPasswordEnc: encryptSecret(randomBytes(32).toString('base64url')) },
    });
  }
  const stored = await db.company.findUniqueOrThrow({ where: { id: companyId }, select: { webhookUsername: true, webhookPasswordEnc: true } });
  return { username: stored.webhookUsername!, password: decryptSecret(stored.webhookPasswordEnc!) };
}

export interface IngestIdentity extends WebhookCredentials {
  pipedriveCompanyId: number;
}

const CACHE_MS = 60_000;
const cache = new Map<string, { identity: IngestIdentity; until: number }>();

/**
 * What the ingest checks a delivery against, cached for a minute so that a burst of deliveries
 * costs one lookup and one decryption. Undefined for an unknown company or one without webhook
 * credentials (never cached, so a company set up a moment ago is found).
 */
export async function ingestIdentity(companyId: string, now = Date.now()): Promise<IngestIdentity | undefined> {
  const hit = cache.get(companyId);
  if (hit && hit.until > now) return hit.identity;
  const r = await pgPool().query<{ pipedrive_company_id: number; webhook_username: string | null; webhook_password_enc: string | null }>(
    'SELECT pipedrive_company_id, webhook_username, webhook_password_enc FROM companies WHERE id = $1',
    [companyId],
  );
  const row = r.rows[0];
  if (!row?.webhook_username || !row.webhook_password_enc) {
    cache.delete(companyId);
    return undefined;
  }
  const identity = { pipedriveCompanyId: row.pipedrive_company_id, username: row.webhook_username, password: decryptSecret(row.webhook_password_enc) };
  if (cache.size > 10_000) cache.clear();
  cache.set(companyId, { identity, until: now + CACHE_MS });
  return identity;
}

/** Drops a cached identity (the company was deleted or its credentials changed). */
export function forgetIngestIdentity(companyId: string): void {
  cache.delete(companyId);
}
