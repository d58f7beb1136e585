import type { JobDefinition } from './define-job';
import { purgeOldRecords } from './maintenance';

/** Every job the workers run. A job missing here is never picked up. */
export const allJobs: JobDefinition[] = [purgeOldRecords];

/** Recurring jobs (cron, UTC). pg-boss keeps one schedule per name across all processes. */
export const schedules: { job: JobDefinition; cron: string; payload: object }[] = [
  { job: purgeOldRecords, cron: '17 3 * * *', payload: { olderThanDays: 30 } },
];
