import type { RatePolicy } from '@/lib/ratelimit/types';

export type PipedrivePlan = 'lite' | 'growth' | 'premium' | 'ultimate';
export type PipedriveAuthKind = 'oauth' | 'api_token';

/** Requests per rolling 2 s window, per token (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting). */
const BURST_PER_2S: Record<PipedrivePlan, Record<PipedriveAuthKind, number>> = {
  lite: { api_token: 20, oauth: 80 },
  growth: { api_token: 40, oauth: 160 },
  premium: { api_token: 100, oauth: 400 },
  ultimate: { api_token: 120, oauth: 480 },
};
const MULTIPLIER: Record<PipedrivePlan, number> = { lite: 1, growth: 2, premium: 5, ultimate: 7 };
const SEARCH_PER_2S = 10;

/**
 * Burst bucket: capacity of one window, refilled at the window's rate. The plan defaults to the
 * smallest (lite) so an unknown plan errs on the slow side.
 */
export function burstPolicy(plan: PipedrivePlan = 'lite', auth: PipedriveAuthKind = 'oauth'): RatePolicy {
  const limit = BURST_PER_2S[plan][auth];
  return { capacity: limit, refillPerSecond: limit / 2 };
}

export function searchPolicy(): RatePolicy {
  return { capacity: SEARCH_PER_2S, refillPerSecond: SEARCH_PER_2S / 2 };
}

/** Daily token budget = 30,000 × plan multiplier × seats; spread evenly it refills per second. */
export function dailyBudgetPolicy(plan: PipedrivePlan = 'lite', seats = 1): RatePolicy {
  const budget = 30_000 * MULTIPLIER[plan] * Math.max(1, seats);
  return { capacity: budget, refillPerSecond: budget / 86_400 };
}

/** x-token-cost of each operation the client uses (from the specs; v2 costs about half of v1). */
export const TOKEN_COST = {
  v2List: 10,
  v2Get: 1,
  v2Write: 5,
  v2Delete: 3,
  v2ListSmall: 5,
  v2Search: 20,
  v2Fields: 10,
  v2ArchivedDeals: 20,
  v1Leads: 20,
  v1ArchivedLeads: 40,
  v1Lead: 2,
  v1LeadLabels: 10,
  v1Recents: 20,
  v1Me: 2,
  v1Webhooks: 10,
  v1WebhookCreate: 10,
  v1WebhookDelete: 6,
  v1Merge: 40,
} as const;
