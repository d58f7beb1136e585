import pg from 'pg';
import PgBoss from 'pg-boss';
import type { z } from 'zod';
import { childLogger } from '../log';
import { deadLetterQueue, PermanentJobError, type JobDefinition } from './define-job';

/**
 * The job queue is pg-boss on the app's own Postgres (schema `pgboss`): any number of web and
 * worker processes share it, and SKIP LOCKED fetching guarantees that one job is run by one
 * worker at a time.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private started = false;
  private readonly created = new Set<string>();
  private readonly log = childLogger({ part: 'queue' });

  private readonly lockPool: pg.Pool;
  private readonly stopHooks: (() => Promise<void>)[] = [];

  /** Work to end with the queue (e.g. a LISTEN connection started beside the workers). */
  onStop(hook: () => Promise<void>): void {
    this.stopHooks.push(hook);
  }

  constructor(databaseUrl: string, opts: { maintenance?: boolean } = {}) {
    this.lockPool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    // An idle connection killed by the server (restart, failover) must not crash the process.
    this.lockPool.on('error', (err) => this.log.warn({ err }, 'queue lock connection lost'));
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      max: 5,
      // Only processes that run workers supervise (archive, expire); the web process just sends.
      supervise: opts.maintenance ?? true,
      schedule: opts.maintenance ?? true,
    });
    this.boss.on('error', (err) => this.log.error({ err }, 'pg-boss error'));
  }

  async start(): Promise<this> {
    if (!this.started) {
      await this.boss.start();
      this.started = true;
    }
    return this;
  }

  /** Creates the queue and its dead-letter queue with the job's retry policy (idempotent). */
  async ensureQueue(def: Pick<JobDefinition, 'name' | 'retry' | 'expireInSeconds' | 'policy'>): Promise<void> {
    if (this.created.has(def.name)) return;
    // pg-boss's createQueue deadlocks when two processes create the same queue at once, so
    // queue creation is serialized across processes with an advisory lock.
    const client = await this.lockPool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(72707371)');
      await this.createQueues(def);
    } finally {
      await client.query('SELECT pg_advisory_unlock(72707371)').catch(() => undefined);
      client.release();
    }
    this.created.add(def.name);
  }

  private async createQueues(def: Pick<JobDefinition, 'name' | 'retry' | 'expireInSeconds' | 'policy'>): Promise<void> {
    const dead = deadLetterQueue(def.name);
    if (!(await this.boss.getQueue(dead))) await this.boss.createQueue(dead, { name: dead, retentionDays: 30 });
    const options = {
      name: def.name,
      retryLimit: def.retry.limit,
      retryDelay: def.retry.delaySeconds,
      retryBackoff: true,
      deadLetter: dead,
      expireInSeconds: def.expireInSeconds ?? 15 * 60,
      policy: def.policy ?? 'standard',
    };
    if (await this.boss.getQueue(def.name)) await this.boss.updateQueue(def.name, options);
    else await this.boss.createQueue(def.name, options);
  }

  async enqueue<S extends z.ZodType>(def: JobDefinition<S>, payload: z.infer<S>, opts: PgBoss.SendOptions = {}): Promise<string | null> {
    const data = def.schema.parse(payload) as object;
    await this.ensureQueue(def);
    return this.boss.send(def.name, data, opts);
  }

  /** Starts `concurrency` pollers for the job. */
  async work(def: JobDefinition, opts: { concurrency?: number; pollingIntervalSeconds?: number } = {}): Promise<void> {
    await this.ensureQueue(def);
    const concurrency = opts.concurrency ?? 1;
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work(def.name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5 }, async (jobs) => {
        for (const job of jobs) {
          const log = this.log.child({ job: def.name, jobId: job.id, attempt: job.retryCount + 1 });
          const parsed = def.schema.safeParse(job.data);
          if (!parsed.success) {
            // A payload that does not validate will never succeed: dead-letter it at once.
            log.error({ issues: parsed.error.issues }, 'invalid job payload; dead-lettering');
            await this.boss.send(deadLetterQueue(def.name), { original: job.data as object, error: 'invalid payload' });
            return;
          }
          const controller = new AbortController();
          try {
            await def.handler(parsed.data, { jobId: job.id, attempt: job.retryCount + 1, signal: controller.signal });
          } catch (err) {
            if (err instanceof PermanentJobError) {
              log.error({ err }, 'permanent job failure; dead-lettering');
              await this.boss.send(deadLetterQueue(def.name), { original: job.data as object, error: err.message });
              return;
            }
            log.warn({ err }, 'job failed; pg-boss will retry with backoff or dead-letter');
            throw err;
          }
        }
      });
    }
  }

  get raw(): PgBoss {
    return this.boss;
  }

  /** Graceful: stops fetching, waits for running jobs up to `timeoutMs`, then closes the pool. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const hook of this.stopHooks) await hook().catch((err: unknown) => this.log.warn({ err }, 'stop hook failed'));
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true });
    await this.lockPool.end();
  }
}
