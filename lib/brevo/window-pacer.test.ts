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
