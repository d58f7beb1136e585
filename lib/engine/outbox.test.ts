import { describe, expect, it } from 'vitest';
import { stageEventReady, type StageOrder } from './outbox';

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
