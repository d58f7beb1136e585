/**
 * Seeds a 100,000-person company and reads it back in full over API v2.
 * Run: npx tsx sandbox/pipedrive/bench-seed.ts [persons]
 */
import { startPipedriveSandbox } from './index';

const persons = Number(process.argv[2] ?? 100_000);

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

async function readAll(base: string, token: string, path: string): Promise<{ records: number; pages: number; ms: number }> {
  const started = performance.now();
  let cursor: string | null = null;
  let records = 0;
  let pages = 0;
  do {
    const res = await fetch(`${base}${path}?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers: { 'x-api-token': token } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    const body = (await res.json()) as { data: unknown[]; additional_data: { next_cursor: string | null } };
    records += body.data.length;
    pages++;
    cursor = body.additional_data.next_cursor;
  } while (cursor);
  return { records, pages, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const sb = await startPipedriveSandbox({ rateLimits: 'off' });
  try {
    const seedStart = performance.now();
    const co = sb.control.createCompany({
      domain: 'bench',
      plan: 'ultimate',
      seed: { seed: 7, users: 10, organizations: Math.round(persons / 10), persons, deals: Math.round(persons / 2), activities: persons, leads: Math.round(persons / 20) },
    });
    const seedMs = performance.now() - seedStart;
    const stats = sb.control.stats('bench');
    const seeded = stats.persons! + stats.organizations! + stats.deals! + stats.activities! + stats.leads!;
    console.log(`seed: ${seeded.toLocaleString('en')} records (${JSON.stringify(stats)}) in ${(seedMs / 1000).toFixed(2)} s = ${Math.round(seeded / (seedMs / 1000)).toLocaleString('en')} records/s`);

    for (const path of ['/api/v2/persons', '/api/v2/deals', '/api/v2/organizations']) {
      const r = await readAll(co.apiDomain, co.apiToken, path);
      console.log(`read ${path}: ${r.records.toLocaleString('en')} records in ${r.pages} pages, ${(r.ms / 1000).toFixed(2)} s = ${Math.round(r.records / (r.ms / 1000)).toLocaleString('en')} records/s`);
    }
    const since = new Date(Date.now() - 7 * 864e5).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const started = performance.now();
    const res = await fetch(`${co.apiDomain}/api/v2/persons?limit=500&sort_by=update_time&updated_since=${since}`, { headers: { 'x-api-token': co.apiToken } });
    const first = (await res.json()) as { data: unknown[] };
    console.log(`incremental page (updated_since 7 days, sort update_time): ${first.data.length} records in ${(performance.now() - started).toFixed(1)} ms`);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    console.log(`peak memory (rss): ${(peakRss / 1024 / 1024).toFixed(0)} MB; heap used now: ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MB`);
  } finally {
    clearInterval(sampler);
    await sb.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
