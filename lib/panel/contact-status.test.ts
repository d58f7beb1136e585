import { describe, expect, it } from 'vitest';
import { contactStatus } from './contact-status';

describe('contactStatus', () => {
  it('is subscribed when Brevo does not blocklist the address, whatever old statistics say', () => {
    expect(contactStatus({ emailBlacklisted: false, statistics: { hardBounces: [{ eventTime: '2026-01-01T00:00:00Z' }] } }).status).toBe('subscribed');
  });

  it('names the reason of a blocklisting', () => {
    expect(contactStatus({ emailBlacklisted: true, statistics: { hardBounces: [{ campaignId: 1, eventTime: '2026-01-01T00:00:00Z' }] } }).status).toBe('bounced');
    expect(contactStatus({ emailBlacklisted: true, statistics: { complaints: [{ eventTime: '2026-01-01T00:00:00Z' }] } }).status).toBe('complained');
    expect(contactStatus({ emailBlacklisted: true, statistics: { unsubscriptions: { userUnsubscription: [{ campaignId: 3, eventTime: '2026-01-01T00:00:00Z' }], adminUnsubscription: [] } } }).status).toBe('unsubscribed');
    expect(contactStatus({ emailBlacklisted: true, statistics: { unsubscriptions: { adminUnsubscription: [{ eventTime: '2026-01-01T00:00:00Z' }] } } }).status).toBe('blocklisted');
  });

  it('takes the most recent reason when several stack up', () => {
    const statistics = { hardBounces: [{ eventTime: '2026-01-01T00:00:00Z' }], unsubscriptions: { userUnsubscription: [{ eventTime: '2026-03-01T00:00:00Z' }] } };
    expect(contactStatus({ emailBlacklisted: true, statistics }).status).toBe('unsubscribed');
    const later = { hardBounces: [{ eventTime: '2026-05-01T00:00:00Z' }], unsubscriptions: { userUnsubscription: [{ eventTime: '2026-03-01T00:00:00Z' }] } };
    expect(contactStatus({ emailBlacklisted: true, statistics: later }).status).toBe('bounced');
  });

  it('falls back to blocklisted when the flag is set without statistics or with unreadable ones', () => {
    expect(contactStatus({ emailBlacklisted: true }).status).toBe('blocklisted');
    expect(contactStatus({ emailBlacklisted: true, statistics: { hardBounces: 'garbage' } }).status).toBe('blocklisted');
  });
});
