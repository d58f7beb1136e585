import type { JobDefinition } from './define-job';
import { purgeOldRecords } from './maintenance';
import { refreshIdleInstallations } from './refresh-idle-installations';
import { ensureAllWebhooksJob, ensureWebhooksJob } from '../webhooks/ensure-webhooks-job';
import { processWebhookJob } from '../webhooks/process-job';
import { backfillJob, incrementalJob, syncRecordsJob } from '../engine/jobs';
import { companiesJob } from '../engine/companies-job';
import { scheduleSyncJob } from '../engine/schedule-job';

/** Every job the workers run. A job missing here is never picked up. */
export const allJobs: JobDefinition[] = [purgeOldRecords, refreshIdleInstallations, ensureWebhooksJob, ensureAllWebhooksJob, backfillJob, incrementalJob, syncRecordsJob, companiesJob, scheduleSyncJob, processWebhookJob];

/** Recurring jobs (cron, UTC). pg-boss keeps one schedule per name across all processes. */
export const schedules: { job: JobDefinition; cron: string; payload: object }[] = [
  { job: purgeOldRecords, cron: '17 3 * * *', payload: { olderThanDays: 30 } },
  { job: refreshIdleInstallations, cron: '41 4 * * *', payload: { olderThanDays: 7 } },
  { job: ensureAllWebhooksJob, cron: '23 5 * * *', payload: {} },
  { job: scheduleSyncJob, cron: '*/5 * * * *', payload: {} },
];
