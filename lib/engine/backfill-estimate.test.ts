import { describe, expect, it } from 'vitest';
import { estimateTotal } from './backfill-estimate';

describe('estimateTotal', () => {
  it('is what was processed once the entity is read to its end', () => {
    expect(estimateTotal(1234, { firstId: 1, lastId: 5000, maxId: 9000 }, true)).toBe(1234);
  });

  it('is unknown without a highest id', () => {
    expect(estimateTotal(10, { firstId: 1, lastId: 10, maxId: null }, false)).toBeNull();
  });

  it('is the id range before anything is read', () => {
    expect(estimateTotal(0, { firstId: null, lastId: null, maxId: 800 }, false)).toBe(800);
    expect(estimateTotal(0, { firstId: 101, lastId: null, maxId: 800 }, false)).toBe(700);
  });

  it('scales the ids still to come by the share of ids that were live so far', () => {
    // 1..1000 read, 500 live (half the ids were deleted): 1000 more ids, about 500 more records.
    expect(estimateTotal(500, { firstId: 1, lastId: 1000, maxId: 2000 }, false)).toBe(1000);
    // Dense ids: exact.
    expect(estimateTotal(500, { firstId: 1, lastId: 500, maxId: 100_000 }, false)).toBe(100_000);
  });

  it('never estimates fewer than processed, also when records appeared above the highest id', () => {
    expect(estimateTotal(1200, { firstId: 1, lastId: 1200, maxId: 1000 }, false)).toBe(1200);
  });

  it('counts a resumed run from the first id of the whole read', () => {
    // A resume that read ids 1..600 before the crash and 601..900 after: density over 1..900.
    expect(estimateTotal(450, { firstId: 1, lastId: 900, maxId: 1800 }, false)).toBe(900);
  });
});
