import { describe, expect, it } from 'vitest';
import { BoundedRunner } from './bounded-runner';

describe('BoundedRunner', () => {
  it('runs at most `concurrency` tasks at once, in arrival order, and refuses offers past `maxQueued`', async () => {
    const started: number[] = [];
    const finish = new Map<number, () => void>();
    let running = 0;
    let most = 0;
    const runner = new BoundedRunner<number>(2, 3, async (n) => {
      started.push(n);
      running++;
      most = Math.max(most, running);
      await new Promise<void>((r) => finish.set(n, r));
      running--;
    });
    const accepted = [1, 2, 3, 4, 5, 6].map((n) => runner.offer(n));
    // Two run, three wait, the sixth is refused.
    expect(accepted).toEqual([true, true, true, true, true, false]);
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([1, 2]);
    expect(runner.size).toEqual({ active: 2, waiting: 3 });
    finish.get(2)!();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([1, 2, 3]);
    // Finish whatever runs until everything accepted has run.
    while (started.length < 5 || running > 0) {
      for (const n of started) finish.get(n)?.();
      await new Promise((r) => setTimeout(r, 0));
    }
    await runner.stop();
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('a failing task frees its slot; after stop nothing more is taken', async () => {
    const done: number[] = [];
    const runner = new BoundedRunner<number>(1, 10, (n) => {
      if (n === 1) return Promise.reject(new Error('boom'));
      done.push(n);
      return Promise.resolve();
    });
    runner.offer(1);
    runner.offer(2);
    await new Promise((r) => setTimeout(r, 0));
    await runner.stop();
    expect(done).toEqual([2]);
    expect(runner.offer(3)).toBe(false);
  });
});
