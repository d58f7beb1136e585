import { describe, expect, it } from 'vitest';
import { computePersonDealStats } from './compute-person-deal-stats';
import { deal } from './testing/records';

describe('computePersonDealStats', () => {
  it('counts deals by status and adds up won value in the default currency', () => {
    const stats = computePersonDealStats(
      [
        deal({ id: 1, status: 'won', value: 1000.1, currency: 'EUR' }),
        deal({ id: 2, status: 'won', value: 0.2, currency: 'EUR' }),
        deal({ id: 3, status: 'lost', value: 999 }),
        deal({ id: 4, status: 'open', value: 50 }),
      ],
      { currency: 'EUR' },
    );
    expect(stats).toEqual({ won: 2, lost: 1, open: 1, closed: 3, revenue: 1000.3, currency: 'EUR', unconvertedRevenue: {} });
  });

  it('converts other currencies when a rate is given and reports them apart otherwise', () => {
    const deals = [
      deal({ id: 1, status: 'won', value: 100, currency: 'EUR' }),
      deal({ id: 2, status: 'won', value: 100, currency: 'USD' }),
      deal({ id: 3, status: 'won', value: 50, currency: 'GBP' }),
      deal({ id: 4, status: 'won', value: 25, currency: 'gbp' }),
    ];
    const stats = computePersonDealStats(deals, { currency: 'EUR', rates: { USD: 0.9 } });
    expect(stats.revenue).toBe(190);
    expect(stats.unconvertedRevenue).toEqual({ GBP: 75 });
  });

  it('ignores deleted deals and rates that make no sense', () => {
    const stats = computePersonDealStats(
      [deal({ id: 1, status: 'won', value: 10, is_deleted: true }), deal({ id: 2, status: 'won', value: 5, currency: 'USD' })],
      { currency: 'EUR', rates: { USD: -1 } },
    );
    expect(stats).toMatchObject({ won: 1, closed: 1, revenue: 0, unconvertedRevenue: { USD: 5 } });
  });

  it('returns zeros for a person without deals', () => {
    expect(computePersonDealStats([], { currency: 'USD' })).toMatchObject({ won: 0, lost: 0, open: 0, closed: 0, revenue: 0 });
  });

  it('counts a deal without currency in the default currency', () => {
    expect(computePersonDealStats([deal({ id: 1, status: 'won', value: 30, currency: null })], { currency: 'EUR' }).revenue).toBe(30);
  });
});
