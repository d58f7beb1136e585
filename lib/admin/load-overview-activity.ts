import 'server-only';
import { prisma } from '../db/prisma';
import { loadSyncConfig } from '../engine/config-store';
import { nextBudgetReset } from '../pipedrive';

export interface OverviewActivity {
  synced: { objects: string[]; paused: string[]; enabled: boolean; personMappings: number; organizationMappings: number; stageRules: number; lifecycleLists: number; eventRules: number };
  lastRun: { kind: string; status: string; startedAt: string | null; finishedAt: string | null; done: number; total: number; failed: number } | null;
  webhooks: { source: 'pipedrive' | 'brevo'; lastAt: string | null; last24h: number }[];
  rejectedWebhooks24h: number;
  issues: { open: number; errors: number; recent: { object: string; pipedriveId: string; reason: string; at: string }[] };
  /** Pipedrive's answer about the company's daily token budget, as last seen by any worker. */
  budget: { remaining: number; reportedAt: string; resetsAt: string } | null;
}

const DAY = 24 * 60 * 60 * 1000;

/** What the Overview shows beside the connections: is the sync healthy, and does anything need me. */
export async function loadOverviewActivity(companyId: string, now = new Date()): Promise<OverviewActivity> {
  const db = prisma();
  const since = new Date(now.getTime() - DAY);
  const openStatuses = ['open', 'retrying', 'dead'] as const;
  const [config, lastRun, pdLast, brevoLast, pd24, brevo24, rejected, open, errors, recent, bucket] = await Promise.all([
    loadSyncConfig(db, companyId),
    db.syncRun.findFirst({ where: { companyId }, orderBy: { createdAt: 'desc' } }),
    db.webhookEvent.findFirst({ where: { companyId, source: 'pipedrive' }, orderBy: { receivedAt: 'desc' }, select: { receivedAt: true } }),
    db.webhookEvent.findFirst({ where: { companyId, source: 'brevo' }, orderBy: { receivedAt: 'desc' }, select: { receivedAt: true } }),
    db.webhookEvent.count({ where: { companyId, source: 'pipedrive', receivedAt: { gte: since } } }),
    db.webhookEvent.count({ where: { companyId, source: 'brevo', receivedAt: { gte: since } } }),
    db.webhookRejection.count({ where: { companyId, createdAt: { gte: since } } }),
    db.recordIssue.count({ where: { companyId, status: { in: [...openStatuses] } } }),
    db.recordIssue.count({ where: { companyId, status: { in: [...openStatuses] }, severity: 'error' } }),
    db.recordIssue.findMany({ where: { companyId, status: { in: [...openStatuses] } }, orderBy: { updatedAt: 'desc' }, take: 3 }),
    db.rateBucket.findUnique({ where: { key: `pipedrive:${companyId}:daily` } }),
  ]);
  const objects = Object.entries(config.sync);
  // The bucket holds the remaining tokens Pipedrive reported; after the daily reset that number is stale.
  const budgetFresh = bucket !== null && bucket.tokens < 1e9 && bucket.updatedAt.getTime() >= nextBudgetReset(now.getTime()).getTime() - DAY;
  return {
    synced: {
      enabled: config.enabled,
      objects: objects.filter(([, on]) => on).map(([k]) => k),
      paused: objects.filter(([, on]) => !on).map(([k]) => k),
      personMappings: config.personMapping.length,
      organizationMappings: config.organizationMapping.length,
      stageRules: config.stageRules.length,
      lifecycleLists: Object.values(config.lists).filter((l) => l !== null).length,
      eventRules: config.eventRules.length,
    },
    lastRun: lastRun && {
      kind: lastRun.kind,
      status: lastRun.status,
      startedAt: lastRun.startedAt?.toISOString() ?? null,
      finishedAt: lastRun.finishedAt?.toISOString() ?? null,
      done: lastRun.recordsDone,
      total: lastRun.recordsTotal,
      failed: lastRun.recordsFailed,
    },
    webhooks: [
      { source: 'pipedrive', lastAt: pdLast?.receivedAt.toISOString() ?? null, last24h: pd24 },
      { source: 'brevo', lastAt: brevoLast?.receivedAt.toISOString() ?? null, last24h: brevo24 },
    ],
    rejectedWebhooks24h: rejected,
    issues: { open, errors, recent: recent.map((r) => ({ object: r.object, pipedriveId: r.pipedriveId, reason: r.reason, at: r.updatedAt.toISOString() })) },
    budget: budgetFresh ? { remaining: Math.max(0, Math.floor(bucket.tokens)), reportedAt: bucket.updatedAt.toISOString(), resetsAt: nextBudgetReset(now.getTime()).toISOString() } : null,
  };
}
