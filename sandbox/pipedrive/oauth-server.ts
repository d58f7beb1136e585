import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SandboxRequest, SandboxResponse } from '../shared/http';

export const CODE_TTL_MS = 5 * 60_000;
export const ACCESS_TTL_MS = 60 * 60_000;
export const REFRESH_IDLE_TTL_MS = 60 * 864e5;
/** Pipedrive's example answers expires_in: 3599 for a one-hour token. */
const EXPIRES_IN_SECONDS = 3599;

export const DEFAULT_SCOPES = ['base', 'deals:full', 'contacts:full', 'activities:full', 'leads:full', 'recents:read', 'search:read', 'users:read', 'webhooks:full', 'admin'];

export const registerAppSchema = z.object({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  /** The single callback URL: OAuth redirects and uninstall DELETEs go there. */
  redirectUri: z.url(),
  scopes: z.array(z.string()).optional(),
  name: z.string().optional(),
});

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string[];
  name: string;
}

interface Grant {
  clientId: string;
  companyId: number;
  userId: number;
  scopes: string[];
}

export interface AccessGrant extends Grant {
  expiresAt: number;
  refreshToken: string;
}

export interface TokenSet {
  access_token: string;
  token_type: 'Bearer';
  refresh_token: string;
  scope: string;
  expires_in: number;
  api_domain: string;
}

