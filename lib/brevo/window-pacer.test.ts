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

  it('waits for the earliest answered call to leave, and cannot say while every counted call is unanswered', () => {
    expect(nextSlotDelay([Infinity, 200, 300], 500, 3)).toBe(700);
    expect(nextSlotDelay([Infinity, Infinity, 300], 500, 3)).toBe(800);
    expect(nextSlotDelay([Infinity, Infinity, Infinity], 500, 3)).toBe(Infinity);
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

describe('WindowPacer counting calls until they are answered', () => {
  function clock() {
    let now = 0;
    const timers: { at: number; resolve: () => void }[] = [];
    return {
      now: () => now,
      sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
      /** Moves the clock to the next timer and fires it. */
      tick: async () => {
        timers.sort((a, b) => a.at - b.at);
        const t = timers.shift();
        if (!t) return false;
        now = Math.max(now, t.at);
        t.resolve();
        await new Promise((r) => setImmediate(r));
        return true;
      },
      advance: (ms: number) => (now += ms),
    };
  }

  it('starts the next call a window after the answer of the call leaving the window, not after its start', async () => {
    const c = clock();
    const pacer = new WindowPacer(2, c.now, c.sleep, 1000, true);
    const a = await pacer.slot();
    const b = await pacer.slot();
    c.advance(300);
    a.answered(); // counted by Brevo somewhere in 0..300
    b.answered();
    let startedAt: number | null = null;
    const third = pacer.slot().then(() => (startedAt = c.now()));
    await new Promise((r) => setImmediate(r));
    expect(startedAt).toBeNull();
    while (startedAt === null && (await c.tick()));
    await third;
    expect(startedAt).toBe(1300);
  });

  it('waits for an unanswered call however long it takes, then a window more', async () => {
    const c = clock();
    const pacer = new WindowPacer(1, c.now, c.sleep, 1000, true);
    const slow = await pacer.slot();
    let startedAt: number | null = null;
    const next = pacer.slot().then(() => (startedAt = c.now()));
    await new Promise((r) => setImmediate(r));
    c.advance(5_000);
    expect(startedAt).toBeNull();
    slow.answered();
    await new Promise((r) => setImmediate(r));
    while (startedAt === null && (await c.tick()));
    await next;
    expect(startedAt).toBe(6_000);
  });

  it('counts from starts when not asked to wait for answers', async () => {
    const c = clock();
    const pacer = new WindowPacer(1, c.now, c.sleep, 1000);
    await pacer.slot();
    c.advance(300);
    let startedAt: number | null = null;
    const next = pacer.slot().then(() => (startedAt = c.now()));
    while (startedAt === null && (await c.tick()));
    await next;
    expect(startedAt).toBe(1000);
  });
});
