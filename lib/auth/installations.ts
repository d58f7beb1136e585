import { prisma } from '../db/prisma';
import { encryptSecret } from '../crypto';
import { saveSyncConfig } from '../engine/config-store';
import { defaultSyncConfig } from '../sync';
import type { AuthMode } from '../generated/prisma/client';

/** What Pipedrive tells us about the user who authorized the app (`GET /v1/users/me`). */
export interface PipedriveIdentity {
  userId: number;
  name: string;
  email?: string | null;
  companyId: number;
  companyName: string;
  companyDomain: string;
  isAdmin: boolean;
}

export interface GrantedCredentials {
  authMode: AuthMode;
  apiDomain: string;
  accessToken?: string;
  refreshToken?: string;
  expiresAt?: Date;
  scopes?: string[];
  apiToken?: string;
}

/**
 * Records an installation: one per (company, user). A second admin of the same company lands in
 * the same company. Tokens are encrypted before they reach the database.
 */
export async function saveInstallation(identity: PipedriveIdentity, creds: GrantedCredentials): Promise<{ companyId: string; installationId: string }> {
  const db = prisma();
  const company = await db.company.upsert({
    where: { pipedriveCompanyId: identity.companyId },
    create: { pipedriveCompanyId: identity.companyId, name: identity.companyName, companyDomain: identity.companyDomain, apiDomain: creds.apiDomain },
    update: { name: identity.companyName, companyDomain: identity.companyDomain, apiDomain: creds.apiDomain },
  });
  // A new company starts from the connector spec's default configuration; events are only
  // sent for what happens from now on (a backfill replays history into automations only when
  // the admin sets replayHistoryDays, and then only what happened before this moment).
  if (!(await db.syncSettings.findUnique({ where: { companyId: company.id }, select: { id: true } }))) {
    const defaults = defaultSyncConfig();
    await saveSyncConfig(db, company.id, {
      ...defaults,
      companyDomain: identity.companyDomain,
      // The product's headline trigger: a real stage move sends the spec's deal.stage_changed event.
      eventRules: [...defaults.eventRules, { action: 'stage_change', object: 'deal', mergeOnly: false, brevoEvent: 'deal_stage_changed' }],
    });
    await db.syncSettings.update({ where: { companyId: company.id }, data: { eventsSince: new Date() } });
  }
  const secrets = {
    accessTokenEnc: creds.accessToken ? encryptSecret(creds.accessToken) : null,
    refreshTokenEnc: creds.refreshToken ? encryptSecret(creds.refreshToken) : null,
    apiTokenEnc: creds.apiToken ? encryptSecret(creds.apiToken) : null,
  };
  const data = {
    userName: identity.name,
    userEmail: identity.email ?? null,
    isAdmin: identity.isAdmin,
    authMode: creds.authMode,
    apiDomain: creds.apiDomain,
    scopes: creds.scopes ?? [],
    accessExpiresAt: creds.expiresAt ?? null,
    refreshedAt: new Date(),
    status: 'active' as const,
    lastError: null,
    ...secrets,
  };
  const installation = await db.installation.upsert({
    where: { companyId_pipedriveUserId: { companyId: company.id, pipedriveUserId: identity.userId } },
    create: { companyId: company.id, pipedriveUserId: identity.userId, ...data },
    update: data,
  });
  // A working installation un-pauses a company that was paused for lack of one.
  if (company.status === 'paused' && company.pausedReason?.startsWith('auth:')) {
    await db.company.update({ where: { id: company.id }, data: { status: 'active', pausedReason: null, pausedUntil: null } });
  }
  return { companyId: company.id, installationId: installation.id };
}