function oauthError(status: number, error: string, message: string): SandboxResponse {
  return { status, body: { success: false, error, message } };
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/**
 * The OAuth side of the sandbox: apps, authorization codes, access and refresh tokens.
 * Behaviour follows https://pipedrive.readme.io/docs/marketplace-oauth-authorization: codes live
 * 5 minutes and are single-use, access tokens 1 hour, refreshing returns the same refresh token
 * with its 60-day idle window extended.
 */
export class OAuthState {
  readonly apps = new Map<string, OAuthApp>();
  private codes = new Map<string, Grant & { redirectUri: string; expiresAt: number; used: boolean }>();
  private access = new Map<string, AccessGrant>();
  private refresh = new Map<string, Grant & { lastUsedAt: number }>();

  constructor(
    private readonly now: () => number,
    private readonly apiDomainOf: (companyId: number) => string,
  ) {}

  registerApp(input: z.input<typeof registerAppSchema>): OAuthApp {
    const parsed = registerAppSchema.parse(input);
    const app: OAuthApp = {
      clientId: parsed.clientId ?? randomBytes(8).toString('hex'),
      clientSecret: parsed.clientSecret ?? randomBytes(20).toString('hex'),
      redirectUri: parsed.redirectUri,
      scopes: parsed.scopes ?? DEFAULT_SCOPES,
      name: parsed.name ?? 'Sandbox app',
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  issueCode(clientId: string, redirectUri: string, companyId: number, userId: number): string {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`unknown client_id ${clientId}`);
    const code = `${companyId}.${randomBytes(18).toString('hex')}`;
    this.codes.set(code, { clientId, companyId, userId, scopes: app.scopes, redirectUri, expiresAt: this.now() + CODE_TTL_MS, used: false });
    return code;
  }

  private mint(grant: Grant, refreshToken?: string): TokenSet {
    const accessToken = `v1u:${randomBytes(48).toString('base64url')}`;
    const rt = refreshToken ?? `${grant.companyId}:${grant.userId}:${randomBytes(20).toString('hex')}`;
    this.access.set(accessToken, { ...grant, expiresAt: this.now() + ACCESS_TTL_MS, refreshToken: rt });
    this.refresh.set(rt, { ...grant, lastUsedAt: this.now() });
    return { access_token: accessToken, token_type: 'Bearer', refresh_token: rt, scope: grant.scopes.join(','), expires_in: EXPIRES_IN_SECONDS, api_domain: this.apiDomainOf(grant.companyId) };
  }

  /** Skips the browser: gives a token set for (app, company, user) as a completed install would. */
  issueTokens(clientId: string, companyId: number, userId: number): TokenSet {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`unknown client_id ${clientId}`);
    return this.mint({ clientId, companyId, userId, scopes: app.scopes });
  }

  /** Resolves a bearer token; `expired` lets the API answer 401 as the gateway does. */
  resolveAccess(token: string): AccessGrant | 'expired' | undefined {
    const g = this.access.get(token);
    if (!g) return undefined;
    if (g.expiresAt <= this.now()) return 'expired';
    return g;
  }

  /** Removes every token of one installation (uninstall). */
  revokeInstallation(clientId: string, companyId: number, userId: number): number {
    let n = 0;
    const mine = (g: Grant) => g.clientId === clientId && g.companyId === companyId && g.userId === userId;
    for (const [k, g] of this.access) if (mine(g) && this.access.delete(k)) n++;
    for (const [k, g] of this.refresh) if (mine(g) && this.refresh.delete(k)) n++;
    return n;
  }

  installations(): Grant[] {
    const seen = new Map<string, Grant>();
    for (const g of this.refresh.values()) seen.set(`${g.clientId}|${g.companyId}|${g.userId}`, { clientId: g.clientId, companyId: g.companyId, userId: g.userId, scopes: g.scopes });
    return [...seen.values()];
  }

  private authenticateClient(req: SandboxRequest, form: Record<string, string>): OAuthApp | undefined {
    const basic = parseBasicAuth(req.headers.authorization);
    // Credentials in the body are allowed though not recommended.
    const id = basic?.user ?? form.client_id;
    const secret = basic?.password ?? form.client_secret;
    if (!id || !secret) return undefined;
    const app = this.apps.get(id);
    return app && safeEqual(app.clientSecret, secret) ? app : undefined;
  }

  handleToken(req: SandboxRequest): SandboxResponse {
    if (!(req.headers['content-type'] ?? '').toLowerCase().includes('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'Invalid request: content must be application/x-www-form-urlencoded');
    }
    const form = (req.body ?? {}) as Record<string, string>;
    const app = this.authenticateClient(req, form);
    if (!app) return oauthError(401, 'invalid_client', 'Invalid client');
    if (form.grant_type === 'authorization_code') {
      const code = form.code ? this.codes.get(form.code) : undefined;
      if (!code || code.clientId !== app.clientId) return oauthError(400, 'invalid_grant', 'Invalid grant: authorization_code is invalid');
      if (code.used) {
        // A replayed code is refused (RFC 6749 §4.1.2).
        return oauthError(400, 'invalid_grant', 'Invalid grant: authorization_code is invalid');
      }
      if (code.expiresAt <= this.now()) return oauthError(400, 'invalid_grant', 'Invalid grant: authorization_code has expired');
      if (form.redirect_uri !== code.redirectUri) return oauthError(400, 'invalid_request', 'Invalid request: redirect_uri is invalid');
      code.used = true;
      return { status: 200, body: this.mint(code) };
    }
    if (form.grant_type === 'refresh_token') {
      const rt = form.refresh_token;
      const g = rt ? this.refresh.get(rt) : undefined;
      if (!rt || !g || g.clientId !== app.clientId) return oauthError(400, 'invalid_grant', 'Invalid grant: refresh_token is invalid');
      if (g.lastUsedAt + REFRESH_IDLE_TTL_MS <= this.now()) {
        this.refresh.delete(rt);
        return oauthError(400, 'invalid_grant', 'Invalid grant: refresh_token has expired');
      }
      g.lastUsedAt = this.now();
      return { status: 200, body: this.mint(g, rt) };
    }
    return oauthError(400, 'unsupported_grant_type', 'Invalid request: grant_type is not supported');
  }

  /**
   * RFC 7009 revoke: always 200. Revoking a refresh token uninstalls the app (every token of the
   * installation goes); revoking an access token only kills that token.
   */
  handleRevoke(req: SandboxRequest, onUninstall: (g: Grant) => void): SandboxResponse {
    const form = (req.body ?? {}) as Record<string, string>;
    const app = this.authenticateClient(req, form);
    if (!app) return oauthError(401, 'invalid_client', 'Invalid client');
    const token = form.token ?? '';
    const rg = this.refresh.get(token);
    if (rg && rg.clientId === app.clientId && form.token_type_hint !== 'access_token') {
      this.revokeInstallation(rg.clientId, rg.companyId, rg.userId);
      onUninstall(rg);
    } else if (this.access.get(token)?.clientId === app.clientId) {
      this.access.delete(token);
    }
    return { status: 200, body: { success: true } };
  }
}
