// A worker process for the queue tests: runs real JobQueue workers for two probe jobs that
// record every run in the test database. Started as a child process by tests/integration/jobs.test.ts.
import pg from 'pg';
import { probeFail, probeRecord, setProbePool } from './probe-jobs';
import { JobQueue } from '../../lib/jobs/queue';

const url = process.argv[2];
if (!url) throw new Error('usage: probe-worker.ts <database-url>');
const pool = new pg.Pool({ connectionString: url, max: 2 });
pool.on('error', () => undefined);
setProbePool(pool);
const queue = await new JobQueue(url).start();
await queue.work(probeRecord, { concurrency: 2, pollingIntervalSeconds: 0.5 });
await queue.work(probeFail, { concurrency: 1, pollingIntervalSeconds: 0.5 });
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void queue.stop(10_000).then(() => pool.end()).then(() => process.exit(0));
});
