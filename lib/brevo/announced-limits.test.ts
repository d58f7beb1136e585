import { describe, expect, it } from 'vitest';
import { initialLimitState, nextLimitState, UNLIMITED_AFTER, type AnnouncedHeaders, type FamilyLimitState } from './announced-limits';
import { GENERAL_TIER_POLICIES } from './rate-families';

const none: AnnouncedHeaders = { limit: null, remaining: null, reset: null };
const contacts = GENERAL_TIER_POLICIES.contacts;
const other = GENERAL_TIER_POLICIES.other;

function after(defaults: typeof contacts, answers: [number, AnnouncedHeaders][]): FamilyLimitState {
  return answers.reduce((s, [status, h]) => nextLimitState(defaults, s, status, h), initialLimitState(defaults));
}

describe('limits announced by Brevo', () => {
  it('starts from the General tier and keeps it while Brevo announces the same limit', () => {
    expect(initialLimitState(contacts).policy).toEqual(contacts);
    expect(after(contacts, [[200, { limit: '10', remaining: '9', reset: '1' }]]).policy).toEqual(contacts);
  });

  it('adopts a higher limit of the same window (Advanced tier: 20/s, 200/h)', () => {
    expect(after(contacts, [[200, { limit: '20', remaining: '19', reset: '1' }]]).policy).toEqual({ capacity: 20, refillPerSecond: 20 });
    const hourly = after(other, [[200, { limit: '200', remaining: '150', reset: '1800' }]]).policy!;
    expect(hourly.capacity).toBe(200);
    expect(hourly.refillPerSecond).toBeCloseTo(200 / 3600);
  });

  it('ignores an hourly counter announced on a per-second family', () => {
    expect(after(contacts, [[200, { limit: '36000', remaining: '35000', reset: '2400' }]]).policy).toEqual(contacts);
  });

  it(`stops pacing after ${UNLIMITED_AFTER} answers in a row without rate headers, and paces again at the first header or 429`, () => {
    const quiet = Array.from({ length: UNLIMITED_AFTER }, (): [number, AnnouncedHeaders] => [200, none]);
    expect(after(contacts, quiet.slice(1)).policy).toEqual(contacts);
    expect(after(contacts, quiet).policy).toBeNull();
    expect(after(contacts, [...quiet, [429, none]]).policy).toEqual(contacts);
    expect(after(contacts, [...quiet, [204, { limit: '10', remaining: '3', reset: '1' }]]).policy).toEqual(contacts);
  });

  it('does not count errors as proof that a family is unlimited', () => {
    const errors = Array.from({ length: UNLIMITED_AFTER * 2 }, (): [number, AnnouncedHeaders] => [503, none]);
    expect(after(contacts, errors).policy).toEqual(contacts);
    expect(after(contacts, [[200, none], [200, none], [404, none], [200, none], [200, none], [200, none]]).policy).toBeNull();
  });
});
