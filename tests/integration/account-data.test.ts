import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipedriveSandbox, type OAuthApp } from '@/sandbox/pipedrive';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { useAppEnv } from '../helpers/app-env';
import { countRows } from '../helpers/tenants';

describe('idle installations and data requests', () => {
  let db: TestDatabase;
  let sandbox: Awaited<ReturnType<typeof startPipedriveSandbox>>;
  let app: OAuthApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startPipedriveSandbox();
    app = sandbox.control.registerApp({ name: 'Pipebridge idle test', redirectUri: 'http://127.0.0.1:9/api/auth/callback/pipedrive' });
    useAppEnv(db.url, { PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret, PIPEDRIVE_OAUTH_URL: sandbox.url });
  });
  afterAll(async () => {
    const { disconnectPrisma } = await import('@/lib/db/prisma');
    await disconnectPrisma();
    await sandbox.close();
    await db.drop();
  });

  it('refreshes installations idle for a week so the 60-day refresh token never expires, and leaves fresh ones alone', async () => {
    const { saveInstallation } = await import('@/lib/auth/installations');
    const { prisma } = await import('@/lib/db/prisma');
    const { tokenService } = await import('@/lib/engine/pipedrive-access');
    const save = async (domain: string) => {
      const co = sandbox.control.createCompany({ name: domain, domain });
      const t = sandbox.control.issueTokens({ clientId: app.clientId, domain });
      return saveInstallation(
        { userId: co.adminUserId, name: 'Admin', email: null, companyId: co.id, companyName: domain, companyDomain: domain, isAdmin: true },
        { authMode: 'oauth', apiDomain: t.api_domain, accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(Date.now() + 3_600_000) },
      );
    };
    const idle = await save('idle-co');
    const fresh = await save('fresh-co');
    await prisma().installation.update({ where: { id: idle.installationId }, data: { refreshedAt: new Date(Date.now() - 8 * 86_400_000) } });
    const before = await prisma().installation.findUniqueOrThrow({ where: { id: fresh.installationId } });
    const r = await tokenService().refreshIdle(7);
    expect(r).toEqual({ refreshed: 1, failed: 0 });
    const after = await prisma().installation.findUniqueOrThrow({ where: { id: idle.installationId } });
    expect(after.refreshedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await prisma().installation.findUniqueOrThrow({ where: { id: fresh.installationId } })).refreshedAt).toEqual(before.refreshedAt);
  });

  it('exports everything stored about a company without secrets, and deletes it all on request', async () => {
    const { prisma } = await import('@/lib/db/prisma');
    const { exportCompanyData } = await import('@/lib/accounts/export-company');
    const { disconnectCompany } = await import('@/lib/accounts/disconnect-company');
    const { seedTenant } = await import('../helpers/tenants');
    const t = await seedTenant(prisma(), 'Export Co');
    const exported = await exportCompanyData(t.companyId);
    const text = JSON.stringify(exported);
    for (const table of ['installations', 'brevoConnection', 'recordLinks', 'syncRuns', 'recordIssues', 'webhookEvents', 'outboundEvents']) expect(exported[table]).toBeTruthy();
    expect(text).toContain('[encrypted secret: not exported]');
    expect(text).not.toMatch(/v1:test:/);
    expect(text).not.toContain('xkeysib-');
    const r = await disconnectCompany(t.companyId);
    expect(r.deleted).toBe(true);
    expect(Object.values(await countRows(prisma(), t.companyId)).every((n) => n === 0)).toBe(true);
  });
});
