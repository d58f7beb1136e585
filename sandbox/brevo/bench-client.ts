import { parseArgs } from 'node:util';
import { BrevoClient } from '../../lib/brevo/index';
import { MemoryRateLimiter } from '../../lib/ratelimit/memory-limiter';
import { startBrevoSandbox } from './index';

/*
 * Throughput of the Brevo client against the sandbox with Brevo's real limits (10 requests/s for /contacts).
 * Run: npx tsx sandbox/brevo/bench-client.ts [--upserts 200] [--batch 10000] [--import 100000]
 */
const { values } = parseArgs({
  options: {
    upserts: { type: 'string', default: '200' },
    batch: { type: 'string', default: '10000' },
    import: { type: 'string', default: '100000' },
    workers: { type: 'string', default: '2' },
  },
});

const sb = await startBrevoSandbox({ rateLimits: 'real' });
const acc = sb.control.createAccount();
const limiter = new MemoryRateLimiter();
const workers = Array.from({ length: Number(values.workers) }, () => new BrevoClient({ baseUrl: `${sb.url}/v3`, apiKey: acc.apiKey, limiter, budgetKey: 'bench' }));
const first = workers[0] as BrevoClient;
const LIMIT_RPS = 10;

function report(name: string, records: number, ms: number, family: string, since: number) {
  const log = sb.control.requestLog(acc.apiKey).filter((r) => r.at >= since && r.family === family);
  const ok = log.filter((r) => r.status !== 429).length;
  const limited = log.length - ok;
  const rps = ok / (ms / 1000);
  const perWindow = new Map<number, number>();
  for (const r of log) if (r.status !== 429) perWindow.set(Math.floor(r.at / 1000), (perWindow.get(Math.floor(r.at / 1000)) ?? 0) + 1);
  const peak = Math.max(0, ...perWindow.values());
  console.log(
    `${name.padEnd(34)} ${String(records).padStart(7)} contacts in ${(ms / 1000).toFixed(1).padStart(6)} s = ${(records / (ms / 1000)).toFixed(1).padStart(8)} contacts/s | ` +
      `${ok} requests, ${rps.toFixed(2)} req/s (${((rps / LIMIT_RPS) * 100).toFixed(0)}% of ${LIMIT_RPS}/s), peak ${peak} in one second, ${limited} answered 429`,
  );
}

const folder = await first.createFolder('Bench');
const list = await first.createList('Bench', folder);

// 1. One POST /contacts per person (the only create-or-update call), shared budget across workers.
const n = Number(values.upserts);
let t = Date.now();
let since = sb.clock.now();
const per = Math.ceil(n / workers.length);
const outcomes = await Promise.all(
  workers.map((w, wi) => w.upsertContacts(Array.from({ length: Math.min(per, n - wi * per) }, (_, i) => ({ email: `u${wi}-${i}@bench.test`, attributes: { FIRSTNAME: 'Bench' }, listIds: [list] })), { concurrency: 4 })),
);
report(`upsertContacts (${workers.length} workers x 4)`, outcomes.flat().filter((o) => o.ok).length, Date.now() - t, 'contacts', since);

// 2. Backfill through /contacts/import (one request per 8 MB, then polling /processes).
const m = Number(values.import);
t = Date.now();
since = sb.clock.now();
const imported = await first.importContacts(
  Array.from({ length: m }, (_, i) => ({ email: `i${i}@bench.test`, attributes: { FIRSTNAME: `I${i}`, EXT_ID: `pd_${i}` } })),
  { listIds: [list], pollIntervalMs: 250 },
);
const importMs = Date.now() - t;
console.log(
  `${'importContacts'.padEnd(34)} ${String(m).padStart(7)} contacts in ${(importMs / 1000).toFixed(1).padStart(6)} s = ${(m / (importMs / 1000)).toFixed(0).padStart(8)} contacts/s | ${imported.processIds.length} import(s), ${imported.outcomes.filter((o) => !o.ok).length} refused`,
);

// 3. Attribute changes through POST /contacts/batch, 100 per request.
const b = Math.min(Number(values.batch), m);
t = Date.now();
since = sb.clock.now();
const batchOutcomes = await first.batchUpdateContacts(Array.from({ length: b }, (_, i) => ({ key: { email: `i${i}@bench.test` }, attributes: { LASTNAME: 'Updated' } })));
report('batchUpdateContacts (100/request)', batchOutcomes.filter((o) => o.ok).length, Date.now() - t, 'contacts', since);

// 4. Reading everything back (1000 per page).
t = Date.now();
since = sb.clock.now();
let read = 0;
for await (const _ of first.iterateContacts()) read++;
report('iterateContacts (1000/page)', read, Date.now() - t, 'contacts', since);

const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
console.log(`sandbox + client heap with ${sb.control.state(acc.apiKey).contacts.length} contacts: ${heapMb.toFixed(0)} MB`);
await sb.close();
