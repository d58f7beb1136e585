/**
 * The sync benchmark (issue 6): a historical backfill of a whole sandbox company into Brevo, a
 * second run with nothing changed, and an incremental run after 1 % of persons changed.
 *
 *   npx tsx --conditions=react-server scripts/bench-sync.ts [--persons 100000] [--limits off|real] [--org-sample 50] [--flush-at N] [--profile DIR] [--child-heap-mb N] [--skip-verify]
 *
 * --profile DIR writes a V8 CPU profile of each sync process (open it in Chrome DevTools).
 *
 * The parent process holds a throwaway database (created and dropped on
 * postgresql://postgres@127.0.0.1:5432/postgres, or BENCH_ADMIN_DATABASE_URL), both sandboxes and
 * the independent expectation of the Brevo state; each sync run happens in a child process of its
 * own, so its peak memory is the sync's and not the sandboxes'. Requests are counted twice: by a
 * counting fetch in the child (every Pipedrive and Brevo call the engine makes) and by the
 * sandboxes (Pipedrive's token budget counter, Brevo's request log). Everything is loopback.
 *
 * Company shape per 100,000 persons (scaled with --persons): 20,000 organizations, 50,000 deals in
 * two pipelines, 100,000 activities, 10,000 leads, 10 % of persons without an email.
 */
import { fork, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createThrowawayDatabase } from './throwaway-database';
import { TOKEN_COST } from '../lib/pipedrive/rate-policy';
import { GENERAL_TIER_POLICIES } from '../lib/brevo/rate-families';

import { type ChildJob, type ChildReport, type RequestCount } from './bench-sync-child';

// ---------------------------------------------------------------------------------------------
// Parent: the world, the runs, the figures.

type World = import('../tests/helpers/engine-world').EngineWorld;

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const n = (x: number) => Math.round(x).toLocaleString('en');
const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${(a / b).toFixed(3)}×`);
const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((a / b) * 100).toFixed(1)} %`);
const pages = (records: number) => Math.max(1, Math.ceil(records / 500));

/** The V8 memory flags `npm run worker` starts worker processes with, so the benchmark measures the same process. */
function workerMemoryFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts?: Record<string, string> };
  return (pkg.scripts?.worker ?? '').split(/\s+/).filter((f) => /^--max-(old|semi)-space-size=\d+$/.test(f));
}

function runInChild(job: ChildJob, profileDir: string | undefined, memoryFlags: readonly string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    // Plain node on the bundle, as `npm run worker` runs (built by main() before the first run).
    const execArgv = ['--conditions=react-server', '--enable-source-maps', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...memoryFlags];
    const child = fork(fileURLToPath(new URL('../.worker/bench-sync-child.mjs', import.meta.url)), [], { env: { ...process.env, BENCH_CHILD: JSON.stringify(job) }, execArgv });
    let report: ChildReport | undefined;
    child.on('message', (m) => (report = m as ChildReport));
    child.on('error', reject);
    child.on('exit', (code) => (report && code === 0 ? resolve(report) : reject(new Error(`${job.op} run exited with ${code}`))));
  });
}

/** 429s that are not the first of their window (Brevo: fixed windows per family; Pipedrive: 2 s rolling). */
function extra429(times: number[], windowMs: number): number {
  const firsts = new Set<number>();
  let extra = 0;
  for (const t of times) {
    const w = Math.floor(t / windowMs);
    if (firsts.has(w)) extra++;
    else firsts.add(w);
  }
  return extra;
}

