import { describe, expect, it } from 'vitest';
import { estimateStreamsTotal, estimateTotal } from './backfill-estimate';

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

describe('estimateStreamsTotal', () => {
  const stream = (read: number, firstId: number | null, lastId: number | null, done = false) => ({ read, done, firstId, lastId });

  it('is the id range until every stream has read a page', () => {
    expect(estimateStreamsTotal([stream(0, null, null), stream(0, null, null), stream(0, null, null)], 9000)).toBe(9000);
    expect(estimateStreamsTotal([stream(100, 1, 300), stream(0, null, null)], 9000)).toBe(9000);
    expect(estimateStreamsTotal([stream(0, null, null)], null)).toBeNull();
  });

  it('adds the streams: each scales its own ids still to come by its own density', () => {
    // Open deals: 1,000 of ids 1..3000 (a third), 6,000 ids to come → 2,000 more. Won deals:
    // 1,500 of ids 1001..4000 (half), 5,000 ids to come → 2,500 more.
    expect(estimateStreamsTotal([stream(1000, 1, 3000), stream(1500, 1001, 4000)], 9000)).toBe(3000 + 4000);
  });

  it('counts a finished stream exactly', () => {
    expect(estimateStreamsTotal([stream(1234, 5, 8000, true), stream(500, 1, 1000)], 2000)).toBe(1234 + 1000);
    expect(estimateStreamsTotal([stream(7, 1, 7, true), stream(0, null, null, true)], 2000)).toBe(7);
  });
});
