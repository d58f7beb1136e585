import { env, requireDatabaseUrl } from '../env';
import { logger } from '../log';
import type { JobDefinition } from './define-job';
import { JobQueue } from './queue';
import { allJobs, schedules } from './registry';

/** Runs of a job one process takes at once: the configured number, or fewer where the job says so. */
export function concurrencyOf(job: Pick<JobDefinition, 'maxConcurrencyPerProcess'>, configured: number): number {
  return Math.max(1, Math.min(configured, job.maxConcurrencyPerProcess ?? configured));
}

/**
 * Starts the workers of this process: every registered job with the configured concurrency,
 * plus the recurring schedules. Used by `npm run worker` and by the demo/dev launcher.
 */
export async function startWorkers(): Promise<JobQueue> {
  const { warmPrisma } = await import('../db/prisma');
  await warmPrisma();
  const queue = await new JobQueue(requireDatabaseUrl()).start();
  const concurrency = env().PIPEBRIDGE_WORKER_CONCURRENCY;
  for (const job of allJobs) await queue.work(job, { concurrency: concurrencyOf(job, concurrency) });
  for (const s of schedules) {
    await queue.ensureQueue(s.job);
    await queue.raw.schedule(s.job.name, s.cron, s.payload, { tz: 'UTC' });
  }
  const { listenForWebhooks } = await import('../engine/webhook-listener');
  const listener = await listenForWebhooks(requireDatabaseUrl(), { concurrency: env().PIPEBRIDGE_WEBHOOK_CONCURRENCY });
  queue.onStop(() => listener.stop());
  logger().info({ jobs: allJobs.map((j) => j.name), concurrency }, 'workers started');
  return queue;
}

let sender: Promise<JobQueue> | undefined;

/** The queue the web process sends jobs to (no workers, no maintenance); started once per process. */
export function jobSender(): Promise<JobQueue> {
  sender ??= new JobQueue(requireDatabaseUrl(), { maintenance: false }).start();
  return sender;
}
