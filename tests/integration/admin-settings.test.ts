import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrevoSandbox } from '@/sandbox/brevo';
import { startPipedriveSandbox } from '@/sandbox/pipedrive';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { useAppEnv } from '../helpers/app-env';
import { adminRequest, type Tenant } from '../helpers/tenants';

/**
 * The admin settings API against real Postgres and both sandboxes: what each editor loads, the
 * preview-then-apply save, inline creation in Brevo, YAML import/export (page and command), and
 * the messages an admin gets when Brevo or Pipedrive fail.
 */
/** The answers of the settings routes, as the assertions read them. */
interface ApiBody {
  version: string;
  config: import('@/lib/sync').SyncConfig;
  changes: { message: string }[];
  error: { code: string; message: string };
  attribute: { name: string; type: string };
  list: { id: number };
  folder: { id: number };
  ok: boolean;
  errors: { line: number }[];
  dryRun: unknown;
}
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ctx = { params: Promise.resolve({}) };

describe('admin settings', () => {
  let db: TestDatabase;
  let pd: Awaited<ReturnType<typeof startPipedriveSandbox>>;
  let brevo: Awaited<ReturnType<typeof startBrevoSandbox>>;
  let brevoKey: string;
  let tenant: Tenant;
  let domain: string;
  let m: {
    prisma: typeof import('@/lib/db/prisma');
    configRoute: Record<string, Handler>;
    yamlRoute: Record<string, Handler>;
    attributesRoute: Record<string, Handler>;
    listsRoute: Record<string, Handler>;
    catalog: typeof import('@/lib/admin/load-mapping-catalog');
    stages: typeof import('@/lib/admin/load-stage-catalog');
    cli: typeof import('@/lib/admin/config-cli');
    store: typeof import('@/lib/engine/config-store');
  };

  const call = async (route: Record<string, Handler>, method: string, url: string, body?: unknown) => {
    const res = await route[method]!(await adminRequest(tenant, url, { method, body }), ctx);
    return { status: res.status, body: (await res.json()) as ApiBody };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    pd = await startPipedriveSandbox();
    brevo = await startBrevoSandbox({ rateLimits: 'off' });
    const app = pd.control.registerApp({ name: 'Pipebridge test', redirectUri: 'http://localhost/cb' });
    useAppEnv(db.url, { PIPEDRIVE_OAUTH_URL: pd.url, PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret, BREVO_API_URL: `${brevo.url}/v3` });
    m = {
      prisma: await import('@/lib/db/prisma'),
      configRoute: (await import('@/app/api/settings/config/route')) as unknown as Record<string, Handler>,
      yamlRoute: (await import('@/app/api/settings/config/yaml/route')) as unknown as Record<string, Handler>,
      attributesRoute: (await import('@/app/api/settings/brevo/attributes/route')) as unknown as Record<string, Handler>,
      listsRoute: (await import('@/app/api/settings/brevo/lists/route')) as unknown as Record<string, Handler>,
      catalog: await import('@/lib/admin/load-mapping-catalog'),
      stages: await import('@/lib/admin/load-stage-catalog'),
      cli: await import('@/lib/admin/config-cli'),
      store: await import('@/lib/engine/config-store'),
    };

    // A Pipedrive company with two pipelines and 300 custom person fields on top of the defaults.
    domain = 'settings-co';
    const co = pd.control.createCompany({
      name: 'Settings Co',
      domain,
      seed: { seed: 7, users: 2, persons: 20, organizations: 5, deals: 10, activities: 0, leads: 0, pipelines: [{ name: 'Sales', stages: ['Lead', 'Demo', 'Offer'] }, { name: 'Renewals', stages: ['Due', 'Signed'] }] },
    });
    const company = pd.control.company(domain);
    for (let i = 0; i < 300; i++) {
      company.fields.person.push({ id: 20_000 + i, key: `f${String(i).padStart(3, '0')}${'a'.repeat(36)}`, name: `Custom field ${i}`, field_type: i % 3 === 0 ? 'double' : 'varchar', options: null, order_nr: 100 + i, add_time: company.now(), update_time: company.now() });
    }
    const tokens = pd.control.issueTokens({ clientId: app.clientId, domain, userId: co.adminUserId });
    const { saveInstallation } = await import('@/lib/auth/installations');
    const saved = await saveInstallation(
      { userId: co.adminUserId, name: 'Settings Admin', companyId: co.id, companyName: 'Settings Co', companyDomain: domain, isAdmin: true },
      { authMode: 'oauth', apiDomain: tokens.api_domain, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + tokens.expires_in * 1000), scopes: tokens.scope.split(',') },
    );
    brevoKey = brevo.control.createAccount({ companyName: 'Settings Brevo' }).apiKey;
    const { connectBrevo } = await import('@/lib/accounts/brevo-connection');
    await connectBrevo(saved.companyId, brevoKey);
    tenant = { ...saved, pipedriveCompanyId: co.id, pipedriveUserId: co.adminUserId, name: 'Settings Co', ids: {} as Tenant['ids'] };
  });

  afterAll(async () => {
    await m.prisma.disconnectPrisma();
    await brevo.close();
    await pd.close();
    await db.drop();
  });

  it('the mapping catalog lists standard, computed and all 300 custom fields with type and key, and the Brevo attributes', async () => {
    const started = performance.now();
    const catalog = await m.catalog.loadMappingCatalog(tenant.companyId);
    const ms = performance.now() - started;
    const custom = catalog.personSources.filter((s) => s.group === 'Custom fields');
    expect(custom.length).toBe(300 + 6);
    expect(custom.find((s) => s.label === 'Custom field 3')).toMatchObject({ fieldType: 'double', valueType: 'float', key: `f003${'a'.repeat(36)}`, value: `custom_fields.f003${'a'.repeat(36)}` });
    expect(catalog.personSources.filter((s) => s.group === 'Computed from deals').map((s) => s.key)).toEqual(['won_deals_count', 'lost_deals_count', 'open_deals_count', 'closed_deals_count', 'total_revenue']);
    expect(catalog.contactAttributes.map((a) => a.name)).toContain('FIRSTNAME');
    expect(catalog.companyAttributes.map((a) => a.internalName)).toContain('revenue');
    // Reported in the final notes: one catalog load for a company with 306 custom person fields.
    console.info(`[measure] mapping catalog with 306 custom fields loaded in ${ms.toFixed(0)} ms`);
  });

  it('pipelines come with their stages in order', async () => {
    const pipelines = await m.stages.loadPipelines(tenant.companyId);
    expect(pipelines.map((p) => [p.name, p.stages.map((s) => s.name)])).toEqual([
      ['Sales', ['Lead', 'Demo', 'Offer']],
      ['Renewals', ['Due', 'Signed']],
    ]);
  });

  it('a mapping change is previewed without saving, then applied on confirmation', async () => {
    const { body: loaded } = await call(m.configRoute, 'GET', '/api/settings/config');
    const version = loaded.version;
    const personMapping = [...loaded.config.personMapping, { source: { kind: 'custom', key: `f003${'a'.repeat(36)}` }, attribute: 'SCORE' }];
    const preview = await call(m.configRoute, 'POST', '/api/settings/config', { patch: { personMapping }, baseVersion: version });
    expect(preview.status).toBe(200);
    expect(preview.body.changes.map((c: { message: string }) => c.message).join('\n')).toContain('SCORE');
    // Nothing saved by the preview.
    expect((await m.store.loadSyncConfig(m.prisma.prisma(), tenant.companyId)).personMapping.some((e) => e.attribute === 'SCORE')).toBe(false);

    const applied = await call(m.configRoute, 'PUT', '/api/settings/config', { patch: { personMapping }, baseVersion: version });
    expect(applied.status).toBe(200);
    expect((await m.store.loadSyncConfig(m.prisma.prisma(), tenant.companyId)).personMapping).toContainEqual({ source: { kind: 'custom', key: `f003${'a'.repeat(36)}` }, attribute: 'SCORE' });
    expect(applied.body.version).not.toBe(version);

    // A second admin still on the old version is told, and nothing is overwritten.
    const stale = await call(m.configRoute, 'PUT', '/api/settings/config', { patch: { personMapping: loaded.config.personMapping }, baseVersion: version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/Someone else saved/);
  });

  it('an invalid change is refused with the field it concerns', async () => {
    const { body } = await call(m.configRoute, 'GET', '/api/settings/config');
    const res = await call(m.configRoute, 'POST', '/api/settings/config', { patch: { personMapping: [...body.config.personMapping, { source: { kind: 'standard', field: 'job_title' }, attribute: 'FULLNAME' }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/FULLNAME is already filled/);
  });

  it('sync toggles and stage rules save through the same preview and apply', async () => {
    const { body } = await call(m.configRoute, 'GET', '/api/settings/config');
    const lists = (await m.stages.loadListCatalog(tenant.companyId)).lists;
    expect(lists.length).toBeGreaterThanOrEqual(0);
    const patch = { sync: { ...body.config.sync, activities: false }, stageRules: [{ match: 'won', pipelineId: null, listId: 7 }], lists: { ...body.config.lists, customers: 7 } };
    const preview = await call(m.configRoute, 'POST', '/api/settings/config', { patch, baseVersion: body.version });
    expect(preview.body.changes.map((c: { message: string }) => c.message)).toEqual(expect.arrayContaining(['Sync of activities is turned off']));
    await call(m.configRoute, 'PUT', '/api/settings/config', { patch, baseVersion: body.version });
    const saved = await m.store.loadSyncConfig(m.prisma.prisma(), tenant.companyId);
    expect(saved.sync.activities).toBe(false);
    expect(saved.stageRules).toEqual([{ match: 'won', pipelineId: null, listId: 7 }]);
    expect(saved.lists.customers).toBe(7);
  });

  it('creates a Brevo attribute inline, refuses an existing name, and explains a Brevo outage', async () => {
    const created = await call(m.attributesRoute, 'POST', '/api/settings/brevo/attributes', { object: 'person', name: 'lead_score', type: 'float' });
    expect(created.status).toBe(201);
    expect(created.body.attribute).toEqual({ name: 'LEAD_SCORE', type: 'float' });
    expect(brevo.control.state(brevoKey).attributes).toContainEqual(expect.objectContaining({ name: 'LEAD_SCORE', type: 'float' }));
    const attrs = (await m.catalog.loadMappingCatalog(tenant.companyId)).contactAttributes;
    expect(attrs).toContainEqual({ name: 'LEAD_SCORE', type: 'float', category: 'normal' });

    const again = await call(m.attributesRoute, 'POST', '/api/settings/brevo/attributes', { object: 'person', name: 'LEAD_SCORE', type: 'float' });
    expect(again.status).toBe(409);

    const company = await call(m.attributesRoute, 'POST', '/api/settings/brevo/attributes', { object: 'organization', label: 'Customer tier', type: 'text' });
    expect(company.status).toBe(201);
    expect(company.body.attribute.name).toBe('customer_tier');

    brevo.control.injectFault(brevoKey, { kind: 'status', status: 503, times: 10 });
    try {
      const down = await call(m.attributesRoute, 'POST', '/api/settings/brevo/attributes', { object: 'person', name: 'OTHER', type: 'text' });
      expect(down.status).toBe(503);
      expect(down.body.error.message).toMatch(/Brevo is not answering/);
    } finally {
      brevo.control.clearFaults(brevoKey);
    }
  });

  it('creates a Brevo list inline in a new folder', async () => {
    const res = await call(m.listsRoute, 'POST', '/api/settings/brevo/lists', { name: 'Won deals', newFolderName: 'Pipedrive' });
    expect(res.status).toBe(201);
    const catalog = await m.stages.loadListCatalog(tenant.companyId);
    expect(catalog.folders.map((f) => f.name)).toContain('Pipedrive');
    expect(catalog.lists).toContainEqual({ id: res.body.list.id, name: 'Won deals', folderId: res.body.folder.id });
    const bad = await call(m.listsRoute, 'POST', '/api/settings/brevo/lists', { name: 'No folder' });
    expect(bad.status).toBe(400);
  });

  it('the preview of a list change carries a dry run of the contacts, and writes nothing to Brevo', async () => {
    const created = await call(m.listsRoute, 'POST', '/api/settings/brevo/lists', { name: 'Everyone', newFolderName: 'Dry run' });
    const listId = created.body.list.id;
    const { body } = await call(m.configRoute, 'GET', '/api/settings/config');
    const preview = await call(m.configRoute, 'POST', '/api/settings/config', { patch: { lists: { ...body.config.lists, allContacts: listId } }, baseVersion: body.version });
    expect(preview.status).toBe(200);
    const dryRun = preview.body.dryRun as import('@/lib/admin/dry-run-config').DryRunResult;
    expect(dryRun.personsChecked).toBe(20);
    expect(dryRun.allPersons).toBe(true);
    expect(dryRun.totals.creating).toBeGreaterThan(0);
    expect(dryRun.totals.creating + dryRun.totals.skipped).toBe(20);
    expect(dryRun.lists).toContainEqual(expect.objectContaining({ listId, name: 'Everyone', joining: dryRun.totals.creating, leaving: 0 }));
    for (const s of dryRun.skipped) expect(s.samples[0]).toMatch(/^person \d+: /);
    expect(brevo.control.state(brevoKey).contacts).toHaveLength(0);
    // Event rules do not touch contacts: no dry run for them.
    const events = await call(m.configRoute, 'POST', '/api/settings/config', { patch: { eventRules: [] }, baseVersion: body.version });
    expect(events.body.dryRun).toBeNull();
  });

  it('an expired Pipedrive connection gives a reconnect message', async () => {
    const { prisma } = m.prisma;
    const inst = await prisma().installation.findUniqueOrThrow({ where: { id: tenant.installationId } });
    await pd.control.uninstall({ clientId: (await import('@/lib/env')).env().PIPEDRIVE_CLIENT_ID!, domain }).catch(() => undefined);
    await prisma().installation.update({ where: { id: inst.id }, data: { accessExpiresAt: new Date(Date.now() - 1000) } });
    const { tryLoad } = await import('@/lib/admin/try-load');
    const loaded = await tryLoad('read your fields and attributes', () => m.catalog.loadMappingCatalog(tenant.companyId));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.message).toMatch(/Reconnect Pipedrive/);
    // Restore a working connection for the tests after this one.
    const tokens = pd.control.issueTokens({ clientId: (await import('@/lib/env')).env().PIPEDRIVE_CLIENT_ID!, domain, userId: tenant.pipedriveUserId });
    const { encryptSecret } = await import('@/lib/crypto');
    await prisma().installation.update({ where: { id: inst.id }, data: { status: 'active', accessTokenEnc: encryptSecret(tokens.access_token), refreshTokenEnc: encryptSecret(tokens.refresh_token), accessExpiresAt: new Date(Date.now() + 3_600_000) } });
    await prisma().company.update({ where: { id: tenant.companyId }, data: { status: 'active', pausedReason: null } });
  });

  it('YAML: export has no secret and re-imports to no change; a broken file reports errors by line and changes nothing; a valid file applies', async () => {
    const exported = await m.yamlRoute.GET!(await adminRequest(tenant, '/api/settings/config/yaml'), ctx);
    expect(exported.status).toBe(200);
    const text = await exported.text();
    expect(text).toContain('connectors:');
    expect(text).toContain('Custom field 3'); // the field's name written next to its hash
    expect(text).not.toContain(brevoKey);
    expect(text).not.toMatch(/access_token|refresh_token|xkeysib/);

    const same = await call(m.yamlRoute, 'POST', '/api/settings/config/yaml', { yaml: text });
    expect(same.body).toMatchObject({ ok: true, changes: [] });

    const before = await m.store.loadSyncConfig(m.prisma.prisma(), tenant.companyId);
    const broken = 'connectors:\n  pipedrive:\n    sync:\n      persons: maybe\n    lists:\n      customers: "sixty"\n';
    const checked = await call(m.yamlRoute, 'POST', '/api/settings/config/yaml', { yaml: broken });
    expect(checked.body.ok).toBe(false);
    expect(checked.body.errors.map((e: { line: number }) => e.line)).toEqual([4, 6]);
    const refused = await call(m.yamlRoute, 'PUT', '/api/settings/config/yaml', { yaml: broken });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/nothing was imported\. Line 4/);
    expect(await m.store.loadSyncConfig(m.prisma.prisma(), tenant.companyId)).toEqual(before);

    const valid = text.replace(/activities: false/, 'activities: true');
    expect(valid).not.toBe(text);
    const preview = await call(m.yamlRoute, 'POST', '/api/settings/config/yaml', { yaml: valid });
    expect(preview.body.changes.map((c: { message: string }) => c.message)).toEqual(['Sync of activities is turned on']);
    const applied = await call(m.yamlRoute, 'PUT', '/api/settings/config/yaml', { yaml: valid });
    expect(applied.status).toBe(200);
    expect((await m.store.loadSyncConfig(m.prisma.prisma(), tenant.companyId)).sync.activities).toBe(true);
  });

  it('the config command exports, checks and imports with the same rules', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-cli-'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    const db = m.prisma.prisma();
    const file = path.join(dir, 'config.yaml');

    expect(await m.cli.runConfigCli(db, ['export', '--company', domain, '--out', file, '--no-names'], io)).toBe(0);
    expect(err.join('\n')).toContain(`to ${file}`);

    writeFileSync(path.join(dir, 'bad.yaml'), 'connectors:\n  pipedrive:\n    webhooks:\n      - event: deal.exploded\n        brevo_event: x\n');
    expect(await m.cli.runConfigCli(db, ['import', '--company', domain, '--file', path.join(dir, 'bad.yaml'), '--yes'], io)).toBe(1);
    expect(err.at(-1)).toMatch(/bad\.yaml:4:\d+: /);

    const edited = path.join(dir, 'edited.yaml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(edited, readFileSync(file, 'utf8').replace(/leads: true/, 'leads: false'));
    out.length = 0;
    expect(await m.cli.runConfigCli(db, ['import', '--company', String(tenant.pipedriveCompanyId), '--file', edited], io)).toBe(0);
    expect(out.join('\n')).toContain('Sync of leads is turned off');
    expect((await m.store.loadSyncConfig(db, tenant.companyId)).sync.leads).toBe(true);
    expect(await m.cli.runConfigCli(db, ['import', '--company', domain, '--file', edited, '--yes'], io)).toBe(0);
    expect((await m.store.loadSyncConfig(db, tenant.companyId)).sync.leads).toBe(false);

    expect(await m.cli.runConfigCli(db, ['import', '--company', 'nobody', '--file', edited], io)).toBe(1);
    expect(err.at(-1)).toMatch(/No installed company matches "nobody"/);
    expect(await m.cli.runConfigCli(db, ['frobnicate'], io)).toBe(2);
  });
});
