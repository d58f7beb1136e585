import pg from 'pg';
import { requireDatabaseUrl } from './env';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: { ok: boolean; latencyMs?: number; error?: string };
  queue: { ok: boolean; queued?: number; active?: number; failedLastHour?: number; error?: string };
}

let pool: pg.Pool | undefined;

/** Database reachability and the queue's state, read straight from pg-boss's tables. */
export async function checkHealth(): Promise<HealthReport> {
  pool ??= new pg.Pool({ connectionString: requireDatabaseUrl(), max: 2, connectionTimeoutMillis: 3000 });
  const report: HealthReport = { status: 'ok', database: { ok: false }, queue: { ok: false } };
  try {
    const t = performance.now();
    await pool.query('SELECT 1');
    report.database = { ok: true, latencyMs: Math.round((performance.now() - t) * 10) / 10 };
  } catch (err) {
    report.database = { ok: false, error: (err as Error).message };
  }
  if (report.database.ok) {
    try {
      const r = await pool.query<{ queued: string; active: string; failed: string }>(
        `SELECT count(*) FILTER (WHERE state IN ('created','retry')) AS queued,
                count(*) FILTER (WHERE state = 'active') AS active,
                count(*) FILTER (WHERE state = 'failed' AND completed_on > now() - interval '1 hour') AS failed
           FROM pgboss.job`,
      );
      const row = r.rows[0];
      report.queue = { ok: true, queued: Number(row?.queued ?? 0), active: Number(row?.active ?? 0), failedLastHour: Number(row?.failed ?? 0) };
    } catch (err) {
      const message = (err as Error).message;
      report.queue = { ok: false, error: /does not exist/.test(message) ? 'job queue not installed yet: start a worker (npm run worker)' : message };
    }
  }
  if (!report.database.ok || !report.queue.ok) report.status = 'degraded';
  return report;
}
