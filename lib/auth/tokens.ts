import { decryptSecret, encryptSecret } from '../crypto';
import type { PrismaClient } from '../generated/prisma/client';
import { childLogger } from '../log';

/**
 * Access tokens for background work and API calls. A token is refreshed shortly before it
 * expires, once per installation even when many jobs in many processes ask at the same moment:
 * the refresh happens under a row lock (SELECT … FOR UPDATE), and whoever gets the lock second
 * finds the fresh token already stored. New tokens are committed before anyone uses them, so a
 * crash can never lose the only valid refresh token.
 */
export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  apiDomain?: string;
  scopes?: string[];
}

export interface OAuthRefresher {
  refresh(refreshToken: string): Promise<RefreshedTokens>;
}

/** The refresh token was refused for good (`invalid_grant`, revoked app): only the user can fix it. */
export class ReauthorizationRequiredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReauthorizationRequiredError';
  }
}

export class NoWorkingInstallationError extends Error {
  constructor(readonly companyId: string) {
    super('No admin of this company has a working Pipedrive connection: an admin must reconnect Pipedrive in Pipebridge.');
    this.name = 'NoWorkingInstallationError';
  }
}

export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface CompanyPipedriveAuth {
  installationId: string;
  apiDomain: string;
  mode: 'oauth' | 'api_token';
  token: string;
}

export class TokenService {
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly log = childLogger({ part: 'tokens' });

