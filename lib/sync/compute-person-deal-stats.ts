import type { PipedriveDeal } from './types';

export interface PersonDealStats {
  won: number;
  lost: number;
  open: number;
  /** won + lost. */
  closed: number;
  /** Lifetime revenue: the sum of won deal values expressed in `currency`. */
  revenue: number;
  currency: string;
  /** Won amounts in other currencies that no rate was given for, kept apart rather than guessed. */
  unconvertedRevenue: Record<string, number>;
}

export interface RevenueOptions {
  /** The company's default currency (ISO 4217), the unit of `revenue`. */
  currency: string;
  /**
   * Optional exchange rates: how many units of `currency` one unit of the keyed currency is worth.
   * API v2 deals carry only their own value and currency, so without a rate an amount in another
   * currency cannot be added honestly.
   */
  rates?: Readonly<Record<string, number>>;
}

/** Money is summed in cents so that 0.1 + 0.2 does not become 0.30000000000000004 in Brevo. */
function addMoney(total: number, amount: number): number {
  return Math.round((total + amount) * 100) / 100;
}

/**
 * Counts a person's deals by status and adds up their won value.
 *
 * Currency policy: a won deal in the default currency counts at its value; a deal in another
 * currency counts converted when the caller supplies a rate, and otherwise is reported in
 * `unconvertedRevenue` (the mapper turns that into a warning). Mixing currencies silently
 * would make LTV-based segments wrong without anyone noticing. Deleted deals do not count.
 */
export function computePersonDealStats(deals: readonly PipedriveDeal[], options: RevenueOptions): PersonDealStats {
  const stats: PersonDealStats = {
    won: 0,
    lost: 0,
    open: 0,
    closed: 0,
    revenue: 0,
    currency: options.currency,
    unconvertedRevenue: {},
  };
  for (const deal of deals) {
    if (deal.is_deleted) continue;
    if (deal.status === 'open') {
      stats.open += 1;
      continue;
    }
    stats.closed += 1;
    if (deal.status === 'lost') {
      stats.lost += 1;
      continue;
    }
    stats.won += 1;
    const currency = deal.currency?.toUpperCase() ?? options.currency;
    if (currency === options.currency) {
      stats.revenue = addMoney(stats.revenue, deal.value);
      continue;
    }
    const rate = options.rates?.[currency];
    if (rate !== undefined && Number.isFinite(rate) && rate > 0) {
      stats.revenue = addMoney(stats.revenue, deal.value * rate);
    } else {
      stats.unconvertedRevenue[currency] = addMoney(stats.unconvertedRevenue[currency] ?? 0, deal.value);
    }
  }
  return stats;
}
