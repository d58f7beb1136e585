import { describe, expect, it } from 'vitest';
import { classifyHttpError, nextBudgetReset } from './errors';

const now = Date.parse('2026-03-10T15:30:00Z');

function classify(status: number, body: unknown, headers: Record<string, string> = {}, rawBody = JSON.stringify(body)) {
  return classifyHttpError({ operation: 'op', status, body, rawBody, headers: new Headers(headers), now });
}

describe('classifyHttpError', () => {
  it('maps statuses to kinds with admin-facing advice', () => {
    expect(classify(401, { success: false, error: 'unauthorized access', errorCode: 401 })).toMatchObject({ kind: 'auth', status: 401 });
    expect(classify(401, {}).adminMessage).toMatch(/Reconnect Pipedrive/);
    expect(classify(402, { success: false, error: 'Company account is not open' })).toMatchObject({ kind: 'permission' });
    expect(classify(402, {}).adminMessage).toMatch(/reactivate/);
    expect(classify(403, { success: false, error: 'You do not have permissions to do this.' }).adminMessage).toMatch(/admin user/);
    expect(classify(403, { success: false, error: 'Scope and URL mismatch' }).adminMessage).toMatch(/Reinstall/);
    expect(classify(404, { success: false, error: 'Entity was not found' }).kind).toBe('not_found');
    expect(classify(410, {}).kind).toBe('not_found');
    expect(classify(400, { success: false, error: 'Validation failed: name' })).toMatchObject({ kind: 'invalid', adminMessage: expect.stringContaining('Validation failed: name') as string });
    expect(classify(422, { status: 'error', success: false, errors: { subscription_url: ['invalid or non-reachable URL'] } }).adminMessage).toContain('subscription_url: invalid or non-reachable URL');
    for (const s of [500, 502, 503, 504, 408]) expect(classify(s, undefined, {}, '').kind).toBe('transient');
  });

  it('treats the Cloudflare HTML 403 after repeated 429s as a rate limit', () => {
    const e = classify(403, undefined, { 'content-type': 'text/html' }, '<!DOCTYPE html><html><title>Attention Required! | Cloudflare</title></html>');
    expect(e.kind).toBe('rate_limited');
    expect(e.retryAt!.getTime()).toBe(now + 600_000);
  });

  it('splits 429 into burst limits and the spent daily budget', () => {
    const burst = classify(429, { success: false, error: 'Request over limit' }, { 'x-ratelimit-reset': '2', 'x-daily-ratelimit-token-remaining': '5000' });
    expect(burst).toMatchObject({ kind: 'rate_limited', retryAt: new Date(now + 2000) });
    const daily = classify(429, { success: false, error: 'API requests limit reached for a company' }, { 'x-daily-ratelimit-token-remaining': '0' });
    expect(daily).toMatchObject({ kind: 'budget_exhausted', retryAt: new Date('2026-03-11T00:00:00Z') });
    expect(daily.adminMessage).toContain('2026-03-11 00:00 UTC');
    // Without the undocumented headers, the company-wide message still identifies the budget.
    expect(classify(429, { success: false, error: 'API requests limit reached for a company' }).kind).toBe('budget_exhausted');
  });

  it('computes the next budget reset at midnight UTC', () => {
    expect(nextBudgetReset(Date.parse('2026-12-31T23:59:59Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
