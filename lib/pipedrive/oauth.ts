import 'server-only';
import { z } from 'zod';
import { ADMIN_MESSAGES, PipedriveError } from './errors';

/** Where the OAuth server is (https://oauth.pipedrive.com, or the sandbox) and who we are. */
export interface OAuthClientConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  refresh_token: z.string().min(1),
  scope: z.string().default(''),
  expires_in: z.number().int().positive(),
  api_domain: z.url(),
});

export const tokenSetSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Absolute expiry computed from expires_in at receipt. */
  expiresAt: z.date(),
  /** Base URL of the company's API, e.g. https://acme.pipedrive.com. */
  apiDomain: z.string(),
  scopes: z.array(z.string()),
});
export type TokenSet = z.infer<typeof tokenSetSchema>;

const oauthErrorSchema = z.object({ error: z.string().optional(), message: z.string().optional(), error_description: z.string().optional() }).loose();

function basic(cfg: OAuthClientConfig): string {
  return `Basic ${Buffer.from(`${cfg.clientId}:${cfg.clientSecret}`).toString('base64')}`;
}

/** The authorize URL for installs started by the app (state guards against CSRF). */
export function buildAuthorizeUrl(cfg: Pick<OAuthClientConfig, 'baseUrl' | 'clientId'>, p: { redirectUri: string; state: string }): string {
  const u = new URL('/oauth/authorize', cfg.baseUrl);
  u.searchParams.set('client_id', cfg.clientId);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('state', p.state);
  return u.toString();
}

async function postForm(cfg: OAuthClientConfig, path: string, form: Record<string, string>, operation: string): Promise<unknown> {
  let res: Response;
  let raw: string;
  try {
    res = await (cfg.fetch ?? fetch)(new URL(path, cfg.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(cfg), accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(cfg.timeoutMs ?? 15_000),
    });
    raw = await res.text();
  } catch (e) {
    throw new PipedriveError({ kind: 'transient', operation, message: `network error: ${(e as Error).message}`, adminMessage: ADMIN_MESSAGES.transient, cause: e });
  }
  let body: unknown;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    body = undefined;
  }
  if (res.ok) return body;
  const err = oauthErrorSchema.safeParse(body ?? {});
  const code = err.success ? err.data.error : undefined;
  const message = (err.success ? (err.data.message ?? err.data.error_description) : undefined) ?? `HTTP ${res.status}`;
  if (res.status >= 500 || res.status === 429) throw new PipedriveError({ kind: 'transient', operation, status: res.status, code, message, adminMessage: ADMIN_MESSAGES.transient });
  // invalid_grant: the code was used or expired, or the refresh token is dead: the user must reconnect.
  if (code === 'invalid_grant' || /invalid grant/i.test(message)) throw new PipedriveError({ kind: 'auth', operation, status: res.status, code: 'invalid_grant', message, adminMessage: ADMIN_MESSAGES.invalidGrant });
  if (code === 'invalid_client' || res.status === 401) {
    throw new PipedriveError({ kind: 'auth', operation, status: res.status, code: 'invalid_client', message, adminMessage: 'Pipedrive rejected the app credentials. Check PIPEDRIVE_CLIENT_ID and PIPEDRIVE_CLIENT_SECRET.' });
  }
  throw new PipedriveError({ kind: 'invalid', operation, status: res.status, code, message, adminMessage: ADMIN_MESSAGES.invalid(message) });
}

function toTokenSet(body: unknown, cfg: OAuthClientConfig, operation: string): TokenSet {
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) throw new PipedriveError({ kind: 'invalid', operation, message: `unexpected token response: ${z.prettifyError(parsed.error)}`, adminMessage: 'Pipedrive answered the token request in an unexpected format. Please contact support.' });
  const t = parsed.data;
  return tokenSetSchema.parse({
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: new Date((cfg.now ?? Date.now)() + t.expires_in * 1000),
    apiDomain: t.api_domain.replace(/\/+$/, ''),
    scopes: t.scope.split(',').map((s) => s.trim()).filter(Boolean),
  });
}

/** Exchanges an authorization code (valid 5 minutes, single use) for tokens. */
export async function exchangeCode(cfg: OAuthClientConfig, p: { code: string; redirectUri: string }): Promise<TokenSet> {
  const body = await postForm(cfg, '/oauth/token', { grant_type: 'authorization_code', code: p.code, redirect_uri: p.redirectUri }, 'exchange OAuth code');
  return toTokenSet(body, cfg, 'exchange OAuth code');
}

/** Refreshes the access token; Pipedrive returns the same refresh token with its 60 days renewed. */
export async function refreshAccessToken(cfg: OAuthClientConfig, refreshToken: string): Promise<TokenSet> {
  const body = await postForm(cfg, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, 'refresh OAuth token');
  return toTokenSet(body, cfg, 'refresh OAuth token');
}

/** Revokes a token; revoking the refresh token uninstalls the app for that user. */
export async function revokeToken(cfg: OAuthClientConfig, token: string, hint: 'refresh_token' | 'access_token' = 'refresh_token'): Promise<void> {
  await postForm(cfg, '/oauth/revoke', { token, token_type_hint: hint }, 'revoke OAuth token');
}
