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
  /** The Pipedrive app the company installed: installTestCompany installs more companies with it. */
  clientId: string;
  domain: string;
  companyId: string;
  brevoKey: string;
  lists: { all: number; won: number; lost: number; nurture: number; stages: Map<number, number> };
  close(): Promise<void>;
}

type PipedriveSandbox = Awaited<ReturnType<typeof startPipedriveSandbox>>;
type BrevoSandbox = Awaited<ReturnType<typeof startBrevoSandbox>>;
type SyncConfig = import('@/lib/sync').SyncConfig;

/**
 * Installs a seeded sandbox company the way the OAuth callback does, connects a fresh Brevo
 * account with one list per stage plus won/lost/all/nurture, and saves that configuration
 * (optionally adjusted). Shared by the engine tests and scripts/bench-sync.ts.
 */
export async function installTestCompany(
  pipedrive: PipedriveSandbox,
  brevo: BrevoSandbox,
  clientId: string,
  co: { id: number; name: string; domain: string; adminUserId: number },
  adjust: (config: SyncConfig) => SyncConfig = (c) => c,
): Promise<{ companyId: string; brevoKey: string; lists: EngineWorld['lists'] }> {
  const t = pipedrive.control.issueTokens({ clientId, domain: co.domain });
  const { saveInstallation } = await import('@/lib/auth/installations');
  const { connectBrevo } = await import('@/lib/accounts/brevo-connection');
  const { saveSyncConfig, loadSyncConfig } = await import('@/lib/engine/config-store');
  const { prisma } = await import('@/lib/db/prisma');
  const saved = await saveInstallation(
    { userId: co.adminUserId, name: 'Admin', email: `admin@${co.domain}.test`, companyId: co.id, companyName: co.name, companyDomain: co.domain, isAdmin: true },
    { authMode: 'oauth', apiDomain: t.api_domain, accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(Date.now() + t.expires_in * 1000), scopes: t.scope.split(',') },
  );
  const account = brevo.control.createAccount({ companyName: `${co.name} Marketing` });
  await connectBrevo(saved.companyId, account.apiKey);
  const folder = brevo.control.createFolder(account.apiKey, 'Pipedrive');
  const list = (name: string) => brevo.control.createList(account.apiKey, name, folder);
  const lists = { all: list('All contacts'), won: list('Won'), lost: list('Lost'), nurture: list('Nurture'), stages: new Map<number, number>() };
  const stageRules = [];
  for (const stage of pipedrive.control.company(co.domain).stages.values()) {
    const id = list(`Stage ${stage.name} (${stage.id})`);
    lists.stages.set(stage.id, id);
    stageRules.push({ match: 'stage' as const, stageId: stage.id, listId: id });
  }
  const config = await loadSyncConfig(prisma(), saved.companyId);
  await saveSyncConfig(
    prisma(),
    saved.companyId,
    adjust({
      ...config,
      lists: { allContacts: lists.all, qualifiedLeads: null, customers: null, churned: null, nurture: lists.nurture },
      stageRules: [...stageRules, { match: 'won', pipelineId: null, listId: lists.won }, { match: 'lost', pipelineId: null, listId: lists.lost }],
    }),
  );
  // Events are for what happens from now on.
  await prisma().syncSettings.update({ where: { companyId: saved.companyId }, data: { eventsSince: new Date() } });
  return { companyId: saved.companyId, brevoKey: account.apiKey, lists };
}

export async function createEngineWorld(seed: SeedOptions, opts: { domain?: string; rateLimits?: 'off' | 'real' | 'tight'; brevoHangMs?: number } = {}): Promise<EngineWorld> {
  const db = await createTestDatabase();
  const pipedrive = await startPipedriveSandbox({ rateLimits: opts.rateLimits ?? 'off' });
  const brevo = await startBrevoSandbox({ rateLimits: opts.rateLimits ?? 'off', ...(opts.brevoHangMs ? { hangMs: opts.brevoHangMs } : {}) });
  const app = pipedrive.control.registerApp({ name: 'Pipebridge test', redirectUri: 'http://127.0.0.1:9/api/auth/callback/pipedrive' });
  useAppEnv(db.url, { PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret, PIPEDRIVE_OAUTH_URL: pipedrive.url, BREVO_API_URL: `${brevo.url}/v3` });
  const domain = opts.domain ?? 'engine-co';
  const co = pipedrive.control.createCompany({ name: 'Engine Co', domain, seed });
  const installed = await installTestCompany(pipedrive, brevo, app.clientId, co);
  return {
    db,
    pipedrive,
    brevo,
    clientId: app.clientId,
    domain,
    companyId: installed.companyId,
    brevoKey: installed.brevoKey,
    lists: installed.lists,
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
