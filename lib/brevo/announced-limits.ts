import type { RatePolicy } from '../ratelimit/types';

/**
 * What Brevo's own answers say about a family's budget, so an account gets the rate it pays for.
 *
 * Brevo documents that every rate-limited endpoint answers with `x-sib-ratelimit-limit`,
 * `-remaining` and `-reset`, and that the limit depends on the plan (Advanced: twice the General
 * tier's, Extended: more). The client starts from the General tier, which every account has, and:
 * - adopts a larger announced limit of the same window (a reset no longer than the default
 *   window), so an Enterprise account's backfill is not held to 10 requests/s;
 * - stops pacing a family whose answers carry no rate headers at all, several in a row: by the
 *   documentation that family is not rate limited for this account. A 429 or any rate header
 *   brings the pacing back at once, so a wrong guess costs one refused request.
 */
export const UNLIMITED_AFTER = 5;

export interface FamilyLimitState {
  /** The policy to pace with, or null while the family is not limited. */
  policy: RatePolicy | null;
  /** 2xx answers in a row without any rate header. */
  headerless: number;
}

export function initialLimitState(defaults: RatePolicy): FamilyLimitState {
  return { policy: defaults, headerless: 0 };
}

export interface AnnouncedHeaders {
  limit: string | null;
  remaining: string | null;
  reset: string | null;
}

export function nextLimitState(defaults: RatePolicy, state: FamilyLimitState, status: number, h: AnnouncedHeaders): FamilyLimitState {
  const announced = h.limit !== null || h.remaining !== null || h.reset !== null;
  if (status === 429 || announced) {
    const base = state.policy ?? defaults;
    const limit = Number(h.limit);
    const reset = Number(h.reset);
    const windowSeconds = defaults.capacity / defaults.refillPerSecond;
    // Only a limit of the same window is comparable: an hourly counter on a per-second family
    // (Brevo counts both) says nothing about the burst.
    if (Number.isFinite(limit) && limit > defaults.capacity && Number.isFinite(reset) && reset <= windowSeconds) {
      return { policy: { capacity: limit, refillPerSecond: limit / windowSeconds }, headerless: 0 };
    }
    return { policy: base, headerless: 0 };
  }
  if (status < 200 || status >= 300) return state;
  const headerless = state.headerless + 1;
  return { policy: headerless >= UNLIMITED_AFTER ? null : state.policy, headerless };
}
