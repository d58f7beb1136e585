/**
 * Webhook ingest throughput through the real Next.js production server.
 *
 *   npx tsx --conditions=react-server scripts/bench-webhooks.ts [--rate=300] [--seconds=60] [--sequential=500] [--skip-build] [--keep] [--cpu-prof]
 *
 * Builds the app into .next-bench (unless --skip-build and a build is there), creates a fresh
 * database on DATABASE_URL's server (or an embedded one), seeds one company with webhook
 * credentials, starts `next start` on a free loopback port, and drives signed webhooks-v2
 * deliveries at a fixed rate from an in-process, open-loop load generator (bounded in-flight,
 * loopback only). Bodies are real sandbox deliveries with fresh event ids; 2% are replays of
 * earlier deliveries, as Pipedrive's retries would be. Prints the achieved rate, acknowledgement
 * latency percentiles, lost events (rows and jobs vs. acknowledged) and the server's peak RSS,
 * its CPU time per request and the machine's load average (other work competes for the cores).
 * Before the load, --sequential requests are sent one at a time: latency without any queueing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { encryptWith, generateKeySpec, parseKeyRing } from '../lib/crypto/secrets';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../lib/db/embedded-postgres';
import { applyMigrations } from '../lib/db/migrate';
import { startPipedriveSandbox } from '../sandbox/pipedrive';

const args = new Map(process.argv.slice(2).map((a) => (a.includes('=') ? (a.replace(/^--/, '').split('=') as [string, string]) : [a.replace(/^--/, ''), 'true'])));
const RATE = Number(args.get('rate') ?? 300);
const SECONDS = Number(args.get('seconds') ?? 60);
const MAX_IN_FLIGHT = 256;
const REPLAY_SHARE = 0.02;
const SEQUENTIAL = Number(args.get('sequential') ?? 500);
const DIST_DIR = '.next-bench';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process and all its descendants (Next may fork workers). */
function treeRssBytes(pid: number): number {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // The process ended between two reads.
    }
  }
  return total;
}

/** CPU seconds (user + system) used so far by a process and its descendants. */
function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      // Fields after the command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // The process ended between two reads.
    }
  }
  // USER_HZ is 100 on Linux.
  return ticks / 100;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error('next start did not answer within 60 s');
}

/** A real webhooks-v2 person delivery, taken from the Pipedrive sandbox. */
async function sampleDelivery(): Promise<{ pipedriveCompanyId: number; body: { meta: Record<string, unknown>; data: Record<string, unknown>; previous: unknown } }> {
  const sb = await startPipedriveSandbox();
  try {
    const co = sb.control.createCompany({ domain: 'bench-hooks', seed: { persons: 3, organizations: 1, deals: 0, activities: 0, leads: 0 } });
    const res = await fetch(`${co.apiDomain}/api/v1/webhooks`, {
      method: 'POST',
      headers: { 'x-api-token': co.apiToken, 'content-type': 'application/json' },
      // Nothing listens there: the delivery fails, but its body is in the sandbox's log.
      body: JSON.stringify({ subscription_url: 'http://127.0.0.1:9/hook', event_action: '*', event_object: 'person', name: 'bench', version: '2.0' }),
    });
    if (res.status !== 201) throw new Error(`sandbox webhook: HTTP ${res.status}`);
    const person = [...sb.control.company(co.domain).persons.values()][0]!;
    sb.control.editPerson(co.domain, person.id, { name: 'Bench Person' });
    await sb.control.flushWebhooks();
    const body = sb.control.deliveries()[0]!.body as { meta: Record<string, unknown>; data: Record<string, unknown>; previous: unknown };
    return { pipedriveCompanyId: co.id, body };
  } finally {
    await sb.close();
  }
}

