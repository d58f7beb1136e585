import { describe, expect, it } from 'vitest';
import { EntityTable } from './entity-table';

interface Rec {
  id: number;
  update_time: number;
}

function table(times: number[]): EntityTable<Rec> {
  const t = new EntityTable<Rec>();
  times.forEach((u, i) => t.insert({ id: i + 1, update_time: u }));
  return t;
}

const ids = (it: Iterable<Rec>) => [...it].map((r) => r.id);

describe('EntityTable', () => {
  it('scans by id in both directions from a position', () => {
    const t = table([5, 3, 9, 1]);
    expect(ids(t.scanById('asc'))).toEqual([1, 2, 3, 4]);
    expect(ids(t.scanById('asc', 2))).toEqual([3, 4]);
    expect(ids(t.scanById('desc', 3))).toEqual([2, 1]);
  });

  it('keeps the update index ordered, skips stale entries and resumes after (time, id)', () => {
    const t = table([10, 20, 20, 30]);
    const r = t.get(1)!;
    r.update_time = 25;
    t.touched(r, 10);
    expect(ids(t.scanByUpdateTime('asc'))).toEqual([2, 3, 1, 4]);
    expect(ids(t.scanByUpdateTime('asc', { since: 20, until: 30 }))).toEqual([2, 3, 1]);
    expect(ids(t.scanByUpdateTime('asc', { after: { t: 20, id: 2 } }))).toEqual([3, 1, 4]);
    expect(ids(t.scanByUpdateTime('desc', { after: { t: 25, id: 1 } }))).toEqual([3, 2]);
    expect(ids(t.scanByUpdateTime('desc', { until: 25 }))).toEqual([3, 2]);
  });

  it('compacts stale entries once they outnumber live ones and stays correct', () => {
    const t = table([1, 2, 3]);
    for (let i = 0; i < 50; i++) {
      const r = t.get((i % 3) + 1)!;
      const prev = r.update_time;
      r.update_time = 100 + i;
      t.touched(r, prev);
    }
    expect(ids(t.scanByUpdateTime('asc'))).toEqual([3, 1, 2]);
    expect([...t.scanByUpdateTime('asc')].map((r) => r.update_time)).toEqual([147, 148, 149]);
  });
});