async function main(): Promise<void> {
  // The measured runs use the worker's bundle (scripts/build-worker.mjs), built from this checkout.
  const built = spawnSync(process.execPath, [fileURLToPath(new URL('./build-worker.mjs', import.meta.url))], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the worker bundle failed');
  const { values } = parseArgs({
    options: {
      persons: { type: 'string', default: '100000' },
      limits: { type: 'string', default: 'off' },
      'flush-at': { type: 'string' },
      /** Brevo's company endpoints share the client's 100-per-hour budget: a larger sample waits for it. */
      'org-sample': { type: 'string', default: '50' },
      /** Write a V8 CPU profile of each sync process into this directory. */
      profile: { type: 'string' },
      /** The sync process's V8 old space (MB); by default the one `npm run worker` gives its processes. */
      'child-heap-mb': { type: 'string' },
      'skip-verify': { type: 'boolean', default: false },
      /** Added to every Pipedrive response of the backfill (a network round trip; loopback has none). */
      'pipedrive-latency-ms': { type: 'string', default: '0' },
    },
  });
  const persons = Number(values.persons);
  const limits = values.limits === 'real' ? 'real' : 'off';
  if (!Number.isInteger(persons) || persons < 100) throw new Error('--persons must be an integer ≥ 100');
  const scale = persons / 100_000;
  const shape = {
    seed: 6,
    users: 10,
    persons,
    organizations: Math.round(20_000 * scale),
    deals: Math.round(50_000 * scale),
    activities: Math.round(100_000 * scale),
    leads: Math.round(10_000 * scale),
    noEmailRate: 0.1,
    pipelines: [
      { name: 'Sales', stages: ['Qualified', 'Contact made', 'Demo scheduled', 'Proposal made', 'Negotiations started'] },
      { name: 'Partners', stages: ['Introduced', 'Evaluating', 'Contract sent'] },
    ],
  };
  const memoryFlags = values['child-heap-mb'] ? [`--max-old-space-size=${Number(values['child-heap-mb'])}`] : workerMemoryFlags();
  const [load1, load5] = os.loadavg();
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${load1?.toFixed(2)} / ${load5?.toFixed(2)} (1 / 5 min) at start; node ${process.version}`);
  console.log(`sync process: V8 flags ${memoryFlags.length ? `${memoryFlags.join(' ')}${values['child-heap-mb'] ? '' : ' (as npm run worker)'}` : 'none (Node defaults)'}`);
  console.log(`company: ${n(persons)} persons (10 % without email), ${n(shape.organizations)} organizations, ${n(shape.deals)} deals in 2 pipelines, ${n(shape.activities)} activities, ${n(shape.leads)} leads; rate limits ${limits}`);

  // A throwaway database, migrated, dropped at the end whatever happens.
  const db = await createThrowawayDatabase('pbbench');
  const dbUrl = new URL(db.url);
  const cleanups: (() => Promise<void>)[] = [db.drop];
  try {
    const { applyMigrations } = await import('../lib/db/migrate');
    await applyMigrations(dbUrl.toString());

    const { startPipedriveSandbox } = await import('../sandbox/pipedrive');
    const { startBrevoSandbox } = await import('../sandbox/brevo');
    const pipedrive = await startPipedriveSandbox({ rateLimits: limits });
    cleanups.unshift(() => pipedrive.close());
    const brevo = await startBrevoSandbox({ rateLimits: limits });
    cleanups.unshift(() => brevo.close());
    const app = pipedrive.control.registerApp({ name: 'Pipebridge bench', redirectUri: 'http://127.0.0.1:9/api/auth/callback/pipedrive' });
    const { useAppEnv } = await import('../tests/helpers/app-env');
    useAppEnv(dbUrl.toString(), { PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret, PIPEDRIVE_OAUTH_URL: pipedrive.url, BREVO_API_URL: `${brevo.url}/v3`, BENCH_PIPEDRIVE_URL: pipedrive.url });

    const seedStart = performance.now();
    const domain = 'bench-co';
    const co = pipedrive.control.createCompany({ name: 'Bench Co', domain, plan: 'growth', seed: shape });
    console.log(`seeded the Pipedrive sandbox in ${((performance.now() - seedStart) / 1000).toFixed(1)} s: ${JSON.stringify(pipedrive.control.stats(domain))}`);
    const { prisma, disconnectPrisma } = await import('../lib/db/prisma');
    const { pgPool } = await import('../lib/db/pool');
    cleanups.unshift(async () => {
      await disconnectPrisma();
      await pgPool().end();
    });
    const { installTestCompany } = await import('../tests/helpers/engine-world');
    // The contacts path is measured with organizations → companies off: Brevo's company endpoints
    // allow 100 requests an hour, so that path is measured on its own, on a sample (below).
    const installed = await installTestCompany(pipedrive, brevo, app.clientId, co, (c) => ({ ...c, sync: { ...c.sync, organizations: false } }));
    const saved = { companyId: installed.companyId };
    const account = { apiKey: installed.brevoKey };
    const lists = installed.lists;
    const company = pipedrive.control.company(domain);
    // With limits off the Pipedrive sandbox does not count tokens; an unreachable limit makes it
    // count them (and send the rate headers) without ever refusing a request.
    if (limits === 'off') pipedrive.control.setRateLimits({ mode: 'real', burst: 1_000_000_000, dailyBudget: 1e15 });

    const world = { pipedrive, brevo, domain, brevoKey: account.apiKey, lists } as unknown as World;
    const { expectedContacts, diffBrevo } = await import('../tests/helpers/expected-brevo');

    const measure = async (job: ChildJob) => {
      const logStart = brevo.control.requestLog(account.apiKey).length;
      const tokensBefore = pipedrive.control.budget(domain).used;
      const loadBefore = os.loadavg()[0] ?? 0;
      const sandboxCpu = process.cpuUsage();
      const pgBefore = postgresCpuMs();
      // The sandboxes answer from this process: while its event loop is held, requests are counted
      // late by Brevo's windows (real Brevo counts on arrival), which can put 11 in one window.
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const r = await runInChild(job, values.profile, memoryFlags);
      loop.disable();
      const log = brevo.control.requestLog(account.apiKey).slice(logStart);
      const sb = process.cpuUsage(sandboxCpu);
      const cpu = { sandboxesMs: (sb.user + sb.system) / 1000, postgresMs: postgresCpuMs() - pgBefore };
      const loopMs = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
      return { r, log, cpu, loopMs, tokens: pipedrive.control.budget(domain).used - tokensBefore, loadBefore, loadAfter: os.loadavg()[0] ?? 0 };
    };
    const brevoWrites = (log: { method: string }[]) => log.filter((x) => x.method !== 'GET').length;
    const routeLines = (c: RequestCount) =>
      Object.entries(c.byRoute)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `      ${String(v).padStart(7)}  ${k}`)
        .join('\n');

    // ---- 1. the backfill ----------------------------------------------------------------------
    const flushAt = values['flush-at'] ? Number(values['flush-at']) : undefined;
    const latencyMs = Number(values['pipedrive-latency-ms']);
    if (latencyMs > 0) {
      console.log(`  every Pipedrive response of the backfill is held ${latencyMs} ms (a round trip to Pipedrive; the lower bound below does not know it)`);
      pipedrive.control.injectFault({ kind: 'slow', delayMs: latencyMs, count: 1_000_000, domain });
    }
    const first = await measure({ op: 'backfill', companyId: saved.companyId, ...(flushAt ? { flushAt } : {}) });
    pipedrive.control.clearFaults();
    const stats = pipedrive.control.stats(domain);
    const liveLeads = [...company.leads.values()].filter((l) => !l.is_archived && !l.is_deleted).length;
    const metadataCalls = 3; // personFields, pipelines, stages (organizationFields only with organizations on)
    // The highest person, organization and deal id, read once for the progress estimate (ETA).
    const estimateCalls = 3;
    const pdMin = pages(stats.organizations!) + pages(stats.deals!) + pages(liveLeads) + pages(stats.persons!) + metadataCalls + estimateCalls;
    // The same read on v1: every list at its v1 x-token-cost (lists 20, pipelines/stages 10, fields 20),
    // the estimate's three one-record pages included.
    const v1Tokens = (pages(stats.organizations!) + pages(stats.deals!) + pages(stats.persons!) + estimateCalls) * 20 + pages(liveLeads) * TOKEN_COST.v1Leads + 10 + 10 + 20;
    const records = stats.organizations! + stats.deals! + liveLeads + stats.persons!;

    // The Brevo minimum of the chosen write path, from the independent expectation: imports of
    // ≤ 8 MB create every contact with its attributes in the all-contacts list, one status read
    // per import, then the other lists in the fewest calls the writer's three plans allow (batch
    // items of 100, list adds of 150, or both) taken over the whole company at once, where the
    // writer works one buffer at a time; plus the attribute list read and creations.
    const expected = expectedContacts(world);
    let importBytes = 2;
    const completion: { c: import('../lib/sync').ContactUpsert; rest: number[] }[] = [];
    const perList = new Map<number, number>();
    for (const c of expected.values()) {
      importBytes += Buffer.byteLength(JSON.stringify({ email: c.email, attributes: c.attributes })) + 1;
      const rest = c.lists.filter((l) => l !== lists.all);
      for (const l of rest) perList.set(l, (perList.get(l) ?? 0) + 1);
      if (rest.length) completion.push({ c: { kind: 'contact.upsert', personId: c.personId, email: c.email, extId: `pd_person_${c.personId}`, attributes: {}, lists: c.lists, listIds: c.lists, unlinkListIds: [], blocklisted: false, hash: '', warnings: [] }, rest });
    }
    const needExtra = completion.length;
    const imports = Math.max(1, Math.ceil(importBytes / (8 * 1024 * 1024)));
    const { cheapestCompletion } = await import('../lib/engine/contact-writer');
    const listCalls = cheapestCompletion(completion).calls;
    const attributeSetup = first.log.filter((x) => x.path === '/contacts/attributes' || x.path.startsWith('/contacts/attributes/')).length;
    const brevoMin = imports * 2 + listCalls + attributeSetup;
    const contacts429 = first.log.filter((x) => x.status === 429);
    const brevoExtra429 = extra429(
      contacts429.filter((x) => x.family !== 'other').map((x) => x.at),
      1000,
    ) + extra429(contacts429.filter((x) => x.family === 'other').map((x) => x.at), 3_600_000);

    console.log(`\n== backfill (first run) ==`);
    console.log(`  wall time ${(first.r.wallMs / 1000).toFixed(1)} s (of which loading the company context ${(first.r.contextMs / 1000).toFixed(2)} s); load average ${first.loadBefore.toFixed(2)} → ${first.loadAfter.toFixed(2)}`);
    console.log(`  records read: ${n(records)} (${n(stats.organizations!)} organizations + ${n(stats.deals!)} deals + ${n(liveLeads)} leads + ${n(stats.persons!)} persons; activities are not read: history is not replayed) → ${n(records / (first.r.wallMs / 1000))} records/s end to end; the sync process used ${(first.r.cpuMs / 1000).toFixed(1)} s of CPU = ${n(records / (first.r.cpuMs / 1000))} records per CPU-second`);
    console.log(`  CPU of the two cores during the run: sync ${(first.r.cpuMs / 1000).toFixed(1)} s, both sandboxes (this process) ${(first.cpu.sandboxesMs / 1000).toFixed(1)} s, PostgreSQL ${(first.cpu.postgresMs / 1000).toFixed(1)} s, of ${((2 * first.r.wallMs) / 1000).toFixed(1)} s available; the sandboxes' event loop delay p99 ${first.loopMs.p99.toFixed(0)} ms, max ${first.loopMs.max.toFixed(0)} ms`);
    console.log(`  run result: ${JSON.stringify(first.r.result)}`);
    console.log(`  Pipedrive requests: ${n(first.r.pipedrive.total)} vs minimum ${n(pdMin)} (Σ ⌈records/500⌉ per entity + ${metadataCalls} metadata calls + ${estimateCalls} highest-id reads for the ETA) = ${ratio(first.r.pipedrive.total, pdMin)} (target ≤ 1.05×)`);
    console.log(routeLines(first.r.pipedrive));
    console.log(`  Pipedrive tokens (sandbox budget counter): ${n(first.tokens)} vs ${n(v1Tokens)} for the same read on v1 = ${pct(first.tokens, v1Tokens)} (target ≤ 55 %)`);
    console.log(`  Brevo requests (sandbox request log): ${n(first.log.length)} (engine's own count ${n(first.r.brevo.total)}) vs minimum ${n(brevoMin)} = ${ratio(first.log.length, brevoMin)} (target ≤ 1.1×)`);
    console.log(`    minimum = ${imports} import(s) of ${mb(importBytes)} + ${imports} status read(s) + ${listCalls} list calls (${n(needExtra)} contacts in lists beyond all-contacts; ${[...perList.values()].reduce((a, b) => a + b, 0)} memberships in ${perList.size} lists) + ${attributeSetup} attribute calls`);
    console.log(routeLines(first.r.brevo));
    console.log(`  429s: Brevo ${contacts429.length} (beyond the first of a window: ${brevoExtra429}), Pipedrive ${first.r.pipedrive.status429} (beyond the first of a 2 s window: ${extra429(first.r.pipedrive.at429, 2000)})`);
    console.log(`  peak memory of the sync process: RSS ${mb(first.r.peakRssBytes)}, heap ${mb(first.r.peakHeapBytes)}`);

    if (limits === 'real') {
      // Lower bound: every budget must carry at least the minimum requests; after the first
      // window (bucket) is spent, each runs at its refill rate. The budgets are independent, so
      // the bound is the largest of them.
      const pdPlanPer2s = 160; // growth plan, OAuth token: 160 requests per 2 s
      const pdBound = Math.max(0, pdMin - pdPlanPer2s) / (pdPlanPer2s / 2);
      const contactsPerS = GENERAL_TIER_POLICIES.contacts.capacity;
      const contactsMin = brevoMin - imports; // the status reads are in the "other" family
      const brevoContactsBound = Math.max(0, Math.ceil(contactsMin / contactsPerS) - 1);
      const otherBound = Math.max(0, imports - 100) * 36;
      const bound = Math.max(pdBound, brevoContactsBound, otherBound);
      console.log(`  lower bound under real limits: ${bound.toFixed(1)} s = max(Pipedrive ${pdBound.toFixed(1)} s [(${pdMin} − ${pdPlanPer2s}) requests at 80/s], Brevo contacts ${brevoContactsBound} s [${contactsMin} requests at 10/s, the first second free], Brevo other ${otherBound} s [${imports} status reads, 100/h])`);
      console.log(`  wall time / lower bound = ${ratio(first.r.wallMs / 1000, bound)} (target ≤ 1.3×)`);
      console.log(`  timeline: organizations, deals and leads stored at ${first.r.entitiesStoredMs === null ? '-' : (first.r.entitiesStoredMs / 1000).toFixed(1)} s (${Object.entries(first.r.entityStoredMs).map(([k, v]) => `${k}s ${(v / 1000).toFixed(1)} s`).join(', ')}); ${timeline(first.log, first.r.startedAtMs, contactsPerS)}`);
    }

    if (!values['skip-verify']) {
      const diffs = diffBrevo(world, expected);
      console.log(`  Brevo state vs the independent expectation: ${expected.size} contacts expected, ${diffs.length} differences${diffs.length ? `, e.g. ${diffs.slice(0, 5).join('; ')}` : ''}`);
    }

    // ---- 2. nothing changed -------------------------------------------------------------------
    const second = await measure({ op: 'backfill', companyId: saved.companyId, ...(flushAt ? { flushAt } : {}) });
    console.log(`\n== second backfill, nothing changed ==`);
    console.log(`  wall time ${(second.r.wallMs / 1000).toFixed(1)} s (sync CPU ${(second.r.cpuMs / 1000).toFixed(1)} s); Pipedrive requests ${n(second.r.pipedrive.total)}; Brevo requests ${second.log.length}, of which writes ${brevoWrites(second.log)} (target 0); peak RSS ${mb(second.r.peakRssBytes)}, heap ${mb(second.r.peakHeapBytes)}`);

    // ---- 3. 1 % of persons changed, incremental run --------------------------------------------
    const editable = [...company.persons.values()].filter((p) => !p.is_deleted && p.emails.length > 0);
    const changeCount = Math.max(1, Math.round(persons / 100));
    for (let i = 0; i < changeCount; i++) {
      const p = editable[Math.floor((i * editable.length) / changeCount)]!;
      pipedrive.control.editPerson(domain, p.id, { first_name: `Changed${i}` });
    }
    const inc = await measure({ op: 'incremental', companyId: saved.companyId });
    console.log(`\n== incremental run after changing ${n(changeCount)} persons (1 %) ==`);
    console.log(`  wall time ${(inc.r.wallMs / 1000).toFixed(1)} s; result ${JSON.stringify(inc.r.result)}`);
    console.log(`  Pipedrive requests ${n(inc.r.pipedrive.total)} (${n(inc.tokens)} tokens); minimum ${pages(changeCount) + 3 + 3} (⌈changed/500⌉ person pages + one page each of organizations, deals, activities + ${metadataCalls} metadata)`);
    console.log(routeLines(inc.r.pipedrive));
    console.log(`  Brevo requests ${inc.log.length} (writes ${brevoWrites(inc.log)}); minimum ${Math.ceil(changeCount / 100) + 1} (⌈changed/100⌉ batch updates + the attribute list read)`);
    console.log(routeLines(inc.r.brevo));
    if (!values['skip-verify']) {
      const diffs = diffBrevo(world, expectedContacts(world));
      console.log(`  Brevo state vs the independent expectation after the change: ${diffs.length} differences${diffs.length ? `, e.g. ${diffs.slice(0, 5).join('; ')}` : ''}`);
    }

    // ---- 4. organizations → companies, on a sample --------------------------------------------
    const sample = Math.min(Number(values['org-sample']), stats.organizations!);
    if (sample > 0) {
      const { saveSyncConfig, loadSyncConfig } = await import('../lib/engine/config-store');
      const current = await loadSyncConfig(prisma(), saved.companyId);
      await saveSyncConfig(prisma(), saved.companyId, { ...current, sync: { ...current.sync, organizations: true } });
      if (limits === 'real') brevo.control.setRateLimits('off');
      const orgs = await measure({ op: 'organizations', companyId: saved.companyId, sample });
      const companyCalls = orgs.log.filter((x) => x.path.startsWith('/companies')).length;
      console.log(`\n== organizations → Brevo companies (sample of ${n(sample)}, Brevo limits off for this part) ==`);
      console.log(`  ${n(companyCalls)} company requests for ${n(sample)} organizations (${(companyCalls / sample).toFixed(2)} per organization) in ${(orgs.r.wallMs / 1000).toFixed(1)} s = ${n(sample / (orgs.r.wallMs / 1000))} organizations/s; result ${JSON.stringify(orgs.r.result)}`);
      console.log(`  all ${n(stats.organizations!)} organizations under Brevo's general-plan limit of 100 company requests/hour: at least ${((stats.organizations! * (companyCalls / sample)) / 100).toFixed(0)} hours`);
    }
  } finally {
    for (const c of cleanups) await c().catch((e: unknown) => console.error('cleanup failed:', e));
  }
  const [end1] = os.loadavg();
  console.log(`\nload average at the end: ${end1?.toFixed(2)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

/**
 * Where the wall time of a real-limits run goes, from Brevo's request log: when the first and last
 * call of the contacts family reached Brevo (seconds after the sync process started), and how full
 * its one-second windows were in between.
 */
function timeline(log: readonly { at: number; family: string; path?: string }[], startedAtMs: number, perSecond: number): string {
  // Brevo's windows (and the sandbox's) are aligned to the clock's seconds.
  const contacts = log.filter((r) => r.family === 'contacts').map((r) => r.at);
  if (contacts.length === 0) return 'no contacts calls';
  const first = contacts[0]! - startedAtMs;
  const last = contacts[contacts.length - 1]! - startedAtMs;
  const perWindow = new Map<number, number>();
  for (const t of contacts) perWindow.set(Math.floor(t / 1000), (perWindow.get(Math.floor(t / 1000)) ?? 0) + 1);
  const windows = Math.floor(contacts[contacts.length - 1]! / 1000) - Math.floor(contacts[0]! / 1000) + 1;
  const full = [...perWindow.values()].filter((c) => c >= perSecond).length;
  const idle = windows - perWindow.size;
  const firstImport = log.find((r) => r.family === 'contacts' && (r as { path?: string }).path?.endsWith('/contacts/import'));
  const start = Math.floor(contacts[0]! / 1000);
  const histogram = Array.from({ length: windows }, (_, i) => perWindow.get(start + i) ?? 0).join(' ');
  return `first contacts call at ${(first / 1000).toFixed(1)} s, first import at ${firstImport ? ((firstImport.at - startedAtMs) / 1000).toFixed(1) : '-'} s, last call at ${(last / 1000).toFixed(1)} s: ${contacts.length} calls in ${windows} windows of 1 s (${full} full, ${windows - full - idle} partly used, ${idle} unused) = ${(contacts.length / Math.max(1, (last - first) / 1000)).toFixed(2)} calls/s\n    calls per window: ${histogram}`;
}

/** CPU time (user + system) of every PostgreSQL process on the machine and of those that ended, from /proc. */
function postgresCpuMs(): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Own time plus reaped children's: the postmaster collects the time of backends that ended.
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * tick;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}
