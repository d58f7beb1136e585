import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '@/lib/ratelimit/memory-limiter';
import { SandboxClock } from '@/sandbox/shared/clock';
import { listen, readRequest, type RunningServer } from '@/sandbox/shared/http';
import { startPipedriveSandbox, type RunningPipedriveSandbox } from '@/sandbox/pipedrive';
import { PipedriveClient } from './client';
import { buildAuthorizeUrl, exchangeCode, refreshAccessToken, type TokenSet } from './oauth';
import { uninstallBodySchema } from './schemas/webhook-payload-v1';
import { parseWebhookV2 } from './schemas/webhook-payload-v2';

/**
 * The whole life of an installation against the sandbox, as the app will live it: OAuth install,
 * webhook registration, a change made in the Pipedrive UI arriving as a webhook, an unsubscribe
 * written back (arriving with change_source api, so the app can ignore its own echo), uninstall.
 */
describe('installation life cycle against the sandbox', () => {
  const clock = new SandboxClock();
  let sb: RunningPipedriveSandbox;
  let app: RunningServer;
  const inbox: { method: string; path: string; auth?: string; body: unknown }[] = [];

  beforeAll(async () => {
    app = await listen((req, res) => {
      void readRequest(req).then((r) => {
        inbox.push({ method: r.method, path: r.path, auth: r.headers.authorization, body: r.body });
        res.writeHead(200);
        res.end();
      });
    });
    sb = await startPipedriveSandbox({ clock, autoApprove: true, rateLimits: 'real' });
  });
  afterAll(async () => {
    await sb.close();
    await app.close();
  });

  it('installs, syncs both ways and uninstalls', async () => {
    const company = sb.control.createCompany({ domain: 'lifecycle', plan: 'premium', seed: { persons: 50, deals: 10 } });
    const registered = sb.control.registerApp({ redirectUri: `${app.url}/api/auth/callback/pipedrive` });
    sb.control.setLoginUser('lifecycle');
    const cfg = { baseUrl: sb.url, clientId: registered.clientId, clientSecret: registered.clientSecret, now: () => clock.now() };

    const redirect = await fetch(buildAuthorizeUrl(cfg, { redirectUri: registered.redirectUri, state: 'csrf-123' }), { redirect: 'manual' });
    const callback = new URL(redirect.headers.get('location')!);
    expect(callback.searchParams.get('state')).toBe('csrf-123');
    let tokens: TokenSet = await exchangeCode(cfg, { code: callback.searchParams.get('code')!, redirectUri: registered.redirectUri });

    const client = new PipedriveClient({
      apiDomain: tokens.apiDomain,
      auth: {
        kind: 'oauth',
        getAccessToken: () => Promise.resolve(tokens.accessToken),
        onUnauthorized: async () => {
          tokens = await refreshAccessToken(cfg, tokens.refreshToken);
        },
      },
      limiter: new MemoryRateLimiter(() => clock.now()),
      budgetKey: `pipedrive:${company.id}`,
      plan: 'premium',
      now: () => clock.now(),
    });
    const me = await client.me();
    expect([me.company_id, me.id]).toEqual([company.id, company.adminUserId]);

    const hook = await client.createWebhook({ subscription_url: `${app.url}/api/webhooks/pipedrive`, event_action: '*', event_object: 'person', name: 'pipebridge persons', http_auth_user: 'pd', http_auth_password: 'hook-secret' });
    expect(hook.type).toBe('application');

    sb.control.editPerson('lifecycle', 5, { first_name: 'Changed', name: 'Changed In UI' });
    await sb.control.flushWebhooks();
    const uiEvent = parseWebhookV2(inbox.at(-1)!.body);
    if (!uiEvent.ok) throw new Error(uiEvent.error);
    expect(uiEvent.event).toMatchObject({ entity: 'person', meta: { action: 'change', change_source: 'app', entity_id: '5' }, previous: { name: expect.any(String) as string } });
    expect(inbox.at(-1)!.auth).toBe(`Basic ${Buffer.from('pd:hook-secret').toString('base64')}`);

    clock.advance(61 * 60_000);
    const written = await client.updatePerson(5, { marketing_status: 'unsubscribed' });
    expect(written.marketing_status).toBe('unsubscribed');
    await sb.control.flushWebhooks();
    const echo = parseWebhookV2(inbox.at(-1)!.body);
    if (!echo.ok) throw new Error(echo.error);
    expect(echo.event.meta.change_source).toBe('api');

    const result = await sb.control.uninstall({ clientId: registered.clientId, domain: 'lifecycle' });
    expect(result.removedWebhooks).toBe(1);
    const uninstall = inbox.find((m) => m.method === 'DELETE')!;
    expect(uninstall.path).toBe('/api/auth/callback/pipedrive');
    expect(uninstallBodySchema.parse(uninstall.body)).toMatchObject({ company_id: company.id, user_id: company.adminUserId });
    await expect(client.me()).rejects.toMatchObject({ kind: 'auth' });
  });
});
