import { describe, expect, it } from 'vitest';
import { BrevoError } from '../brevo/brevo-error';
import { sendInOrder, stageEventReady, type StageOrder } from './outbox';

/** When a deal's stage event may go: only when it starts where the deal was last known to be. */
describe('stageEventReady', () => {
  const order = (from: number, to: number, seen: [number, number] | null = null): StageOrder => ({ dealId: 1, from, to, seenStage: seen?.[0] ?? null, seenAt: seen ? new Date(seen[1]).toISOString() : null });

  it('an event with nothing known before it goes at once', () => {
    expect(stageEventReady(order(1, 2), 1_000, { facts: [] }, false)).toBe(true);
  });

  it('an event starting at the last sent stage goes; one starting elsewhere waits', () => {
    const chain = { facts: [{ at: 900, stage: 2 }] };
    expect(stageEventReady(order(2, 3), 1_000, chain, false)).toBe(true);
    expect(stageEventReady(order(4, 5), 1_000, chain, false)).toBe(false);
  });

  it('only facts from before the event count, and the latest of them decides', () => {
    const chain = { facts: [{ at: 100, stage: 1 }, { at: 500, stage: 2 }, { at: 2_000, stage: 9 }] };
    expect(stageEventReady(order(2, 3), 1_000, chain, false)).toBe(true);
    expect(stageEventReady(order(1, 3), 1_000, chain, false)).toBe(false);
  });

  it('the state seen when the first arriving event was queued anchors a chain that arrives backwards', () => {
    // 1→2 (t=100), 2→3 (t=200) arrive as 2→3 first: it saw stage 1 (from the backfill, t=0).
    const later = order(2, 3, [1, 0]);
    expect(stageEventReady(later, 200, { facts: [{ at: 0, stage: 1 }] }, false)).toBe(false);
    expect(stageEventReady(order(1, 2, [3, 200]), 100, { facts: [{ at: 0, stage: 1 }, { at: 200, stage: 3 }] }, false)).toBe(true);
    expect(stageEventReady(later, 200, { facts: [{ at: 0, stage: 1 }, { at: 100, stage: 2 }] }, false)).toBe(true);
  });

  it('a straggler older than an event already sent goes at once: waiting cannot put it back in order', () => {
    expect(stageEventReady(order(1, 2), 100, { facts: [{ at: 0, stage: 5 }] }, true)).toBe(true);
  });
});

/** Events of different records go at once; one record's events go in order, and an outage stops everything. */
describe('sendInOrder', () => {
  type Ctx = Parameters<typeof sendInOrder>[0];
  const row = (id: string, object: string, pipedriveId: string) =>
    ({ id, object, pipedrive_id: pipedriveId, properties: { event_name: `e${id}`, identifiers: { email_id: 'a@b.co' } }, occurred_at: new Date(0), created_at: new Date(0) }) as Parameters<typeof sendInOrder>[1][number];
  const db = { query: () => Promise.resolve({ rows: [] }) };

  function brevo(failOn?: string) {
    const log: string[] = [];
    const open = new Set<string>();
    let maxOpen = 0;
    const sendEvent = async (e: { eventName: string }) => {
      log.push(`start ${e.eventName}`);
      open.add(e.eventName);
      maxOpen = Math.max(maxOpen, open.size);
      await new Promise((r) => setTimeout(r, 5));
      open.delete(e.eventName);
      if (e.eventName === failOn) throw new BrevoError('transient', 'Brevo is down');
      log.push(`end ${e.eventName}`);
    };
    return { ctx: { brevo: { sendEvent }, db } as unknown as Ctx, log, maxOpen: () => maxOpen };
  }

  it('sends different records at once and one record’s events one after the other', async () => {
    const b = brevo();
    const counts = await sendInOrder(b.ctx, [row('1', 'deal', '7'), row('2', 'person', '3'), row('3', 'deal', '7'), row('4', 'activity', '9')]);
    expect(counts).toEqual({ sent: 4, failed: 0 });
    expect(b.maxOpen()).toBe(3);
    expect(b.log.indexOf('start e3')).toBeGreaterThan(b.log.indexOf('end e1'));
  });

  it('starts nothing more after an outage, so a record’s later event never overtakes the one left pending', async () => {
    const b = brevo('e1');
    await expect(sendInOrder(b.ctx, [row('1', 'deal', '7'), row('2', 'deal', '7'), row('3', 'person', '3')])).rejects.toThrow('Brevo is down');
    expect(b.log).not.toContain('start e2');
  });
});
