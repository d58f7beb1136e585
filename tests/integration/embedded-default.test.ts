import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The embedded default end to end: with DATABASE_URL unset, a worker process starts its own
 * PostgreSQL under the data directory, migrates it, runs the queue, and leaves no server behind
 * after Ctrl-C or after being killed outright.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pipebridge-embedded-'));
// mkdtemp makes a 0700 folder; the server runs as the `postgres` user when we are root.
chmodSync(dataDir, 0o755);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, fn: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startWorker(): Promise<{ child: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PIPEBRIDGE_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.NEXTAUTH_SECRET;
  delete env.PIPEBRIDGE_ENCRYPTION_KEYS;
  // What `npm run worker` runs: the bundle build, then node on the bundle with the script's flags.
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.worker!;
  const [buildCmd, runCmd] = script.split('&&').map((c) => c.trim().split(/\s+/).slice(1));
  const built = spawnSync(process.execPath, buildCmd!, { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the worker bundle failed');
  const child = spawn(process.execPath, runCmd!, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('workers started')) {
        clearInterval(t);
        resolve({ child, output: () => out });
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(t);
      reject(new Error(`worker exited (${code}) before starting:\n${out}`));
    });
  });
}

const postmasterPid = () => Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

describe('embedded default (no DATABASE_URL)', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts, migrates and runs the queue on an embedded server, and stops it on Ctrl-C', async () => {
    const { child, output } = await startWorker();
    expect(output()).toContain('using the embedded PostgreSQL');
    expect(output()).toContain('Applied migrations: 20261129000000_init');
    expect(output()).toContain('Generated a local session secret and encryption key');
    const pm = postmasterPid();
    expect(alive(pm)).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    await until('the embedded server to stop', () => !alive(pm));
  }, 90_000);

  it('reuses the data directory, and a killed parent leaves no server behind', async () => {
    const { child, output } = await startWorker();
    expect(output()).not.toContain('Applied migrations');
    const pm = postmasterPid();
    child.kill('SIGKILL');
    await until('the guardian to stop the orphaned server', () => !alive(pm));
  }, 90_000);
});
