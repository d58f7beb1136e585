import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeWorld, type RealtimeWorld } from '../helpers/realtime-world';

/**
 * The low-latency path: with no pg-boss worker polling, a stored webhook is still applied at
 * once by a worker LISTENing for the ingest's notification. Prints receipt→Brevo latencies.
 */
describe('webhook notifications wake the workers', () => {
  let world: RealtimeWorld;
  let listener: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    world = await createRealtimeWorld({ seed: 31, users: 1, organizations: 10, persons: 60, deals: 40, activities: 0, leads: 0 }, { domain: 'latency-co' });
    const { listenForWebhooks } = await import('@/lib/engine/webhook-listener');
    listener = await listenForWebhooks(world.db.url);
  }, 180_000);
  afterAll(async () => {
    await listener?.stop();
    await world.closeAll();
  });

  it('applies deal moves without any polling worker, each within a second', async () => {
    const c = world.pipedrive.control.company(world.domain);
    const deals = [...c.deals.values()].filter((d) => d.status === 'open' && d.person_id && [...c.persons.values()].find((p) => p.id === d.person_id)?.emails.length).slice(0, 10);
    expect(deals.length).toBeGreaterThan(3);
    const latencies: number[] = [];
    for (const deal of deals) {
      const next = [...c.stages.values()].find((s) => s.pipeline_id === deal.pipeline_id && s.id !== deal.stage_id)!;
      const before = world.brevo.control.state(world.brevoKey).events.length;
      const t0 = Date.now();
      world.pipedrive.control.moveDeal(world.domain, deal.id, next.id);
      await world.pipedrive.control.flushWebhooks();
      for (;;) {
        if (world.brevo.control.state(world.brevoKey).events.length > before) break;
        if (Date.now() - t0 > 10_000) throw new Error(`deal ${deal.id}: no Brevo event 10 s after the move`);
        await new Promise((r) => setTimeout(r, 10));
      }
      latencies.push(Date.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    console.info(`[measure] move → Brevo event through the notification path: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms (n=${latencies.length})`);
    expect(p(0.5)).toBeLessThan(1000);
    await world.settled();
  });
});
