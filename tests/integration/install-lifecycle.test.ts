import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipedriveSandbox } from '@/sandbox/pipedrive';
import type { OAuthApp } from '@/sandbox/pipedrive';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { useAppEnv } from '../helpers/app-env';
import { serveRoutes } from '../helpers/route-server';
import { countRows } from '../helpers/tenants';

/**
 * Installations against the Pipedrive sandbox's OAuth server: token refresh under concurrency,
 * revoked grants, failover between admins, uninstall, and no secret in the database or the logs.
 */
describe('installation lifecycle', () => {
  let db: TestDatabase;
  let sandbox: Awaited<ReturnType<typeof startPipedriveSandbox>>;
  let routes: Awaited<ReturnType<typeof serveRoutes>>;
  let app: OAuthApp;
  const logFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'pb-log-')), 'app.log');
  const plaintextSecrets: string[] = [];
  let m: {
    prisma: typeof import('@/lib/db/prisma');
    installations: typeof import('@/lib/auth/installations');
    tokens: typeof import('@/lib/auth/tokens');
    access: typeof import('@/lib/engine/pipedrive-access');
    pipedrive: typeof import('@/lib/pipedrive');
    log: typeof import('@/lib/log');
  };

  async function install(domain: string, userId: number) {
    const t = sandbox.control.issueTokens({ clientId: app.clientId, domain, userId });
    plaintextSecrets.push(t.access_token, t.refresh_token);
    const client = new m.pipedrive.PipedriveClient({ apiDomain: t.api_domain, auth: { kind: 'oauth', getAccessToken: () => Promise.resolve(t.access_token) }, limiter: new (await import('@/lib/ratelimit/memory-limiter')).MemoryRateLimiter(), budgetKey: 'test' });
    const me = await client.me();
    const saved = await m.installations.saveInstallation(
      { userId: me.id, name: me.name, email: me.email, companyId: me.company_id, companyName: me.company_name ?? domain, companyDomain: me.company_domain, isAdmin: true },
      { authMode: 'oauth', apiDomain: t.api_domain, accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(Date.now() + t.expires_in * 1000), scopes: t.scope.split(',') },
    );
    // Our own logging of the whole installation must not print its tokens.
    m.log.logger().info({ installation: await m.prisma.prisma().installation.findUnique({ where: { id: saved.installationId } }), accessToken: t.access_token }, 'installed');
    return { ...saved, tokens: t };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startPipedriveSandbox();
    // Configure before any app module is imported: module-level loggers bind at import.
    useAppEnv(db.url, { PIPEDRIVE_OAUTH_URL: sandbox.url, PIPEBRIDGE_LOG_FILE: logFile, LOG_LEVEL: 'debug' });
    const routeModule = (await import('@/app/api/auth/[...nextauth]/route')) as Record<string, unknown>;
    routes = await serveRoutes([{ path: '/api/auth/callback/pipedrive', module: routeModule }]);
    app = sandbox.control.registerApp({ name: 'Pipebridge test', redirectUri: `${routes.url}/api/auth/callback/pipedrive` });
    useAppEnv(db.url, { PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret });
    m = {
      prisma: await import('@/lib/db/prisma'),
      installations: await import('@/lib/auth/installations'),
      tokens: await import('@/lib/auth/tokens'),
      access: await import('@/lib/engine/pipedrive-access'),
      pipedrive: await import('@/lib/pipedrive'),
      log: await import('@/lib/log'),
    };
  });

  afterAll(async () => {
    await m.prisma.disconnectPrisma();
    await routes.close();
    await sandbox.close();
    await db.drop();
  });

  it('50 concurrent token requests at expiry cause exactly one refresh, across two processes', async () => {
    const co = sandbox.control.createCompany({ name: 'Refresh Co', domain: 'refresh-co' });
    const inst = await install(co.domain, co.adminUserId);
    await m.prisma.prisma().installation.update({ where: { id: inst.installationId }, data: { accessExpiresAt: new Date(Date.now() - 60_000) } });

    let refreshCalls = 0;
    const counting = { refresh: async (rt: string) => (refreshCalls++, m.access.pipedriveRefresher.refresh(rt)) };
    // Two Prisma clients with their own pools stand for two worker processes.
    const p1 = m.prisma.createPrisma(db.url);
    const p2 = m.prisma.createPrisma(db.url);
    const s1 = new m.tokens.TokenService(p1, counting);
    const s2 = new m.tokens.TokenService(p2, counting);
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? s1 : s2).tokenFor(inst.installationId)));
    await p1.$disconnect();
    await p2.$disconnect();
    expect(refreshCalls).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(inst.tokens.access_token);
    plaintextSecrets.push(tokens[0]!);
    // The refreshed token works, and it was stored before use.
    const stored = await m.prisma.prisma().installation.findUniqueOrThrow({ where: { id: inst.installationId } });
    expect(stored.accessExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    const client = await m.access.pipedriveForCompany(inst.companyId);
    expect((await client.me()).company_domain).toBe('refresh-co');
  });

  it('a refresh refused with invalid_grant marks the installation and pauses the company', async () => {
    const co = sandbox.control.createCompany({ name: 'Revoked Co', domain: 'revoked-co' });
    const inst = await install(co.domain, co.adminUserId);
    sandbox.control.oauth.revokeInstallation(app.clientId, co.id, co.adminUserId);
    await m.prisma.prisma().installation.update({ where: { id: inst.installationId }, data: { accessExpiresAt: new Date(Date.now() - 1000) } });
    await expect(m.access.tokenService().tokenFor(inst.installationId)).rejects.toBeInstanceOf(m.tokens.ReauthorizationRequiredError);
    const after = await m.prisma.prisma().installation.findUniqueOrThrow({ where: { id: inst.installationId }, include: { company: true } });
    expect(after.status).toBe('needs_reconnect');
    expect(after.company.status).toBe('paused');
    expect(after.company.pausedReason).toMatch(/reconnect Pipedrive/);
    await expect(m.access.pipedriveForCompany(inst.companyId)).rejects.toBeInstanceOf(m.tokens.NoWorkingInstallationError);
  });

  it("fails over to a second admin's installation when the first is revoked", async () => {
    const co = sandbox.control.createCompany({ name: 'Two Admins Co', domain: 'two-admins' });
    const second = sandbox.control.addUser(co.domain, { name: 'Second Admin', email: 'second@two-admins.test', isAdmin: true });
    const first = await install(co.domain, co.adminUserId);
    const other = await install(co.domain, second);
    expect(other.companyId).toBe(first.companyId);
    sandbox.control.oauth.revokeInstallation(app.clientId, co.id, co.adminUserId);
    await m.prisma.prisma().installation.update({ where: { id: first.installationId }, data: { accessExpiresAt: new Date(Date.now() - 1000), refreshedAt: new Date(Date.now() + 1000) } });
    const auth = await m.access.tokenService().companyAuth(first.companyId);
    expect(auth.installationId).toBe(other.installationId);
    const company = await m.prisma.prisma().company.findUniqueOrThrow({ where: { id: first.companyId } });
    expect(company.status).toBe('active');
  });

  it("Pipedrive's uninstall deletes every row of that company and none of another; repeating it is harmless", async () => {
    const gone = sandbox.control.createCompany({ name: 'Leaving Co', domain: 'leaving-co' });
    const stays = sandbox.control.createCompany({ name: 'Staying Co', domain: 'staying-co' });
    const a = await install(gone.domain, gone.adminUserId);
    const b = await install(stays.domain, stays.adminUserId);
    const db2 = m.prisma.prisma();
    await db2.recordLink.create({ data: { companyId: a.companyId, object: 'person', pipedriveId: '1', email: 'x@leaving.test' } });
    await db2.recordLink.create({ data: { companyId: b.companyId, object: 'person', pipedriveId: '1', email: 'x@staying.test' } });
    const before = await countRows(db2, b.companyId);

    const result = await sandbox.control.uninstall({ clientId: app.clientId, domain: gone.domain });
    expect(result.status).toBe(200);
    expect(Object.values(await countRows(db2, a.companyId)).every((n) => n === 0)).toBe(true);
    expect(await countRows(db2, b.companyId)).toEqual(before);

    const again = await sandbox.control.uninstall({ clientId: app.clientId, domain: gone.domain });
    expect(again.status).toBe(200);
    expect(await countRows(db2, b.companyId)).toEqual(before);
  });

  it('refuses an uninstall without the app credentials', async () => {
    const res = await fetch(`${routes.url}/api/auth/callback/pipedrive`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${app.clientId}:wrong`).toString('base64')}` },
      body: JSON.stringify({ client_id: app.clientId, company_id: 1, user_id: 1 }),
    });
    expect(res.status).toBe(401);
    const anonymous = await fetch(`${routes.url}/api/auth/callback/pipedrive`, { method: 'DELETE', body: '{}' });
    expect(anonymous.status).toBe(401);
  });

  it('no plaintext token appears in the database or in the logs', async () => {
    expect(plaintextSecrets.length).toBeGreaterThan(5);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const tables = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    let dump = '';
    for (const { tablename } of tables.rows) {
      const rows = await client.query<{ t: string }>(`SELECT row_to_json(x)::text AS t FROM "${tablename}" x`);
      dump += rows.rows.map((r) => r.t).join('\n');
    }
    await client.end();
    expect(dump).toContain('v1:test:'); // the encrypted forms are there
    const logs = readFileSync(logFile, 'utf8');
    expect(logs).toContain('installed');
    expect(logs).toContain('[redacted]');
    for (const secret of plaintextSecrets) {
      expect(dump.includes(secret), 'a plaintext token is stored in the database').toBe(false);
      expect(logs.includes(secret), 'a plaintext token is in the logs').toBe(false);
    }
  });
});

