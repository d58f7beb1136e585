import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '@/lib/ratelimit/memory-limiter';
import { SandboxClock } from '@/sandbox/shared/clock';
import { startPipedriveSandbox, type CompanyInfo, type OAuthApp, type RunningPipedriveSandbox } from '@/sandbox/pipedrive';
import { PipedriveClient } from './client';
import { PipedriveError } from './errors';
import { buildAuthorizeUrl, exchangeCode, refreshAccessToken, revokeToken, type OAuthClientConfig } from './oauth';

const clock = new SandboxClock();
let sb: RunningPipedriveSandbox;
let co: CompanyInfo;
let app: OAuthApp;
let cfg: OAuthClientConfig;
const redirectUri = 'https://app.example.com/api/auth/callback/pipedrive';

async function failure(p: Promise<unknown>): Promise<PipedriveError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PipedriveError) return e;
    throw e;
  }
  throw new Error('expected a PipedriveError');
}

/** Follows the authorize step as a browser would, returning the callback URL it lands on. */
async function authorize(state: string): Promise<URL> {
  const res = await fetch(buildAuthorizeUrl(cfg, { redirectUri, state }), { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

function apiClient(accessToken: string, apiDomain: string): PipedriveClient {
  return new PipedriveClient({ apiDomain, auth: { kind: 'oauth', getAccessToken: () => Promise.resolve(accessToken) }, limiter: new MemoryRateLimiter(), budgetKey: 'oauth-test', maxRetries: 0 });
}

beforeAll(async () => {
  sb = await startPipedriveSandbox({ clock, autoApprove: true });
  co = sb.control.createCompany({ domain: 'oauth-co', seed: { persons: 2 } });
  sb.control.createCompany({ domain: 'oauth-other', seed: { persons: 2 } });
  app = sb.control.registerApp({ redirectUri, name: 'Pipebridge test' });
  cfg = { baseUrl: sb.url, clientId: app.clientId, clientSecret: app.clientSecret, now: () => clock.now() };
});
afterAll(async () => sb.close());
beforeEach(() => {
  sb.control.setAutoApprove(true);
  sb.control.setLoginUser('oauth-co');
});

describe('authorization code flow', () => {
  it('redirects with code and state, and exchanges the code for a token set bound to the api_domain', async () => {
    const cb = await authorize('st-1');
    expect(`${cb.origin}${cb.pathname}`).toBe(redirectUri);
    expect(cb.searchParams.get('state')).toBe('st-1');
    const tokens = await exchangeCode(cfg, { code: cb.searchParams.get('code')!, redirectUri });
    expect(tokens.apiDomain).toBe(co.apiDomain);
    const ttl = tokens.expiresAt.getTime() - clock.now();
    expect(ttl).toBeGreaterThan(3599_000 - 1000);
    expect(ttl).toBeLessThanOrEqual(3599_000);
    expect(tokens.scopes).toContain('contacts:full');
    const me = await apiClient(tokens.accessToken, tokens.apiDomain).me();
    expect(me).toMatchObject({ company_id: co.id, id: co.adminUserId });
  });

  it('shows a consent page and passes state through on approve and deny', async () => {
    sb.control.setAutoApprove(false);
    const page = await fetch(buildAuthorizeUrl(cfg, { redirectUri, state: 'st-2' }));
    const html = await page.text();
    expect(html).toContain('Allow and install');
    expect(html).toContain('value="st-2"');
    const decide = async (decision: string) => {
      const res = await fetch(`${sb.url}/oauth/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: app.clientId, redirect_uri: redirectUri, state: 'st-2', login: `${co.id}:${co.adminUserId}`, decision }).toString(),
      });
      return new URL(res.headers.get('location')!);
    };
    const approved = await decide('approve');
    expect(approved.searchParams.get('code')).toBeTruthy();
    expect(approved.searchParams.get('state')).toBe('st-2');
    const denied = await decide('deny');
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: 'user_denied', state: 'st-2' });
  });

  it('never redirects to an unregistered redirect_uri', async () => {
    const res = await fetch(buildAuthorizeUrl(cfg, { redirectUri: 'https://evil.example.com/cb', state: 'x' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses an expired code (5 minutes) and a reused code with invalid_grant', async () => {
    const code = (await authorize('s')).searchParams.get('code')!;
    clock.advance(5 * 60_000 + 1);
    const expired = await failure(exchangeCode(cfg, { code, redirectUri }));
    expect(expired).toMatchObject({ kind: 'auth', code: 'invalid_grant' });
    expect(expired.message).toMatch(/expired/);
    expect(expired.adminMessage).toMatch(/reconnect pipedrive/i);
    const fresh = (await authorize('s')).searchParams.get('code')!;
    await exchangeCode(cfg, { code: fresh, redirectUri });
    expect(await failure(exchangeCode(cfg, { code: fresh, redirectUri }))).toMatchObject({ kind: 'auth', code: 'invalid_grant' });
  });

  it('distinguishes invalid_client and invalid_request', async () => {
    const code = (await authorize('s')).searchParams.get('code')!;
    expect(await failure(exchangeCode({ ...cfg, clientSecret: 'wrong' }, { code, redirectUri }))).toMatchObject({ kind: 'auth', code: 'invalid_client' });
    expect(await failure(exchangeCode(cfg, { code, redirectUri: 'https://other.example.com/cb' }))).toMatchObject({ kind: 'invalid', code: 'invalid_request' });
    const json = await fetch(`${sb.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}` }, body: '{}' });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('refresh and revoke', () => {
  it('refreshes an expired access token, keeping the same refresh token', async () => {
    const tokens = await exchangeCode(cfg, { code: (await authorize('r')).searchParams.get('code')!, redirectUri });
    clock.advance(60 * 60_000);
    const stale = await failure(apiClient(tokens.accessToken, tokens.apiDomain).me());
    expect(stale.kind).toBe('auth');
    const renewed = await refreshAccessToken(cfg, tokens.refreshToken);
    expect(renewed.refreshToken).toBe(tokens.refreshToken);
    expect(renewed.accessToken).not.toBe(tokens.accessToken);
    expect((await apiClient(renewed.accessToken, renewed.apiDomain).me()).company_id).toBe(co.id);
  });

  it('refuses an unknown or 60-day idle refresh token with invalid_grant', async () => {
    expect(await failure(refreshAccessToken(cfg, 'nope'))).toMatchObject({ kind: 'auth', code: 'invalid_grant' });
    const tokens = await exchangeCode(cfg, { code: (await authorize('i')).searchParams.get('code')!, redirectUri });
    clock.advance(60 * 864e5);
    expect(await failure(refreshAccessToken(cfg, tokens.refreshToken))).toMatchObject({ kind: 'auth', code: 'invalid_grant' });
  });

  it('rejects a token on another company api_domain', async () => {
    const tokens = await exchangeCode(cfg, { code: (await authorize('d')).searchParams.get('code')!, redirectUri });
    const otherDomain = tokens.apiDomain.replace('oauth-co', 'oauth-other');
    expect((await failure(apiClient(tokens.accessToken, otherDomain).me())).kind).toBe('auth');
  });

  it('revoking the refresh token uninstalls: API and refresh both stop working', async () => {
    const tokens = await exchangeCode(cfg, { code: (await authorize('v')).searchParams.get('code')!, redirectUri });
    await revokeToken(cfg, tokens.refreshToken);
    expect((await failure(apiClient(tokens.accessToken, tokens.apiDomain).me())).kind).toBe('auth');
    expect(await failure(refreshAccessToken(cfg, tokens.refreshToken))).toMatchObject({ code: 'invalid_grant' });
  });
});
