import type { RatePolicy } from '../ratelimit/types';

/**
 * Brevo limits each endpoint family separately (developers.brevo.com/docs/api-limits, General tier):
 * /v3/contacts/* and POST /v3/events at 10 requests/s, everything else 100 requests/hour.
 */
export type BrevoFamily = 'contacts' | 'events' | 'other';

export const GENERAL_TIER_POLICIES: Record<BrevoFamily, RatePolicy> = {
  contacts: { capacity: 10, refillPerSecond: 10 },
  events: { capacity: 10, refillPerSecond: 10 },
  other: { capacity: 100, refillPerSecond: 100 / 3600 },
};

/** Professional/Enterprise accounts get twice the budget. */
export const ADVANCED_TIER_POLICIES: Record<BrevoFamily, RatePolicy> = {
  contacts: { capacity: 20, refillPerSecond: 20 },
  events: { capacity: 20, refillPerSecond: 20 },
  other: { capacity: 200, refillPerSecond: 200 / 3600 },
};

export function brevoFamilyOf(method: string, path: string): BrevoFamily {
  if (path === '/contacts' || path.startsWith('/contacts/')) return 'contacts';
  if (path === '/events' && method.toUpperCase() === 'POST') return 'events';
  return 'other';
}

/** The limiter key: one budget per Brevo account and family, shared by every worker. */
export function brevoBudgetKey(budgetKey: string, family: BrevoFamily): string {
  return `brevo:${family}:${budgetKey}`;
}
