import { describe, expect, it } from 'vitest';
import { TrailingSingleFlight } from './single-flight';

describe('TrailingSingleFlight', () => {
  it('runs once at a time per key; a burst during a run shares one more run that starts after it', async () => {
    const sf = new TrailingSingleFlight<number>();
    let runs = 0;
    let active = 0;
    let maxActive = 0;
    const fn = async () => {
      const n = ++runs;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return n;
    };
    const first = sf.run('co', fn);
    const burst = [sf.run('co', fn), sf.run('co', fn), sf.run('co', fn)];
    const other = sf.run('other', fn);
    expect(await first).toBe(1);
    expect(await Promise.all(burst)).toEqual([3, 3, 3]);
    expect(await other).toBe(2);
    expect(runs).toBe(3);
    expect(maxActive).toBe(2);
  });

  it('a failed run fails its callers only; the next run still happens', async () => {
    const sf = new TrailingSingleFlight<string>();
    const failing = sf.run('co', () => Promise.reject(new Error('down')));
    const after = sf.run('co', () => Promise.resolve('sent'));
    await expect(failing).rejects.toThrow('down');
    expect(await after).toBe('sent');
  });
});
