import { describe, expect, it } from 'vitest';
import { webhookEventDate } from './webhook-event-date';

describe('webhookEventDate', () => {
  it('reads the ISO strings of the webhook v2 examples', () => {
    expect(webhookEventDate('2022-11-24T15:18:35.616Z')).toBe('2022-11-24T15:18:35.616Z');
    expect(webhookEventDate('2024-01-01T10:00:00+02:00')).toBe('2024-01-01T08:00:00.000Z');
  });

  it('reads unix seconds and milliseconds, as numbers or strings', () => {
    expect(webhookEventDate(1669304389)).toBe('2022-11-24T15:39:49.000Z');
    expect(webhookEventDate('1669304389')).toBe('2022-11-24T15:39:49.000Z');
    expect(webhookEventDate(1669304389123)).toBe('2022-11-24T15:39:49.123Z');
  });

  it('reads Pipedrive’s zone-less API times as UTC', () => {
    expect(webhookEventDate('2024-01-01 10:00:00')).toBe('2024-01-01T10:00:00.000Z');
  });

  it('returns null for anything else', () => {
    expect(webhookEventDate('yesterday')).toBeNull();
    expect(webhookEventDate(null)).toBeNull();
    expect(webhookEventDate(0)).toBeNull();
    expect(webhookEventDate('2024-13-45T99:00:00Z')).toBeNull();
  });
});