async function main(): Promise<void> {
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  const keys = generateKeySpec('bench');
  const nextauthSecret = randomBytes(32).toString('base64');
  if (!(args.has('skip-build') && existsSync(path.join(DIST_DIR, 'BUILD_ID')))) {
    console.log(`building into ${DIST_DIR} …`);
    // `next build` adds its dist folder's type paths to tsconfig.json; the bench must leave the
    // project's files as they were.
    const tsconfig = readFileSync('tsconfig.json', 'utf8');
    try {
      const build = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
        stdio: 'inherit',
        // Production configuration is checked while pages are collected: real-looking values, no database needed.
        env: { ...process.env, NODE_ENV: 'production', NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: '1', NEXTAUTH_SECRET: nextauthSecret, PIPEBRIDGE_ENCRYPTION_KEYS: keys, DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://build@127.0.0.1:1/none' },
      });
      if (build.status !== 0) throw new Error('next build failed');
    } finally {
      if (readFileSync('tsconfig.json', 'utf8') !== tsconfig) writeFileSync('tsconfig.json', tsconfig);
    }
  }

  let embedded: EmbeddedDatabase | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.resolve('.data/bench-pg') });
    adminUrl = embedded.url;
  }
  const dbName = `pb_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  let server: ChildProcess | undefined;
  const sql = new pg.Client({ connectionString: databaseUrl });
  try {
    await applyMigrations(databaseUrl);
    await sql.connect();
    const sample = await sampleDelivery();
    const user = 'bench-hooks';
    const password = randomBytes(32).toString('base64url');
    const company = await sql.query<{ id: string }>(
      `INSERT INTO companies (id, pipedrive_company_id, name, company_domain, api_domain, webhook_username, webhook_password_enc, updated_at)
       VALUES (gen_random_uuid(), $1, 'Bench Co', 'bench-hooks', 'http://127.0.0.1:9', $2, $3, now()) RETURNING id`,
      [sample.pipedriveCompanyId, user, encryptWith(parseKeyRing(keys), password)],
    );
    const companyId = company.rows[0]!.id;

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // --cpu-prof writes a V8 profile of the server to .data/bench-prof when it stops (to see where the time goes).
    const profile = args.has('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve('.data/bench-prof')}`] : [];
    server = spawn(process.execPath, [...profile, 'node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_DIST_DIR: DIST_DIR,
        DATABASE_URL: databaseUrl,
        PIPEBRIDGE_ENCRYPTION_KEYS: keys,
        NEXTAUTH_SECRET: nextauthSecret,
        APP_URL: base,
        LOG_LEVEL: 'warn',
        PIPEBRIDGE_IN_PROCESS_WORKERS: 'false',
      },
    });
    await waitForServer(base, server);
    const serverPid = server.pid!;
    let peakRss = treeRssBytes(serverPid);
    const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, treeRssBytes(serverPid))), 200);

    const url = `${base}/api/webhooks/pipedrive/${companyId}`;
    const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const sent: string[] = [];
    const makeBody = (i: number): string => {
      if (sent.length > 100 && Math.random() < REPLAY_SHARE) return sent[Math.floor(Math.random() * sent.length)]!;
      const entityId = (i % 1000) + 1;
      const body = JSON.stringify({
        ...sample.body,
        meta: { ...sample.body.meta, id: randomUUID(), entity_id: String(entityId), timestamp: new Date().toISOString(), correlation_id: randomUUID() },
        data: { ...sample.body.data, id: entityId, name: `Bench Person ${i}` },
      });
      sent.push(body);
      return body;
    };
    // node:http with keep-alive costs the generator less CPU per request than fetch, leaving more for the server.
    const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
    const target = new URL(url);
    const post = (body: string) =>
      new Promise<{ status: number; json: { duplicate?: boolean } }>((resolve, reject) => {
        const req = http.request(
          { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              try {
                resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { duplicate?: boolean } });
              } catch (err) {
                reject(err instanceof Error ? err : new Error(String(err)));
              }
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    // Warm-up: the first request creates the queue and starts the route's module graph.
    for (let i = 0; i < 50; i++) {
      const r = await post(makeBody(-1 - i));
      if (r.status !== 200) throw new Error(`warm-up request answered ${r.status}: ${JSON.stringify(r.json)}`);
    }
    // One request at a time: the acknowledgement latency with no queueing at all.
    const sequential: number[] = [];
    let sequentialAccepted = 0;
    for (let i = 0; i < SEQUENTIAL; i++) {
      const s = performance.now();
      const r = await post(makeBody(-1000 - i));
      sequential.push(performance.now() - s);
      if (r.status !== 200) throw new Error(`sequential request answered ${r.status}: ${JSON.stringify(r.json)}`);
      if (!r.json.duplicate) sequentialAccepted++;
    }
    sequential.sort((a, b) => a - b);
    const warmRows = Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM webhook_events')).rows[0]!.n);

    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let accepted = 0;
    let duplicates = 0;
    let errors = 0;
    const errorKinds = new Map<string, number>();
    let inFlight = 0;
    let started = 0;
    let skipped = 0;
    const total = RATE * SECONDS;
    // Bodies are made before the clock starts, so making them does not compete with the server.
    const bodies = Array.from({ length: total }, (_, i) => makeBody(i));
    const cpu0 = treeCpuSeconds(serverPid);
    const load0 = os.loadavg()[0]!;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const elapsed = (performance.now() - t0) / 1000;
        const due = Math.min(total, Math.floor(elapsed * RATE));
        while (started < due) {
          if (inFlight >= MAX_IN_FLIGHT) {
            // Open loop, bounded: a request that cannot start on time is counted as missed.
            skipped += due - started;
            started = due;
            break;
          }
          const body = bodies[started++]!;
          inFlight++;
          const s = performance.now();
          post(body)
            .then((r) => {
              latencies.push(performance.now() - s);
              statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
              if (r.status === 200 && r.json.duplicate) duplicates++;
              else if (r.status === 200) accepted++;
            })
            .catch((err: unknown) => {
              errors++;
              const kind = (err as { code?: string }).code ?? (err as Error).message;
              errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
            })
            .finally(() => {
              inFlight--;
              if (started >= total && inFlight === 0) resolve();
            });
        }
        if (started < total) setTimeout(tick, 5);
        else if (inFlight === 0) resolve();
      };
      tick();
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    const serverCpu = treeCpuSeconds(serverPid) - cpu0;
    const load1 = os.loadavg()[0]!;
    clearInterval(rssTimer);

    const rows = Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM webhook_events WHERE company_id = $1', [companyId])).rows[0]!.n) - warmRows;
    const jobs = Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'webhook.process'`)).rows[0]!.n) - warmRows;
    const sorted = [...latencies].sort((a, b) => a - b);
    const completed = latencies.length;
    const result = {
      sequential: { requests: SEQUENTIAL, accepted: sequentialAccepted, p50: +percentile(sequential, 50).toFixed(2), p95: +percentile(sequential, 95).toFixed(2), p99: +percentile(sequential, 99).toFixed(2) },
      targetRate: RATE,
      seconds: SECONDS,
      requests: completed,
      achievedRate: Math.round((completed / wallSeconds) * 10) / 10,
      missedStarts: skipped,
      // Requests that got no HTTP answer (their events may or may not be stored; Pipedrive would retry them).
      transportErrors: errors,
      transportErrorKinds: Object.fromEntries(errorKinds),
      statuses: Object.fromEntries(statuses),
      acceptedNew: accepted,
      duplicatesAcknowledged: duplicates,
      storedRows: rows,
      enqueuedJobs: jobs,
      // Acknowledged but not stored, or stored without a job. A request without an answer may have
      // been stored before its connection broke, so rows may exceed acknowledgements by at most that many.
      lostRows: accepted - rows > 0 ? accepted - rows : 0,
      lostJobs: accepted - jobs > 0 ? accepted - jobs : 0,
      unacknowledgedButStored: rows - accepted,
      latencyMs: { p50: +percentile(sorted, 50).toFixed(1), p95: +percentile(sorted, 95).toFixed(1), p99: +percentile(sorted, 99).toFixed(1), max: +(sorted.at(-1) ?? NaN).toFixed(1) },
      serverPeakRssMiB: Math.round(peakRss / 1048576),
      // CPU the Next server spent per acknowledged request: the cost that does not depend on how busy the machine is.
      serverCpuMsPerRequest: completed ? +((serverCpu * 1000) / completed).toFixed(2) : NaN,
      cpus: os.cpus().length,
      // Other work on the machine competes for the same cores (1-minute load average, start and end).
      loadAverage: [+load0.toFixed(1), +load1.toFixed(1)],
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `\n| ${RATE}/s for ${SECONDS} s | ${result.achievedRate}/s | ${result.latencyMs.p50} / ${result.latencyMs.p95} / ${result.latencyMs.p99} ms | ${result.acceptedNew} new + ${result.duplicatesAcknowledged} repeated, ${rows} rows, ${jobs} jobs, lost ${result.lostRows} rows / ${result.lostJobs} jobs | ${result.serverPeakRssMiB} MiB | ${result.serverCpuMsPerRequest} ms | ${result.loadAverage.join(' → ')} |`,
    );
    if (result.lostRows !== 0 || result.lostJobs !== 0 || rows !== jobs || rows - accepted > errors || rows < accepted || [...statuses.keys()].some((s) => s !== 200)) process.exitCode = 1;
  } finally {
    server?.kill('SIGTERM');
    if (server && server.exitCode === null) await new Promise((r) => server!.once('exit', r));
    await sql.end().catch(() => undefined);
    if (!args.has('keep')) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
