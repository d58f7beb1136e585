import { TokenService, ReauthorizationRequiredError, type OAuthRefresher } from '../auth/tokens';
import { pgPool } from '../db/pool';
import { prisma } from '../db/prisma';
import { env } from '../env';
import { PipedriveClient, PipedriveError, refreshAccessToken, type OAuthClientConfig } from '../pipedrive';
import { PgRateLimiter } from '../ratelimit/pg-limiter';

/** The app's OAuth client configuration (the sandbox's in demo and tests). */
export function oauthConfig(): OAuthClientConfig {
  const e = env();
  if (!e.PIPEDRIVE_CLIENT_ID || !e.PIPEDRIVE_CLIENT_SECRET) throw new Error('PIPEDRIVE_CLIENT_ID and PIPEDRIVE_CLIENT_SECRET are required for the Marketplace app.');
  return { baseUrl: e.PIPEDRIVE_OAUTH_URL, clientId: e.PIPEDRIVE_CLIENT_ID, clientSecret: e.PIPEDRIVE_CLIENT_SECRET };
}

/** Refreshes through lib/pipedrive; a refused refresh token becomes "reauthorization required". */
export const pipedriveRefresher: OAuthRefresher = {
  async refresh(refreshToken) {
    try {
      const t = await refreshAccessToken(oauthConfig(), refreshToken);
      return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresInSeconds: Math.round((t.expiresAt.getTime() - Date.now()) / 1000), apiDomain: t.apiDomain, scopes: t.scopes };
    } catch (err) {
      if (err instanceof PipedriveError && err.kind === 'auth') throw new ReauthorizationRequiredError(err.adminMessage);
      throw err;
    }
  },
};

let service: TokenService | undefined;
export function tokenService(): TokenService {
  service ??= new TokenService(prisma(), pipedriveRefresher);
  return service;
}

/**
 * A Pipedrive client acting for the company (an admin's working installation), spending the
 * company's budget that all workers share.
 */
export async function pipedriveForCompany(companyId: string): Promise<PipedriveClient> {
  const tokens = tokenService();
  const auth = await tokens.companyAuth(companyId);
  const limiter = new PgRateLimiter(pgPool(), companyId);
  return new PipedriveClient({
    apiDomain: auth.apiDomain,
    limiter,
    budgetKey: `pipedrive:${companyId}`,
    auth:
      auth.mode === 'api_token'
        ? { kind: 'api_token', token: auth.token }
        : { kind: 'oauth', getAccessToken: () => tokens.tokenFor(auth.installationId), onUnauthorized: async () => void (await tokens.handleRejectedToken(auth.installationId)) },
  });
}
