import { BrevoClient } from '../brevo';
import { BrevoError } from '../brevo';
import { decryptSecret, encryptSecret, maskSecret } from '../crypto';
import { pgPool } from '../db/pool';
import { prisma } from '../db/prisma';
import { env } from '../env';
import { AppError } from '../errors';
import { PgRateLimiter } from '../ratelimit/pg-limiter';

export interface BrevoConnectionView {
  connected: boolean;
  keyHint?: string;
  accountEmail?: string | null;
  accountName?: string | null;
  status?: 'active' | 'invalid';
  lastError?: string | null;
  validatedAt?: string | null;
}

/** A Brevo client for a key, spending the company's shared Brevo budget. */
export function brevoClient(companyId: string, apiKey: string, opts: { maxRetries?: number } = {}): BrevoClient {
  return new BrevoClient({
    baseUrl: env().BREVO_API_URL,
    apiKey,
    limiter: new PgRateLimiter(pgPool(), companyId),
    budgetKey: `brevo:${companyId}`,
    maxRetries: opts.maxRetries,
  });
}

export async function brevoClientForCompany(companyId: string): Promise<BrevoClient | null> {
  const conn = await prisma().brevoConnection.findUnique({ where: { companyId } });
  return conn ? brevoClient(companyId, decryptSecret(conn.apiKeyEnc)) : null;
}

/**
 * Validates a pasted key against `GET /account` and stores it encrypted. Each way a key can be
 * wrong gets its own message, because each has a different fix.
 */
export async function connectBrevo(companyId: string, rawKey: string): Promise<BrevoConnectionView> {
  const apiKey = rawKey.trim();
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(apiKey)) {
    throw new AppError('brevo_key_format', 'That does not look like a Brevo API key. Copy the v3 key from Brevo (SMTP & API → API keys); it starts with "xkeysib-".', 400);
  }
  let account;
  try {
    account = await brevoClient(companyId, apiKey, { maxRetries: 1 }).getAccount();
  } catch (err) {
    if (err instanceof BrevoError) {
      const byKind: Record<string, string> = {
        auth: 'Brevo rejected this API key. Check that you copied the whole key, or create a new one in Brevo (SMTP & API → API keys).',
        permission: 'This Brevo key is valid but lacks permission to read the account. Create a key with full API access.',
        ip_not_allowed: "Brevo blocked this request because of the account's authorized IPs. In Brevo (Security → Authorized IPs), allow Pipebridge's IP addresses or deactivate the IP restriction.",
        rate_limited: 'Brevo is rate-limiting this account right now. Try again in a minute.',
        transient: 'Brevo did not answer properly. Try again in a minute; your key was not saved.',
      };
      throw new AppError(`brevo_${err.kind}`, byKind[err.kind] ?? err.message, err.kind === 'transient' || err.kind === 'rate_limited' ? 503 : 400);
    }
    throw err;
  }
  const conn = await prisma().brevoConnection.upsert({
    where: { companyId },
    create: { companyId, apiKeyEnc: encryptSecret(apiKey), keyHint: maskSecret(apiKey), accountEmail: account.email ?? null, accountName: account.companyName ?? null, status: 'active', validatedAt: new Date() },
    update: { apiKeyEnc: encryptSecret(apiKey), keyHint: maskSecret(apiKey), accountEmail: account.email ?? null, accountName: account.companyName ?? null, status: 'active', lastError: null, validatedAt: new Date() },
  });
  return viewOf(conn);
}

export async function getBrevoConnection(companyId: string): Promise<BrevoConnectionView> {
  const conn = await prisma().brevoConnection.findUnique({ where: { companyId } });
  return conn ? viewOf(conn) : { connected: false };
}

export async function disconnectBrevo(companyId: string): Promise<void> {
  await prisma().brevoConnection.deleteMany({ where: { companyId } });
}

function viewOf(conn: { keyHint: string; accountEmail: string | null; accountName: string | null; status: 'active' | 'invalid'; lastError: string | null; validatedAt: Date | null }): BrevoConnectionView {
  return {
    connected: true,
    keyHint: conn.keyHint,
    accountEmail: conn.accountEmail,
    accountName: conn.accountName,
    status: conn.status,
    lastError: conn.lastError,
    validatedAt: conn.validatedAt?.toISOString() ?? null,
  };
}
