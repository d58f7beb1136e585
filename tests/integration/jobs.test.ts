import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '@/lib/jobs/queue';
import { z } from 'zod';
import { defineJob, deadLetterQueue } from '@/lib/jobs/define-job';
import { probeFail, probeRecord } from '../helpers/probe-jobs';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/probe-worker.ts', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

describe('job queue across processes', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let web: JobQueue;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE probe_runs (key text NOT NULL, pid int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
    await client.query('CREATE TABLE probe_attempts (key text NOT NULL, attempt int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
    web = await new JobQueue(db.url, { maintenance: false }).start();
    workers.push(...(await Promise.all([startWorker(db.url), startWorker(db.url)])));
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await web.stop();
    await client.end();
    await db.drop();
  });

  it('runs each job exactly once, spread over both workers', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `job-${i}`);
    for (const key of keys) await web.enqueue(probeRecord, { key });
    await waitFor('all jobs completed', async () => {
      const r = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'probe.record' AND state = 'completed'`);
      return r.rows[0]?.n === keys.length;
    });
    const runs = await client.query<{ key: string; n: number }>('SELECT key, count(*)::int AS n FROM probe_runs GROUP BY key');
    expect(runs.rows.length).toBe(keys.length);
    expect(runs.rows.every((r) => r.n === 1)).toBe(true);
    const pids = await client.query<{ pid: number }>('SELECT DISTINCT pid FROM probe_runs');
    expect(pids.rows.length).toBe(2);
  });

  it('retries a failing job with growing delays, then dead-letters it', async () => {
    await web.enqueue(probeFail, { key: 'boom' });
    const dead = await waitFor(
      'the dead-letter copy',
      async () => {
        const r = await client.query(`SELECT data FROM pgboss.job WHERE name = $1`, [deadLetterQueue('probe.fail')]);
        return r.rows[0] as { data: { key: string } } | undefined;
      },
      40_000,
    );
    expect(dead.data.key).toBe('boom');
    const failed = await client.query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'probe.fail'`);
    expect(failed.rows[0]).toMatchObject({ state: 'failed', retry_count: 2 });
    const attempts = await client.query<{ attempt: number; at: Date }>(`SELECT attempt, at FROM probe_attempts WHERE key = 'boom' ORDER BY at`);
    expect(attempts.rows.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const [a1, a2, a3] = attempts.rows.map((a) => a.at.getTime());
    expect(a2! - a1!).toBeGreaterThanOrEqual(1000);
    expect(a3! - a2!).toBeGreaterThanOrEqual(2000);
  }, 60_000);

  it('refuses to enqueue a payload that does not match the job schema', async () => {
    const strict = defineJob({ name: 'probe.strict', schema: z.object({ n: z.number() }), retry: { limit: 0, delaySeconds: 1 }, handler: async () => {} });
    await expect(web.enqueue(strict, { n: 'x' } as unknown as { n: number })).rejects.toThrow();
  });
});