  constructor(
    private readonly db: PrismaClient,
    private readonly refresher: OAuthRefresher,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A usable token for one installation, refreshed if it is about to expire. */
  async tokenFor(installationId: string, opts: { force?: boolean } = {}): Promise<string> {
    const inst = await this.db.installation.findUnique({ where: { id: installationId } });
    if (!inst || inst.status !== 'active') throw new ReauthorizationRequiredError('This Pipedrive connection needs to be reconnected.');
    if (inst.authMode === 'api_token') {
      if (!inst.apiTokenEnc) throw new ReauthorizationRequiredError('The API token is missing: connect Pipedrive again.');
      return decryptSecret(inst.apiTokenEnc);
    }
    if (!opts.force && inst.accessTokenEnc && inst.accessExpiresAt && inst.accessExpiresAt.getTime() - this.now().getTime() > REFRESH_MARGIN_MS) {
      return decryptSecret(inst.accessTokenEnc);
    }
    // One refresh per process at a time; the row lock below makes it one across processes.
    let pending = this.inflight.get(installationId);
    if (!pending) {
      pending = this.refreshUnderLock(installationId, opts.force ?? false).finally(() => this.inflight.delete(installationId));
      this.inflight.set(installationId, pending);
    }
    return pending;
  }

  private async refreshUnderLock(installationId: string, force: boolean): Promise<string> {
    const requestedAt = this.now();
    const outcome = await this.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM installations WHERE id = ${installationId}::uuid FOR UPDATE`;
        const inst = await tx.installation.findUnique({ where: { id: installationId } });
        if (!inst || inst.status !== 'active' || !inst.refreshTokenEnc) return { kind: 'unavailable' as const };
        const fresh = inst.accessExpiresAt && inst.accessExpiresAt.getTime() - this.now().getTime() > REFRESH_MARGIN_MS;
        // Someone else refreshed while we waited for the lock: use theirs.
        const refreshedByOther = inst.refreshedAt && inst.refreshedAt.getTime() >= requestedAt.getTime();
        if (inst.accessTokenEnc && ((fresh && !force) || (force && refreshedByOther))) return { kind: 'ok' as const, token: decryptSecret(inst.accessTokenEnc) };
        let tokens: RefreshedTokens;
        try {
          tokens = await this.refresher.refresh(decryptSecret(inst.refreshTokenEnc));
        } catch (err) {
          if (err instanceof ReauthorizationRequiredError) {
            await tx.installation.update({ where: { id: installationId }, data: { status: 'needs_reconnect', lastError: err.message } });
            return { kind: 'revoked' as const, companyId: inst.companyId, message: err.message };
          }
          throw err;
        }
        const now = this.now();
        await tx.installation.update({
          where: { id: installationId },
          data: {
            accessTokenEnc: encryptSecret(tokens.accessToken),
            refreshTokenEnc: encryptSecret(tokens.refreshToken),
            accessExpiresAt: new Date(now.getTime() + tokens.expiresInSeconds * 1000),
            refreshedAt: now,
            lastError: null,
            ...(tokens.apiDomain ? { apiDomain: tokens.apiDomain } : {}),
            ...(tokens.scopes ? { scopes: tokens.scopes } : {}),
          },
        });
        return { kind: 'ok' as const, token: tokens.accessToken };
      },
      { maxWait: 60_000, timeout: 60_000 },
    );
    if (outcome.kind === 'ok') return outcome.token;
    if (outcome.kind === 'revoked') {
      this.log.warn({ installationId }, 'Pipedrive refused the refresh token; installation needs reconnecting');
      await this.pauseIfNoWorkingInstallation(outcome.companyId);
      throw new ReauthorizationRequiredError(outcome.message);
    }
    throw new ReauthorizationRequiredError('This Pipedrive connection needs to be reconnected.');
  }

  /** Pauses the company's sync when none of its installations works any more. */
  async pauseIfNoWorkingInstallation(companyId: string): Promise<boolean> {
    const working = await this.db.installation.count({ where: { companyId, status: 'active' } });
    if (working > 0) return false;
    await this.db.company.update({
      where: { id: companyId },
      data: { status: 'paused', pausedReason: 'auth: Pipedrive access was revoked or expired. An admin must reconnect Pipedrive.' },
    });
    return true;
  }

  /**
   * Credentials for a company's background work: an admin's working installation, failing over
   * to the next admin when one has been revoked.
   */
  async companyAuth(companyId: string): Promise<CompanyPipedriveAuth> {
    const candidates = await this.db.installation.findMany({
      where: { companyId, status: 'active', isAdmin: true },
      orderBy: [{ refreshedAt: 'desc' }],
    });
    for (const inst of candidates) {
      try {
        const token = await this.tokenFor(inst.id);
        const current = await this.db.installation.findUnique({ where: { id: inst.id }, select: { apiDomain: true } });
        return { installationId: inst.id, apiDomain: current?.apiDomain ?? inst.apiDomain, mode: inst.authMode, token };
      } catch (err) {
        if (!(err instanceof ReauthorizationRequiredError)) throw err;
      }
    }
    await this.pauseIfNoWorkingInstallation(companyId);
    throw new NoWorkingInstallationError(companyId);
  }

  /**
   * Called when Pipedrive answers 401 to a token we believed valid (revoked in Pipedrive's UI):
   * try one forced refresh; if that is refused too the installation is marked for reconnection.
   */
  async handleRejectedToken(installationId: string): Promise<string> {
    return this.tokenFor(installationId, { force: true });
  }

  /** Refreshes installations idle for a while so the 60-day refresh-token expiry never hits. */
  async refreshIdle(olderThanDays = 7): Promise<{ refreshed: number; failed: number }> {
    const cutoff = new Date(this.now().getTime() - olderThanDays * 86_400_000);
    const idle = await this.db.installation.findMany({
      where: { authMode: 'oauth', status: 'active', OR: [{ refreshedAt: null }, { refreshedAt: { lt: cutoff } }] },
      select: { id: true },
    });
    let refreshed = 0;
    let failed = 0;
    for (const { id } of idle) {
      try {
        await this.tokenFor(id, { force: true });
        refreshed++;
      } catch (err) {
        failed++;
        this.log.warn({ err, installationId: id }, 'idle refresh failed');
      }
    }
    return { refreshed, failed };
  }
}
