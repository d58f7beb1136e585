import { startBrevoSandbox } from '@/sandbox/brevo';
import { startPipedriveSandbox, type SeedOptions } from '@/sandbox/pipedrive';
import { createTestDatabase, type TestDatabase } from './db';
import { useAppEnv } from './app-env';

/**
 * A whole world for sync tests: a migrated database, both sandboxes, one Pipedrive company
 * installed through the OAuth server, its Brevo account connected, and a configuration with
 * lists and stage rules. Engine functions are then called directly (no worker needed).
 */
export interface EngineWorld {
  db: TestDatabase;
  pipedrive: Awaited<ReturnType<typeof startPipedriveSandbox>>;
  brevo: Awaited<ReturnType<typeof startBrevoSandbox>>;
  domain: string;
  companyId: string;
  brevoKey: string;
  lists: { all: number; won: number; lost: number; nurture: number; stages: Map<number, number> };
  close(): Promise<void>;
}

export async function createEngineWorld(seed: SeedOptions, opts: { domain?: string; rateLimits?: 'off' | 'real' | 'tight'; brevoHangMs?: number } = {}): Promise<EngineWorld> {
  const db = await createTestDatabase();
  const pipedrive = await startPipedriveSandbox({ rateLimits: opts.rateLimits ?? 'off' });
  const brevo = await startBrevoSandbox({ rateLimits: opts.rateLimits ?? 'off', ...(opts.brevoHangMs ? { hangMs: opts.brevoHangMs } : {}) });
  const app = pipedrive.control.registerApp({ name: 'Pipebridge test', redirectUri: 'http://127.0.0.1:9/api/auth/callback/pipedrive' });
  useAppEnv(db.url, { PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret, PIPEDRIVE_OAUTH_URL: pipedrive.url, BREVO_API_URL: `${brevo.url}/v3` });
  const domain = opts.domain ?? 'engine-co';
  const co = pipedrive.control.createCompany({ name: 'Engine Co', domain, seed });
  const t = pipedrive.control.issueTokens({ clientId: app.clientId, domain });
  const { saveInstallation } = await import('@/lib/auth/installations');
  const { connectBrevo } = await import('@/lib/accounts/brevo-connection');
  const { saveSyncConfig, loadSyncConfig } = await import('@/lib/engine/config-store');
  const { prisma } = await import('@/lib/db/prisma');
  const saved = await saveInstallation(
    { userId: co.adminUserId, name: 'Admin', email: 'admin@engine.test', companyId: co.id, companyName: co.name, companyDomain: domain, isAdmin: true },
    { authMode: 'oauth', apiDomain: t.api_domain, accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(Date.now() + t.expires_in * 1000), scopes: t.scope.split(',') },
  );
  const account = brevo.control.createAccount({ companyName: 'Engine Marketing' });
  await connectBrevo(saved.companyId, account.apiKey);
  const folder = brevo.control.createFolder(account.apiKey, 'Pipedrive');
  const list = (name: string) => brevo.control.createList(account.apiKey, name, folder);
  const lists = { all: list('All contacts'), won: list('Won'), lost: list('Lost'), nurture: list('Nurture'), stages: new Map<number, number>() };
  const company = pipedrive.control.company(domain);
  const stageRules = [];
  for (const stage of company.stages.values()) {
    const id = list(`Stage ${stage.name} (${stage.id})`);
    lists.stages.set(stage.id, id);
    stageRules.push({ match: 'stage' as const, stageId: stage.id, listId: id });
  }
  const config = await loadSyncConfig(prisma(), saved.companyId);
  await saveSyncConfig(prisma(), saved.companyId, {
    ...config,
    lists: { allContacts: lists.all, qualifiedLeads: null, customers: null, churned: null, nurture: lists.nurture },
    stageRules: [...stageRules, { match: 'won', pipelineId: null, listId: lists.won }, { match: 'lost', pipelineId: null, listId: lists.lost }],
  });
  // Events are for what happens from now on.
  await prisma().syncSettings.update({ where: { companyId: saved.companyId }, data: { eventsSince: new Date() } });
  return {
    db,
    pipedrive,
    brevo,
    domain,
    companyId: saved.companyId,
    brevoKey: account.apiKey,
    lists,
    close: async () => {
      const { disconnectPrisma } = await import('@/lib/db/prisma');
      await disconnectPrisma();
      const { pgPool } = await import('@/lib/db/pool');
      await pgPool().end();
      await pipedrive.close();
      await brevo.close();
      await db.drop();
    },
  };
}
