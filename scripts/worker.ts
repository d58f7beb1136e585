// `npm run worker`: a job worker process. Run as many as you like against one Postgres.
import { boot } from './boot';

const booted = await boot({ allowGeneratedSecrets: process.env.NODE_ENV !== 'production' });
const { startWorkers } = await import('../lib/jobs/runtime');
const { logger } = await import('../lib/log');
for (const n of booted.notes) logger().info(n);
const queue = await startWorkers();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger().info({ signal }, 'worker stopping: finishing running jobs');
  await queue.stop(30_000);
  await booted.embedded?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
