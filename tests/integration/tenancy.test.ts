import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeManifest } from '@/lib/http/route-manifest';
import { startBrevoSandbox } from '@/sandbox/brevo';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { useAppEnv } from '../helpers/app-env';
import { adminRequest, seedTenant, type Tenant } from '../helpers/tenants';

/**
 * Tenant isolation, route by route: an admin of company A sends every method of every admin
 * route, naming company B's objects wherever a request can name anything. B's stored data must
 * not change and no response may carry B's data. A new route file fails this test until it is
 * listed in lib/http/route-manifest.ts and, for admin routes, given probes here.
 */
type Probe = { method: string; url: (b: Tenant) => string; body?: (b: Tenant) => unknown; params?: (b: Tenant) => Record<string, string> };

const probes: Record<string, Probe[]> = {
  'app/api/brevo/connection/route.ts': [
    { method: 'GET', url: (b) => `/api/brevo/connection?companyId=${b.companyId}` },
    { method: 'PUT', url: (b) => `/api/brevo/connection?companyId=${b.companyId}`, body: (b) => ({ apiKey: 'xkeysib-not-a-real-key-000000000000', companyId: b.companyId }) },
    { method: 'DELETE', url: (b) => `/api/brevo/connection?companyId=${b.companyId}`, body: (b) => ({ companyId: b.companyId }) },
  ],
  'app/api/account/route.ts': [
    { method: 'GET', url: (b) => `/api/account?companyId=${b.companyId}` },
    { method: 'DELETE', url: (b) => `/api/account?companyId=${b.companyId}`, body: (b) => ({ companyId: b.companyId }) },
  ],
  'app/api/account/disconnect/route.ts': [{ method: 'POST', url: (b) => `/api/account/disconnect?companyId=${b.companyId}`, body: (b) => ({ companyId: b.companyId }) }],
  'app/api/settings/config/route.ts': [
    { method: 'GET', url: (b) => `/api/settings/config?companyId=${b.companyId}` },
    { method: 'POST', url: (b) => `/api/settings/config?companyId=${b.companyId}`, body: () => ({ patch: { sync: { persons: false, deals: false, organizations: false, activities: false, leads: false } } }) },
    { method: 'PUT', url: (b) => `/api/settings/config?companyId=${b.companyId}`, body: () => ({ patch: { sync: { persons: false, deals: false, organizations: false, activities: false, leads: false } } }) },
  ],
  'app/api/settings/config/yaml/route.ts': [
    { method: 'GET', url: (b) => `/api/settings/config/yaml?companyId=${b.companyId}` },
    { method: 'POST', url: (b) => `/api/settings/config/yaml?companyId=${b.companyId}`, body: () => ({ yaml: 'connectors:\n  pipedrive:\n    sync:\n      persons: false\n' }) },
    { method: 'PUT', url: (b) => `/api/settings/config/yaml?companyId=${b.companyId}`, body: () => ({ yaml: 'connectors:\n  pipedrive:\n    sync:\n      persons: false\n' }) },
  ],
  'app/api/settings/brevo/attributes/route.ts': [{ method: 'POST', url: (b) => `/api/settings/brevo/attributes?companyId=${b.companyId}`, body: () => ({ object: 'person', name: 'PROBE_ATTRIBUTE', type: 'text' }) }],
  'app/api/settings/brevo/lists/route.ts': [{ method: 'POST', url: (b) => `/api/settings/brevo/lists?companyId=${b.companyId}`, body: () => ({ name: 'Probe list', newFolderName: 'Probe folder' }) }],
  'app/api/settings/sync/route.ts': [
    { method: 'GET', url: (b) => `/api/settings/sync?companyId=${b.companyId}&status=all` },
    { method: 'POST', url: (b) => `/api/settings/sync?companyId=${b.companyId}`, body: (b) => ({ action: 'retry', issueId: b.ids.recordIssueId }) },
  ],
};

function routeFiles(dir = 'app/api'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === 'route.ts' ? [p] : [];
  });
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

describe('tenant isolation of every route', () => {
  let db: TestDatabase;
  let brevo: Awaited<ReturnType<typeof startBrevoSandbox>>;
  let prisma: typeof import('@/lib/db/prisma').prisma;
  let exportCompanyData: typeof import('@/lib/accounts/export-company').exportCompanyData;
  let b: Tenant;

  beforeAll(async () => {
    db = await createTestDatabase();
    brevo = await startBrevoSandbox();
    useAppEnv(db.url, { BREVO_API_URL: `${brevo.url}/v3` });
    ({ prisma } = await import('@/lib/db/prisma'));
    ({ exportCompanyData } = await import('@/lib/accounts/export-company'));
    b = await seedTenant(prisma(), 'Beta Corp');
  });
  afterAll(async () => {
    const { disconnectPrisma } = await import('@/lib/db/prisma');
    await disconnectPrisma();
    await brevo.close();
    await db.drop();
  });

  it('every route file is in the manifest, and every admin route has probes for all its methods', async () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(routeManifest[f], `${f} is not in lib/http/route-manifest.ts`).toBeDefined();
      if (routeManifest[f]!.auth !== 'admin') continue;
      const mod = (await import(`@/${f}`)) as Record<string, unknown>;
      const exported = METHODS.filter((m) => typeof mod[m] === 'function');
      const probed = new Set((probes[f] ?? []).map((p) => p.method));
      for (const m of exported) expect(probed.has(m), `${m} ${f} has no tenancy probe`).toBe(true);
    }
  });

  const adminRoutes = Object.entries(routeManifest).filter(([, r]) => r.auth === 'admin');
  for (const [file] of adminRoutes) {
    for (const probe of probes[file] ?? []) {
      it(`${probe.method} ${file}: company A cannot read or change company B`, async () => {
        const a = await seedTenant(prisma(), `Alpha ${Math.random().toString(36).slice(2, 8)}`);
        const before = JSON.stringify(await exportCompanyData(b.companyId), (k: string, v: unknown) => (k === 'exportedAt' ? undefined : v));
        const mod = (await import(`@/${file}`)) as Record<string, Handler>;
        const handler = mod[probe.method]!;
        const res = await handler(await adminRequest(a, probe.url(b), { method: probe.method, body: probe.body?.(b) }), { params: Promise.resolve(probe.params?.(b) ?? {}) });
        expect(res.status, await res.clone().text()).toBeLessThan(500);
        const text = await res.text();
        expect(text).not.toContain(b.companyId);
        expect(text).not.toContain(b.name);
        expect(text).not.toContain(String(b.pipedriveCompanyId));
        const after = JSON.stringify(await exportCompanyData(b.companyId), (k: string, v: unknown) => (k === 'exportedAt' ? undefined : v));
        expect(after).toBe(before);
      });

      it(`${probe.method} ${file}: without a session it is 401`, async () => {
        const mod = (await import(`@/${file}`)) as Record<string, Handler>;
        const { NextRequest } = await import('next/server');
        const res = await mod[probe.method]!(new NextRequest(new URL(probe.url(b), 'http://localhost:3000'), { method: probe.method }), { params: Promise.resolve({}) });
        expect(res.status).toBe(401);
      });
    }
  }
});
