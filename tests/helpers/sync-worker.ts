// A worker process for crash tests: works the backfill job against the database and sandboxes
// named in the environment it inherits from the test.
import { JobQueue } from '../../lib/jobs/queue';
import { backfillJob } from '../../lib/engine/jobs';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const queue = await new JobQueue(url).start();
await queue.work(backfillJob, { concurrency: 1, pollingIntervalSeconds: 0.5 });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void queue.stop(5_000).then(() => process.exit(0)));
