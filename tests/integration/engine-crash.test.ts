import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineWorld, type EngineWorld } from '../helpers/engine-world';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';

/**
 * A worker process killed (SIGKILL) in the middle of a backfill: another worker picks the run up
 * from its checkpoint and the final Brevo state is exactly the expected one, without duplicates.
 */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'tests/helpers/sync-worker.ts'], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('backfill across a killed worker', () => {
  let world: EngineWorld;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    world = await createEngineWorld({ seed: 23, users: 2, organizations: 30, persons: 500, deals: 200, activities: 20, leads: 40 }, { domain: 'crash-co' });
  }, 120_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    const { jobSender } = await import('@/lib/jobs/runtime');
    await (await jobSender()).stop();
    await world.close();
  });

  it('resumes from the checkpoint in another worker and ends exactly as expected', async () => {
    const { prisma } = await import('@/lib/db/prisma');
    const { jobSender } = await import('@/lib/jobs/runtime');
    const { backfillJob } = await import('@/lib/engine/jobs');
    const { rescueStalledBackfills } = await import('@/lib/engine/rescue-stalled-runs');
    const first = await startWorker();
    children.push(first);
    const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill', status: 'queued' } });
    await (await jobSender()).enqueue(backfillJob, { companyId: world.companyId, runId: run.id, tuning: { pageSize: 25, flushAt: 50, importThreshold: 1000 } });

    await until('persons being written', async () => {
      const r = await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } });
      return ((r.progress as { person?: { done: number } }).person?.done ?? 0) > 0;
    });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const partial = world.brevo.control.state(world.brevoKey).contacts.length;
    const expected = expectedContacts(world);
    expect(partial).toBeLessThan(expected.size);

    children.push(await startWorker());
    // What the scheduler does for a run whose worker stopped beating.
    expect(await rescueStalledBackfills(0)).toEqual([run.id]);
    await until('the run to finish', async () => (await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } })).status === 'succeeded');
    expect(diffBrevo(world, expected)).toEqual([]);
  }, 180_000);
});
