import { describe, expect, it } from 'vitest';
import { nextSlotDelay, WindowPacer } from './window-pacer';

describe('nextSlotDelay', () => {
  it('lets a start through while fewer than the limit started in the last second', () => {
    expect(nextSlotDelay([100, 200], 500, 3)).toBe(0);
    expect(nextSlotDelay([0, 100, 200], 1_000, 3)).toBe(0);
  });

  it('otherwise waits until the oldest start that must leave the window has left it', () => {
    expect(nextSlotDelay([100, 200, 300], 500, 3)).toBe(600);
    expect(nextSlotDelay([100, 200, 300, 400], 500, 3)).toBe(700);
  });

  it('takes stamps in any order (answers can come back out of order)', () => {
    expect(nextSlotDelay([300, 100, 200], 500, 3)).toBe(600);
  });
});

describe('WindowPacer', () => {
  it('never starts more than perSecond calls in any sliding second', async () => {
    let now = 0;
    const pacer = new WindowPacer(
      4,
      () => now,
      (ms) => {
        now += ms;
        return Promise.resolve();
      },
    );
    const started: number[] = [];
    for (let i = 0; i < 12; i++) {
      await pacer.slot();
      started.push(now);
    }
    for (const t of started) expect(started.filter((s) => s > t - 1000 && s <= t).length).toBeLessThanOrEqual(4);
    expect(started.slice(0, 5)).toEqual([0, 0, 0, 0, 1000]);
  });
});

describe('WindowPacer with an arrival margin', () => {
  function clock() {
    let now = 0;
    const timers: { at: number; resolve: () => void }[] = [];
    return {
      now: () => now,
      sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
      advance: (ms: number) => (now += ms),
      /** Runs timers until `done` says so (or none is left). */
      async runUntil(done: () => boolean) {
        while (!done()) {
          timers.sort((a, b) => a.at - b.at);
          const t = timers.shift();
          if (!t) return;
          now = Math.max(now, t.at);
          t.resolve();
          await new Promise((r) => setImmediate(r));
        }
      },
    };
  }

  async function nextStart(c: ReturnType<typeof clock>, pacer: WindowPacer): Promise<number> {
    let at: number | null = null;
    const p = pacer.slot().then(() => (at = c.now()));
    await new Promise((r) => setImmediate(r));
    await c.runUntil(() => at !== null);
    await p;
    return at!;
  }

  it('counts a quickly answered call from its answer', async () => {
    const c = clock();
    const pacer = new WindowPacer(2, c.now, c.sleep, 1000, 100);
    const a = await pacer.slot();
    const b = await pacer.slot();
    c.advance(30);
    a.answered();
    b.answered();
    expect(await nextStart(c, pacer)).toBe(1030);
  });

  it('counts a call without an answer, or with a late one, from its start plus the margin', async () => {
    const c = clock();
    const pacer = new WindowPacer(1, c.now, c.sleep, 1000, 100);
    const slow = await pacer.slot();
    c.advance(50);
    expect(await nextStart(c, pacer)).toBe(1100);
    c.advance(4_000);
    slow.answered(); // long after Brevo must have counted it: changes nothing
    const later = new WindowPacer(1, c.now, c.sleep, 1000, 100);
    const t0 = c.now();
    const call = await later.slot();
    c.advance(500);
    call.answered();
    expect((await nextStart(c, later)) - t0).toBe(1100);
  });

  it('counts from starts without a margin', async () => {
    const c = clock();
    const pacer = new WindowPacer(1, c.now, c.sleep, 1000);
    const call = await pacer.slot();
    c.advance(300);
    call.answered();
    expect(await nextStart(c, pacer)).toBe(1000);
  });
});
