/**
 * Receipt → Brevo latency of real-time sync (issue 7): Pipedrive users working at a steady rate,
 * each change delivered as a real webhook to the ingest route, applied by the worker (LISTEN
 * processor + pg-boss job), written to a Brevo sandbox that enforces Brevo's real limits.
 *
 *   npm run bench:webhooks:e2e -- [--rate=20] [--seconds=60] [--persons=2000] [--seed=7]
 *
 * The parent process holds a throwaway database (on BENCH_ADMIN_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/postgres), both sandboxes (Pipedrive and Brevo at real
 * limits), the load generator and the measurement; the app (ingest route + webhook worker) runs in
 * a child process, as a web/worker process would, so the sandboxes' work does not stall its event
 * loop (both share the machine's cores, though). Loopback only.
 *
 * Mix (per action, drawn from a seeded generator at a fixed open-loop rate): 70 % person edits (a
 * new last name), 15 % deal stage moves, 5 % deals won or lost, 10 % activities logged (half on a
 * deal). The company's event rules send a Brevo event for stage moves / won / lost and for logged
 * activities only, so events average 30 % of the rate (6/s at 20/s), under the 10/s events budget
 * (POST /events takes one event per request); every edit, move and win/loss rewrites a contact
 * (18/s at 20/s, over the 10/s contacts budget: only batching several contacts per request keeps up).
 *
 * Latency of one webhook event = from its receipt (webhook_events.received_at) to the first Brevo
 * write answered 2xx that reflects it, read from the Brevo sandbox's requests with their bodies:
 * - person edit: a contact write for that person (EXT_ID) carrying this edit's last name or a later one;
 * - stage move / won / lost: the deal_stage_changed event with this deal, stage and status, and, when
 *   a contact write for the person carries the list the new state implies, that write too (the later
 *   of the two counts);
 * - activity: the activity_logged event with this activity id.
 * Then the whole Brevo account is compared with an independent expectation (tests/helpers/expected-brevo).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRng } from '../sandbox/pipedrive/generator';
import { createThrowawayDatabase } from './throwaway-database';
import { analyzeLatencies, percentiles, type BrevoCall, type StoredWebhook } from './bench-webhooks-e2e-analysis';

// ---------------------------------------------------------------------------------------------
// Child: the app (ingest route + webhook worker).

async function runApp(): Promise<void> {
  const route = (await import('../app/api/webhooks/pipedrive/[companyId]/route')) as unknown as { POST: unknown };
  const { serveRoutes } = await import('../tests/helpers/route-server');
  const routes = await serveRoutes([{ path: '/api/webhooks/pipedrive/:companyId', module: { POST: route.POST } }]);
  const { env, requireDatabaseUrl } = await import('../lib/env');
  const { listenForWebhooks } = await import('../lib/engine/webhook-listener');
  const listener = await listenForWebhooks(requireDatabaseUrl(), { concurrency: env().PIPEBRIDGE_WEBHOOK_CONCURRENCY });
  // The job queue is the guarantee behind the notifications, as in a worker process.
  const { JobQueue } = await import('../lib/jobs/queue');
  const { processWebhookJob } = await import('../lib/webhooks/process-job');
  const queue = await new JobQueue(requireDatabaseUrl()).start();
  await queue.work(processWebhookJob, { concurrency: env().PIPEBRIDGE_WORKER_CONCURRENCY, pollingIntervalSeconds: 0.5 });
  const cpu0 = process.cpuUsage();
  process.send?.({ ready: routes.url });
  process.on('message', (m: { stop?: boolean }) => {
    if (!m.stop) return;
    void (async () => {
      const cpu = process.cpuUsage(cpu0);
      await listener.stop();
      await queue.stop(5_000);
      const { jobSender } = await import('../lib/jobs/runtime');
      await (await jobSender()).stop(5_000);
      await routes.close();
      const { disconnectPrisma } = await import('../lib/db/prisma');
      await disconnectPrisma();
      const { pgPool } = await import('../lib/db/pool');
      await pgPool().end();
      process.send?.({ cpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes: process.resourceUsage().maxRSS * 1024 }, () => process.exit(0));
    })();
  });
}

// ---------------------------------------------------------------------------------------------
// Parent.

const MIX = [
  { kind: 'person_edit', share: 0.7 },
  { kind: 'stage_move', share: 0.15 },
  { kind: 'won_lost', share: 0.05 },
  { kind: 'activity', share: 0.1 },
] as const;
type ActionKind = (typeof MIX)[number]['kind'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '60' },
      persons: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '7' },
    },
  });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const persons = Number(values.persons);
  // The sandbox generator's seeded random: the same mix and targets for the same --seed.
  const random = createRng(Number(values.seed));
  const load0 = os.loadavg();
  console.log(`machine: ${os.cpus().length} cores, load average ${load0.map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min) at start; node ${process.version}`);

  const db = await createThrowawayDatabase('pbbench_rt');
  const dbUrl = new URL(db.url);
  const cleanups: (() => Promise<void>)[] = [db.drop];
  let child: ChildProcess | undefined;
  try {
    const { applyMigrations } = await import('../lib/db/migrate');
    await applyMigrations(dbUrl.toString());
    const { startPipedriveSandbox } = await import('../sandbox/pipedrive');
    const { startBrevoSandbox } = await import('../sandbox/brevo');
    const brevoCalls: BrevoCall[] = [];
    const pipedrive = await startPipedriveSandbox({ rateLimits: 'real' });
    cleanups.unshift(() => pipedrive.close());
    const brevo = await startBrevoSandbox({ rateLimits: 'real', onApiRequest: (r) => brevoCalls.push(r) });
    cleanups.unshift(() => brevo.close());
    const app = pipedrive.control.registerApp({ name: 'Pipebridge bench', redirectUri: 'http://127.0.0.1:9/api/auth/callback/pipedrive' });
    const { useAppEnv } = await import('../tests/helpers/app-env');
    // The child inherits these (same database, same encryption keys, same sandboxes).
    useAppEnv(dbUrl.toString(), { PIPEDRIVE_CLIENT_ID: app.clientId, PIPEDRIVE_CLIENT_SECRET: app.clientSecret, PIPEDRIVE_OAUTH_URL: pipedrive.url, BREVO_API_URL: `${brevo.url}/v3`, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });

    const domain = 'bench-rt';
    const co = pipedrive.control.createCompany({
      name: 'Bench RT',
      domain,
      plan: 'growth',
      seed: { seed: 7, users: 3, persons, organizations: Math.round(persons / 5), deals: Math.round(persons * 0.75), activities: 0, leads: Math.round(persons / 20), noEmailRate: 0.05, duplicateRate: 0 },
    });
    const { prisma, disconnectPrisma } = await import('../lib/db/prisma');
    const { pgPool } = await import('../lib/db/pool');
    cleanups.unshift(async () => {
      await disconnectPrisma();
      await pgPool().end();
    });
    const { installTestCompany } = await import('../tests/helpers/engine-world');
    // Events for stage moves, wins/losses and logged activities only (see the header), and no
    // organizations → companies (100 requests an hour: a path of its own, see bench:sync).
    const installed = await installTestCompany(pipedrive, brevo, app.clientId, co, (c) => ({
      ...c,
      sync: { ...c.sync, organizations: false },
      eventRules: [
        { action: 'stage_change', object: 'deal', mergeOnly: false, brevoEvent: 'deal_stage_changed' },
        { action: 'create', object: 'activity', mergeOnly: false, brevoEvent: 'activity_logged' },
      ],
    }));
    const { companyId, brevoKey, lists } = installed;

    const t0 = performance.now();
    const { loadCompanyContext } = await import('../lib/engine/company-context');
    const { runBackfill } = await import('../lib/engine/backfill');
    const run = await prisma().syncRun.create({ data: { companyId, kind: 'backfill' } });
    await runBackfill(await loadCompanyContext(companyId), run.id);
    console.log(`backfill of ${persons} persons: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${brevo.control.state(brevoKey).contacts.length} contacts in Brevo`);

    child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, BENCH_E2E_CHILD: '1' }, execArgv: process.execArgv });
    const running = child;
    const messages: Record<string, unknown>[] = [];
    const waitFor = (key: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const check = () => {
          const m = messages.find((x) => key in x);
          if (m) resolve(m);
        };
        running.on('message', (m) => {
          messages.push(m as Record<string, unknown>);
          check();
        });
        running.once('exit', (code) => reject(new Error(`the app process exited with ${code}`)));
        check();
      });
    const ready = await waitFor('ready');
    process.env.APP_URL = String(ready.ready);
    (await import('../lib/env')).resetEnvCache();
    const { ensureWebhooks } = await import('../lib/webhooks/ensure-webhooks');
    await ensureWebhooks(companyId);

    // Who the users work on: persons with a contact and an email of their own, their open deals.
    const c = pipedrive.control.company(domain);
    const contacts = new Map(brevo.control.state(brevoKey).contacts.map((x) => [x.email, x]));
    const emailOf = (p: { emails: { value: string; primary: boolean }[] }) => (p.emails.find((e) => e.primary) ?? p.emails[0])?.value.trim().toLowerCase() ?? '';
    const emailCount = new Map<string, number>();
    for (const p of c.persons.values()) if (!p.is_deleted) emailCount.set(emailOf(p), (emailCount.get(emailOf(p)) ?? 0) + 1);
    const people = [...c.persons.values()].filter((p) => !p.is_deleted && contacts.has(emailOf(p)) && emailCount.get(emailOf(p)) === 1);
    const peopleIds = new Set(people.map((p) => p.id));
    const openDeals = [...c.deals.values()].filter((d) => !d.is_deleted && d.status === 'open' && d.person_id !== null && peopleIds.has(d.person_id));
    const stagesOf = (pipelineId: number) => [...c.stages.values()].filter((s) => s.pipeline_id === pipelineId);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    let seq = 0;

    const act = (kind: ActionKind) => {
      seq++;
      if (kind === 'person_edit' || openDeals.length === 0) {
        pipedrive.control.editPerson(domain, pick(people).id, { last_name: `L${seq}` });
      } else if (kind === 'stage_move') {
        const d = pick(openDeals);
        pipedrive.control.moveDeal(domain, d.id, pick(stagesOf(d.pipeline_id).filter((s) => s.id !== d.stage_id)).id);
      } else if (kind === 'won_lost') {
        const i = Math.floor(random() * openDeals.length);
        const d = openDeals.splice(i, 1)[0]!;
        pipedrive.control.setDealStatus(domain, d.id, random() < 0.6 ? 'won' : 'lost');
      } else {
        const d = random() < 0.5 ? pick(openDeals) : null;
        pipedrive.control.logActivity(domain, { subject: `Call ${seq}`, ...(d ? { dealId: d.id } : { personId: pick(people).id }) });
      }
    };
    const choose = (): ActionKind => {
      let r = random();
      for (const m of MIX) if ((r -= m.share) < 0) return m.kind;
      return 'person_edit';
    };
    const backlog = async () =>
      (
        await pgPool().query<{ events: number; outbox: number }>(
          `SELECT (SELECT count(*)::int FROM webhook_events WHERE company_id = $1 AND status IN ('received', 'failed')) AS events,
                  (SELECT count(*)::int FROM outbound_events WHERE company_id = $1 AND status = 'pending') AS outbox`,
          [companyId],
        )
      ).rows[0]!;
    const settle = async (timeoutMs: number): Promise<number> => {
      const start = performance.now();
      for (;;) {
        await pipedrive.control.flushWebhooks();
        const b = await backlog();
        if (b.events + b.outbox === 0) return performance.now() - start;
        if (performance.now() - start > timeoutMs) throw new Error(`not settled after ${timeoutMs} ms: ${JSON.stringify(b)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    // Warm-up (not measured): module loading, JIT, the worker's company context.
    for (let i = 0; i < 20; i++) {
      act(choose());
      await new Promise((r) => setTimeout(r, 100));
    }
    await settle(60_000);
    const maxWarm = Number((await pgPool().query<{ m: string | null }>(`SELECT max(id)::text AS m FROM webhook_events`)).rows[0]!.m ?? 0);
    const callsFrom = brevoCalls.length;
    const deliveriesFrom = pipedrive.control.deliveries().length;

    // The load: open loop, one action every 1/rate s on the wall clock.
    const total = Math.round(rate * seconds);
    const kinds = new Map<ActionKind, number>();
    const loadStart = performance.now();
    const loadAvgStart = os.loadavg()[0]!;
    for (let i = 0; i < total; i++) {
      const due = loadStart + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const kind = choose();
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      act(kind);
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const loadAvgEnd = os.loadavg()[0]!;
    const drainMs = await settle(300_000);
    running.send({ stop: true });
    const appStats = (await waitFor('cpuMs')) as { cpuMs: number; peakRssBytes: number };
    child = undefined;

    const rows = (
      await pgPool().query<StoredWebhook>(
        `SELECT id::text, object, action, entity_id, received_at, processed_at, status, payload FROM webhook_events WHERE company_id = $1 AND id > $2 ORDER BY id`,
        [companyId, maxWarm],
      )
    ).rows;
    const window = brevoCalls.slice(callsFrom);
    const deliveries = pipedrive.control.deliveries().slice(deliveriesFrom);
    const delivered = deliveries.filter((d) => d.outcome === 'delivered' && d.httpStatus === 200);
    const storedIds = new Set((await pgPool().query<{ event_id: string }>(`SELECT event_id FROM webhook_events WHERE company_id = $1`, [companyId])).rows.map((r) => r.event_id));
    const lost = delivered.filter((d) => !storedIds.has(d.eventId)).length + rows.filter((r) => r.status !== 'processed').length;
    const a = analyzeLatencies(rows, window, { personExtId: (id) => `pd_person_${id}`, listFor: (deal) => (deal.status === 'won' ? lists.won : deal.status === 'lost' ? lists.lost : (lists.stages.get(deal.stage_id) ?? null)) });

    const byFamily: Record<string, number> = {};
    const byPath: Record<string, number> = {};
    for (const r of window) {
      byFamily[`${r.family} ${r.status === 429 ? '429' : 'ok'}`] = (byFamily[`${r.family} ${r.status === 429 ? '429' : 'ok'}`] ?? 0) + 1;
      const key = `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
      byPath[key] = (byPath[key] ?? 0) + 1;
    }
    const batchCalls = window.filter((r) => r.method === 'POST' && r.path === '/contacts/batch' && r.status < 300);
    const batchItems = batchCalls.reduce((n, r) => n + ((r.body as { contacts?: unknown[] }).contacts?.length ?? 0), 0);
    const expectedEvents = (kinds.get('stage_move') ?? 0) + (kinds.get('won_lost') ?? 0) + (kinds.get('activity') ?? 0);
    const sentEvents = window.filter((r) => r.method === 'POST' && r.path === '/events' && r.status < 300).length;

    const world = { pipedrive, brevo, domain, brevoKey, lists } as unknown as import('../tests/helpers/engine-world').EngineWorld;
    const { expectedContacts, diffBrevo } = await import('../tests/helpers/expected-brevo');
    const diffs = diffBrevo(world, expectedContacts(world));
    const all = percentiles(a.latencies.map((l) => l.ms));
    const result = {
      rate,
      seconds,
      actions: Object.fromEntries(kinds),
      achievedRate: +(total / loadSeconds).toFixed(2),
      webhookEvents: rows.length,
      processed: rows.filter((r) => r.status === 'processed').length,
      deliveriesFailed: deliveries.length - delivered.length,
      lost,
      measured: a.latencies.length,
      noBrevoWriteExpected: a.unmatched,
      notFound: a.notFound,
      latencyMs: all,
      // Diagnostic: receipt → the event marked applied (its contact written, its Brevo events queued).
      appliedMs: percentiles(rows.flatMap((r) => (r.processed_at ? [r.processed_at.getTime() - r.received_at.getTime()] : []))),
      latencyMsByKind: Object.fromEntries([...new Set(a.latencies.map((l) => l.kind))].map((k) => [k, percentiles(a.latencies.filter((l) => l.kind === k).map((l) => l.ms))])),
      drainAfterLoadMs: Math.round(drainMs),
      brevoRequestsByFamily: byFamily,
      brevoRequestsByRoute: byPath,
      contactBatchCalls: batchCalls.length,
      itemsPerBatchCall: batchCalls.length ? +(batchItems / batchCalls.length).toFixed(2) : 0,
      brevoEvents: { expected: expectedEvents, sent: sentEvents },
      brevoStateDifferences: diffs.length,
      // Persons whose contacts the load changed; the comparison above covers every contact.
      touchedPersons: a.touchedPersons,
      appProcess: { cpuSeconds: +(appStats.cpuMs / 1000).toFixed(1), peakRssMiB: Math.round(appStats.peakRssBytes / 1048576) },
      loadAverage1m: [+loadAvgStart.toFixed(2), +loadAvgEnd.toFixed(2)],
    };
    console.log(JSON.stringify(result, null, 2));
    if (diffs.length) console.log(`first differences: ${diffs.slice(0, 5).join('; ')}`);
    console.log(
      `\n| ${rate}/s × ${seconds} s | ${result.webhookEvents} events, lost ${lost} | ${all.p50} / ${all.p95} / ${all.p99} / ${all.max} ms | ${batchCalls.length} batch calls (${result.itemsPerBatchCall} items each), ${sentEvents}/${expectedEvents} events | 429: ${window.filter((r) => r.status === 429).length} | diffs ${diffs.length} | load ${result.loadAverage1m.join(' → ')} |`,
    );
    if (lost > 0 || diffs.length > 0 || a.notFound > 0 || sentEvents !== expectedEvents) process.exitCode = 1;
  } finally {
    child?.kill('SIGTERM');
    for (const cl of cleanups) await cl().catch((e: unknown) => console.error('cleanup failed:', e));
  }
}

if (process.env.BENCH_E2E_CHILD) {
  runApp().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
