/**
 * One measured sync run of the sync benchmark (scripts/bench-sync.ts), in a process of its own so
 * that its memory is the sync's alone. It runs from the same kind of bundle as `npm run worker`
 * (scripts/build-worker.mjs), with the same flags, so the figures are the worker's.
 */
// ---------------------------------------------------------------------------------------------
// What a child run reports back.

export interface RequestCount {
  /** `${method} ${path with ids replaced}` → number of requests. */
  byRoute: Record<string, number>;
  total: number;
  status429: number;
  /** Times (ms since epoch) of 429 answers, to tell a window's first from the ones after it. */
  at429: number[];
}

export interface ChildReport {
  op: ChildJob['op'];
  wallMs: number;
  contextMs: number;
  pipedrive: RequestCount;
  brevo: RequestCount;
  /** Kernel's peak resident set of the child (getrusage maxrss). */
  peakRssBytes: number;
  /** Highest V8 heapUsed seen by a 20 ms sampler. */
  peakHeapBytes: number;
  /** CPU time (user + system) of the sync process during the run: what carries over to a quieter machine. */
  cpuMs: number;
  /** Epoch ms when the run started (context loading included), to place Brevo's request log on the run's timeline. */
  startedAtMs: number;
  /** When organizations, deals and leads were all stored (ms after the start), in a backfill. */
  entitiesStoredMs: number | null;
  /** When each of organizations, deals and leads was stored (its checkpoint saved). */
  entityStoredMs: Partial<Record<'organization' | 'deal' | 'lead', number>>;
  result: unknown;
}

export type ChildJob =
  | { op: 'backfill'; companyId: string; flushAt?: number }
  | { op: 'incremental'; companyId: string }
  | { op: 'organizations'; companyId: string; sample: number };

// ---------------------------------------------------------------------------------------------
// Child: one sync run, measured.

function normalizePath(p: string): string {
  return p
    .replace(/^\/d\/[a-z0-9-]+/, '')
    .replace(/\/\d+(?=\/|$)/g, '/:id')
    .replace(/\/[0-9a-f-]{36}(?=\/|$)/g, '/:id');
}

function countingFetch(prefixes: { pipedrive: string; brevo: string }, counts: { pipedrive: RequestCount; brevo: RequestCount }): typeof fetch {
  const real = globalThis.fetch;
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const res = await real(input, init);
    const which = url.href.startsWith(prefixes.brevo) ? counts.brevo : url.href.startsWith(prefixes.pipedrive) && url.pathname.startsWith('/d/') ? counts.pipedrive : undefined;
    if (which) {
      const key = `${method} ${normalizePath(url.pathname.replace(/^\/v3/, ''))}`;
      which.byRoute[key] = (which.byRoute[key] ?? 0) + 1;
      which.total++;
      if (res.status === 429) {
        which.status429++;
        which.at429.push(Date.now());
      }
    }
    return res;
  };
}

async function runChild(job: ChildJob): Promise<void> {
  const counts = { pipedrive: { byRoute: {}, total: 0, status429: 0, at429: [] }, brevo: { byRoute: {}, total: 0, status429: 0, at429: [] } } satisfies Record<string, RequestCount>;
  globalThis.fetch = countingFetch({ pipedrive: process.env.BENCH_PIPEDRIVE_URL ?? '', brevo: process.env.BREVO_API_URL ?? '' }, counts);
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);

  const { loadCompanyContext } = await import('../lib/engine/company-context');
  const { runBackfill } = await import('../lib/engine/backfill');
  const { runIncremental } = await import('../lib/engine/incremental');
  const { syncOrganizations } = await import('../lib/engine/sync-organizations');
  const { prisma, disconnectPrisma, warmPrisma } = await import('../lib/db/prisma');
  const { pgPool } = await import('../lib/db/pool');
  const { pipedriveOrganizationSchema } = await import('../lib/sync');

  // As `npm run worker` does at boot (lib/jobs/runtime.ts): the clock covers the job, not Prisma's start.
  await warmPrisma();
  const started = performance.now();
  const marks: { entitiesStored?: number; each: Partial<Record<'organization' | 'deal' | 'lead', number>> } = { each: {} };
  const startedAtMs = Date.now();
  const cpuStart = process.cpuUsage();
  const ctx = await loadCompanyContext(job.companyId);
  const contextMs = performance.now() - started;
  let result: unknown;
  if (job.op === 'backfill') {
    const run = await prisma().syncRun.create({ data: { companyId: job.companyId, kind: 'backfill' } });
    await runBackfill(ctx, run.id, {
      ...(job.flushAt ? { flushAt: job.flushAt } : {}),
      afterCheckpoint: (cp) => {
        const e = cp.entities;
        for (const object of ['organization', 'deal', 'lead'] as const) if (e?.[object].done) marks.each[object] ??= performance.now() - started;
        if (e && e.organization.done && e.deal.done && e.lead.done) marks.entitiesStored ??= performance.now() - started;
      },
    });
    const done = await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } });
    result = { status: done.status, progress: done.progress, recordsDone: done.recordsDone, recordsSkipped: done.recordsSkipped, recordsFailed: done.recordsFailed };
  } else if (job.op === 'incremental') {
    const run = await prisma().syncRun.create({ data: { companyId: job.companyId, kind: 'incremental' } });
    result = await runIncremental(ctx, run.id);
  } else {
    // The organizations → companies path on a sample, from the states the backfill stored.
    const rows = await ctx.db.query<{ state: unknown }>(`SELECT state FROM record_links WHERE company_id = $1 AND object = 'organization' ORDER BY pipedrive_id::int LIMIT $2`, [job.companyId, job.sample]);
    const orgs = rows.rows.flatMap((r) => {
      const p = pipedriveOrganizationSchema.safeParse(r.state);
      return p.success ? [p.data] : [];
    });
    result = await syncOrganizations(ctx, orgs, { runId: null });
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const report: ChildReport = { op: job.op, wallMs, contextMs, pipedrive: counts.pipedrive, brevo: counts.brevo, peakRssBytes: process.resourceUsage().maxRSS * 1024, peakHeapBytes: peakHeap, cpuMs: (cpu.user + cpu.system) / 1000, startedAtMs, entitiesStoredMs: marks.entitiesStored ?? null, entityStoredMs: marks.each, result };
  await disconnectPrisma();
  await pgPool().end();
  process.send?.(report);
}


if (process.env.BENCH_CHILD) {
  runChild(JSON.parse(process.env.BENCH_CHILD) as ChildJob).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
