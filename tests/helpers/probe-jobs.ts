import type pg from 'pg';
import { z } from 'zod';
import { defineJob } from '../../lib/jobs/define-job';

let pool: pg.Pool | undefined;
export function setProbePool(p: pg.Pool): void {
  pool = p;
}

export const probeRecord = defineJob({
  name: 'probe.record',
  schema: z.object({ key: z.string() }),
  retry: { limit: 0, delaySeconds: 1 },
  handler: async ({ key }) => {
    await new Promise((r) => setTimeout(r, 30)); // long enough for both workers to take turns
    await pool!.query('INSERT INTO probe_runs (key, pid) VALUES ($1, $2)', [key, process.pid]);
  },
});

export const probeFail = defineJob({
  name: 'probe.fail',
  schema: z.object({ key: z.string() }),
  retry: { limit: 2, delaySeconds: 1 },
  handler: async ({ key }, ctx) => {
    await pool!.query('INSERT INTO probe_attempts (key, attempt) VALUES ($1, $2)', [key, ctx.attempt]);
    throw new Error(`probe failure ${ctx.attempt}`);
  },
});
