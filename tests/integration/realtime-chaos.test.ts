import type { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DealRec } from '@/sandbox/pipedrive/model';
import { DEFAULT_STAGE_SETTLE_MS } from '@/lib/engine/outbox';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';
import { createRealtimeWorld, type RealtimeWorld } from '../helpers/realtime-world';

/**
 * Chaos on the webhook path: real deliveries of a series of deal moves (several deals, several
 * transitions each) are captured, then fed to the ingest route with each delivery repeated up
 * to 3 times and the lot shuffled within 5-second windows of their meta timestamps, while two
 * workers process them. Brevo must end with exactly one deal_stage_changed per real transition,
 * in order per deal, and the contacts' lists and attributes Pipedrive implies.
 */
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Delivery = { meta: { id: string; timestamp: string; entity: string; entity_id: string; attempt: number }; data: Record<string, unknown> | null; previous: Record<string, unknown> | null };

/** Deterministic randomness: a failure can be replayed with the seed it prints. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('real-time chaos: repeated and shuffled deliveries', () => {
  const SEED = 20261129;
  const random = rng(SEED);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let w: RealtimeWorld;
  let capturing = true;
  const captured: Delivery[] = [];
  /** The real transitions, per deal, in the order the user made them. */
  const truth = new Map<number, { from: number; to: number; status: string }[]>();

  beforeAll(async () => {
    // While capturing, deliveries are acknowledged and kept, not ingested: they are replayed later.
    const deliver = (route: Handler): Handler => async (req, ctx) => {
      if (!capturing) return route(req, ctx);
      captured.push((await req.json()) as Delivery);
      return Response.json({ received: true, duplicate: false, ignored: false });
    };
    const stages = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
    w = await createRealtimeWorld(
      { seed: 5, users: 1, organizations: 4, persons: 40, deals: 40, activities: 0, leads: 0, pipelines: [{ name: 'Sales', stages: stages('Sales', 7) }, { name: 'Partners', stages: stages('Partners', 6) }] },
      { domain: 'chaos-co', deliver },
    );
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
  }, 120_000);
  afterAll(async () => w.closeAll());

  it('ends with one deal_stage_changed per real transition, in order per deal, and the right lists and attributes', async () => {
    const c = w.pipedrive.control.company(w.domain);
    const hasContact = (personId: number | null) => {
      const p = personId === null ? undefined : c.persons.get(personId);
      const email = p?.emails[0]?.value.toLowerCase();
      return email !== undefined && w.brevo.control.state(w.brevoKey).contacts.some((x) => x.email === email);
    };
    // Some persons have two of these deals: their contact is re-planned from both, concurrently.
    const deals: DealRec[] = [...c.deals.values()].filter((d) => !d.is_deleted && d.status === 'open' && hasContact(d.person_id)).slice(0, 8);
    expect(deals.length).toBe(8);
    const stagesOf = (d: DealRec) => [...c.stages.values()].filter((s) => s.pipeline_id === d.pipeline_id && !s.is_deleted).map((s) => s.id);

    // The user: 4 rounds over the deals, each a real move, with 0.08 to 0.4 s between actions (a busy
    // sales team), forward and backward; the last round wins or loses some deals. A deal never
    // returns to a stage it left: webhooks carry no sequence number, so A→B→A→C with the two middle
    // moves still in flight is indistinguishable from A→C, and no receiver can order it (see the report).
    const user = { userId: c.adminUserId, source: 'app' as const };
    const visited = new Map(deals.map((d) => [d.id, new Set([d.stage_id])]));
    for (let round = 0; round < 4; round++) {
      for (const d of deals) {
        const now = c.deals.get(d.id)!;
        if (now.status !== 'open') continue;
        const from = now.stage_id;
        const list = truth.get(d.id) ?? [];
        truth.set(d.id, list);
        if (round === 3 && random() < 0.5) {
          const status = random() < 0.5 ? 'won' : 'lost';
          c.updateDeal(d.id, (x) => (x.status = status), user);
          list.push({ from, to: from, status });
        } else {
          const to = pick(stagesOf(now).filter((s) => !visited.get(d.id)!.has(s)));
          visited.get(d.id)!.add(to);
          c.updateDeal(d.id, (x) => (x.stage_id = to), user);
          list.push({ from, to, status: 'open' });
        }
        await w.pipedrive.control.advanceClock(80 + Math.floor(random() * 320));
      }
    }
    await w.pipedrive.control.flushWebhooks();
    const transitions = [...truth.values()].reduce((n, l) => n + l.length, 0);
    expect(captured.filter((d) => d.meta.entity === 'deal')).toHaveLength(transitions);
    capturing = false;

    // Repeat each delivery 1 to 3 times (as Pipedrive's retries would), then shuffle within 5 s windows.
    const copies = captured.flatMap((d) => Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => ({ ...d, meta: { ...d.meta, attempt: i + 1 } })));
    const t0 = Math.min(...copies.map((d) => Date.parse(d.meta.timestamp)));
    const windows = new Map<number, Delivery[]>();
    for (const d of copies) {
      const k = Math.floor((Date.parse(d.meta.timestamp) - t0) / 5_000);
      windows.set(k, [...(windows.get(k) ?? []), d]);
    }
    const feed = [...windows.entries()].sort(([a], [b]) => a - b).flatMap(([, ds]) => {
      for (let i = ds.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [ds[i], ds[j]] = [ds[j]!, ds[i]!];
      }
      return ds;
    });
    expect(windows.size).toBeGreaterThan(1);
    expect(copies.length).toBeGreaterThan(captured.length);
    // The chaos is real: some deal's transitions arrive out of order.
    const firstSeen = new Map<string, number>();
    feed.forEach((d, i) => firstSeen.has(d.meta.id) || firstSeen.set(d.meta.id, i));
    const inversions = captured.filter((a, i) => captured.some((b, j) => j > i && a.meta.entity_id === b.meta.entity_id && firstSeen.get(b.meta.id)! < firstSeen.get(a.meta.id)!));
    expect(inversions.length).toBeGreaterThan(0);

    // Two workers process while the deliveries arrive, a few at a time (concurrently). Each batch
    // is applied before the next arrives, as when Pipedrive's deliveries are spread over seconds:
    // a later move can then be applied, and its event due, before the move that led to it arrives.
    await w.startWorker(2);
    const post = async (d: Delivery) => {
      const res = await fetch(w.hookUrl, { method: 'POST', headers: { authorization: w.authorization, 'content-type': 'application/json' }, body: JSON.stringify(d) });
      expect(res.status).toBe(200);
    };
    for (let i = 0; i < feed.length; i += 4) {
      await Promise.all(feed.slice(i, i + 4).map(post));
      await vi.waitFor(
        async () => {
          const b = await w.backlog();
          if (b.events + b.failed > 0) throw new Error(`${b.events} events to apply, ${b.failed} failed (${b.error ?? ''})`);
        },
        { timeout: 30_000, interval: 50 },
      );
    }
    await w.settled(90_000);

    const events = w.brevo.control.state(w.brevoKey).events.filter((e) => e.eventName === 'deal_stage_changed');
    expect(events).toHaveLength(transitions);
    for (const [dealId, expected] of truth) {
      const got = events
        .filter((e) => e.eventProperties.deal_id === dealId)
        .map((e) => ({ from: e.eventProperties.previous_stage_id, to: e.eventProperties.stage_id, status: e.eventProperties.status }));
      expect({ dealId, transitions: got }).toEqual({ dealId, transitions: expected });
    }
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
  }, 180_000);

  it('a stage event whose predecessor never comes is held for the settle time, then sent by a delayed flush; the straggler goes after it', async () => {
    const c = w.pipedrive.control.company(w.domain);
    const taken = new Set(truth.keys());
    const deal = [...c.deals.values()].find((d) => !d.is_deleted && d.status === 'open' && !taken.has(d.id) && d.person_id !== null && c.persons.get(d.person_id)?.emails.length)!;
    const [s1, s2, s3] = [deal.stage_id, ...[...c.stages.values()].filter((s) => s.pipeline_id === deal.pipeline_id && s.id !== deal.stage_id).map((s) => s.id)];
    const user = { userId: c.adminUserId, source: 'app' as const };
    capturing = true;
    const before = captured.length;
    c.updateDeal(deal.id, (x) => (x.stage_id = s2!), user);
    await w.pipedrive.control.advanceClock(500);
    c.updateDeal(deal.id, (x) => (x.stage_id = s3!), user);
    await w.pipedrive.control.flushWebhooks();
    capturing = false;
    const [first, second] = captured.slice(before);
    expect([first?.previous, second?.previous]).toEqual([{ stage_id: s1 }, { stage_id: s2 }]);
    const sentFor = () => w.brevo.control.state(w.brevoKey).events.filter((e) => e.eventName === 'deal_stage_changed' && e.eventProperties.deal_id === deal.id);

    // Only the second move arrives: applied at once, but its event waits for 2→3's predecessor.
    const arrived = Date.now();
    const res = await fetch(w.hookUrl, { method: 'POST', headers: { authorization: w.authorization, 'content-type': 'application/json' }, body: JSON.stringify(second) });
    expect(res.status).toBe(200);
    await vi.waitFor(async () => {
      const b = await w.backlog();
      if (b.events > 0 || b.outbox !== 1) throw new Error(`expected the event applied and its Brevo event held, got ${JSON.stringify(b)}`);
    }, { timeout: 10_000, interval: 50 });
    expect(sentFor()).toEqual([]);
    // Nothing else arrives; the delayed flush sends it once the settle time is over.
    await w.settled(40_000);
    expect(Date.now() - arrived).toBeGreaterThanOrEqual(DEFAULT_STAGE_SETTLE_MS - 1_000);
    expect(sentFor().map((e) => [e.eventProperties.previous_stage_id, e.eventProperties.stage_id])).toEqual([[s2, s3]]);

    // The straggler arrives late: its event is still sent (once), and the deal's state stays the newer one.
    await fetch(w.hookUrl, { method: 'POST', headers: { authorization: w.authorization, 'content-type': 'application/json' }, body: JSON.stringify(first) });
    await w.settled();
    expect(sentFor().map((e) => [e.eventProperties.previous_stage_id, e.eventProperties.stage_id])).toEqual([[s2, s3], [s1, s2]]);
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
  }, 90_000);
});
