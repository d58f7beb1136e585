import { randomInt, randomUUID } from 'node:crypto';
import { encode } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { encryptSecret } from '@/lib/crypto';
import type { PrismaClient } from '@/lib/generated/prisma/client';

export interface Tenant {
  companyId: string;
  installationId: string;
  pipedriveCompanyId: number;
  pipedriveUserId: number;
  name: string;
  ids: { syncRunId: string; recordLinkId: string; recordIssueId: string; webhookEventId: string; fieldMappingId: string; stageRuleId: string; eventRuleId: string; outboundEventId: string };
}

/** A company with a row in every tenant table, so isolation tests see any leak. */
export async function seedTenant(db: PrismaClient, name: string, opts: { isAdmin?: boolean } = {}): Promise<Tenant> {
  const pipedriveCompanyId = randomInt(1, 2 ** 31 - 1);
  const pipedriveUserId = randomInt(1, 2 ** 31 - 1);
  const company = await db.company.create({
    data: {
      pipedriveCompanyId,
      name,
      companyDomain: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      apiDomain: `https://${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.pipedrive.test`,
      webhookUsername: `wh-${name}`,
      webhookPasswordEnc: encryptSecret(`webhook-password-${name}`),
      syncSettings: { create: { allContactsListId: 60 } },
      brevoConnection: { create: { apiKeyEnc: encryptSecret(`xkeysib-${name}-secret-key-000000`), keyHint: '••••0000', accountEmail: `${name}@brevo.test`, accountName: `${name} marketing` } },
    },
  });
  const inst = await db.installation.create({
    data: {
      companyId: company.id,
      pipedriveUserId,
      userName: `${name} Admin`,
      isAdmin: opts.isAdmin ?? true,
      authMode: 'oauth',
      accessTokenEnc: encryptSecret(`access-${name}-${randomUUID()}`),
      refreshTokenEnc: encryptSecret(`refresh-${name}-${randomUUID()}`),
      apiDomain: company.apiDomain,
      accessExpiresAt: new Date(Date.now() + 3_600_000),
      refreshedAt: new Date(),
    },
  });
  const run = await db.syncRun.create({ data: { companyId: company.id, kind: 'backfill', status: 'succeeded' } });
  const link = await db.recordLink.create({ data: { companyId: company.id, object: 'person', pipedriveId: String(randomInt(1, 1e6)), email: `${name}-person@example.test`, brevoContactId: BigInt(randomInt(1, 1e6)) } });
  const issue = await db.recordIssue.create({ data: { companyId: company.id, syncRunId: run.id, object: 'person', pipedriveId: link.pipedriveId, severity: 'error', code: 'duplicate_sms', reason: `${name} issue` } });
  const ev = await db.webhookEvent.create({ data: { companyId: company.id, source: 'pipedrive', eventId: randomUUID(), object: 'person', action: 'change', entityId: link.pipedriveId, payload: { name } } });
  const fm = await db.fieldMapping.create({ data: { companyId: company.id, object: 'person', pipedriveFieldKey: 'name', brevoAttribute: 'FULLNAME' } });
  const sr = await db.stageListRule.create({ data: { companyId: company.id, kind: 'stage', pipelineId: 1, stageId: 1, brevoListId: 61, matchKey: 'stage:1' } });
  const er = await db.eventRule.create({ data: { companyId: company.id, eventAction: 'create', eventObject: 'person', brevoEventName: 'contact_created' } });
  const oe = await db.outboundEvent.create({ data: { companyId: company.id, idempotencyKey: randomUUID(), eventName: 'deal_stage_changed', object: 'deal', pipedriveId: '1', properties: {}, occurredAt: new Date() } });
  await db.syncCursor.create({ data: { companyId: company.id, object: 'person', updatedSince: new Date() } });
  await db.webhookRegistration.create({ data: { companyId: company.id, pipedriveWebhookId: randomInt(1, 1e6), eventAction: '*', eventObject: 'person', subscriptionUrl: 'https://app.test/hook' } });
  await db.webhookRejection.create({ data: { companyId: company.id, path: '/api/webhooks/pipedrive/x', statusCode: 400, reason: 'malformed' } });
  await db.rateBucket.create({ data: { key: `test:${company.id}`, companyId: company.id, tokens: 1, updatedAt: new Date() } });
  return {
    companyId: company.id,
    installationId: inst.id,
    pipedriveCompanyId,
    pipedriveUserId,
    name,
    ids: { syncRunId: run.id, recordLinkId: String(link.id), recordIssueId: String(issue.id), webhookEventId: String(ev.id), fieldMappingId: fm.id, stageRuleId: sr.id, eventRuleId: er.id, outboundEventId: String(oe.id) },
  };
}

/** Row counts per tenant table for one company. */
export async function countRows(db: PrismaClient, companyId: string): Promise<Record<string, number>> {
  const where = { companyId };
  return {
    companies: await db.company.count({ where: { id: companyId } }),
    installations: await db.installation.count({ where }),
    brevo_connections: await db.brevoConnection.count({ where }),
    sync_settings: await db.syncSettings.count({ where }),
    field_mappings: await db.fieldMapping.count({ where }),
    stage_list_rules: await db.stageListRule.count({ where }),
    event_rules: await db.eventRule.count({ where }),
    record_links: await db.recordLink.count({ where }),
    sync_cursors: await db.syncCursor.count({ where }),
    sync_runs: await db.syncRun.count({ where }),
    record_issues: await db.recordIssue.count({ where }),
    webhook_events: await db.webhookEvent.count({ where }),
    webhook_rejections: await db.webhookRejection.count({ where }),
    webhook_registrations: await db.webhookRegistration.count({ where }),
    outbound_events: await db.outboundEvent.count({ where }),
    rate_buckets: await db.rateBucket.count({ where }),
  };
}

/** A request carrying a next-auth session cookie for the tenant's admin. */
export async function adminRequest(t: Tenant, url: string, init: { method?: string; body?: unknown } = {}): Promise<NextRequest> {
  const secret = process.env.NEXTAUTH_SECRET!;
  const token = await encode({
    secret,
    token: { sub: `${t.pipedriveCompanyId}:${t.pipedriveUserId}`, companyId: t.companyId, installationId: t.installationId, pipedriveCompanyId: t.pipedriveCompanyId, pipedriveUserId: t.pipedriveUserId, isAdmin: true, authMode: 'oauth', name: `${t.name} Admin` },
  });
  const headers = new Headers({ cookie: `next-auth.session-token=${token}` });
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return new NextRequest(new URL(url, 'http://localhost:3000'), { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}
