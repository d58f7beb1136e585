import { describe, expect, it } from 'vitest';
import { parseWebhookBody, readWebhookTimestamp } from './parse-webhook-body';

const v2 = (patch: { meta?: Record<string, unknown>; data?: unknown; previous?: unknown } = {}) => ({
  meta: {
    action: 'change', entity: 'person', company_id: '1001', entity_id: '8', id: '7c812ffd-8f50-45ea-a597-b8fcba2da9c0', timestamp: '2022-11-24T15:18:35.616Z',
    version: '2.0', webhook_id: '4710827', attempt: 1, ...patch.meta,
  },
  data: 'data' in patch ? patch.data : { id: 8, name: 'Sample Person', emails: [], phones: [], visible_to: '3', custom_fields: {} },
  previous: 'previous' in patch ? patch.previous : { name: 'Sample' },
});

const v1 = (patch: { retry?: number; webhookId?: number; current?: Record<string, unknown> | null; previous?: Record<string, unknown> | null; action?: string } = {}) => ({
  v: 1,
  event: `${patch.action ?? 'updated'}.deal`,
  retry: patch.retry ?? 0,
  matches_filters: { current: [], previous: [] },
  meta: { v: 1, action: patch.action ?? 'updated', object: 'deal', id: 123, company_id: 1001, user_id: 5, timestamp: 1523440213, timestamp_micro: 1523440213384700, webhook_id: patch.webhookId ?? 456 },
  current: patch.current === undefined ? { id: 123, title: 'Deal', stage_id: 2, value: 10 } : patch.current,
  previous: patch.previous === undefined ? { id: 123, title: 'Deal', stage_id: 1, value: 10 } : patch.previous,
});

describe('parseWebhookBody', () => {
  it('reads a v2 body: the vendor event id, entity id, time and webhook', () => {
    const r = parseWebhookBody(v2());
    expect(r).toMatchObject({ ok: true, event: { format: 'v2', eventId: '7c812ffd-8f50-45ea-a597-b8fcba2da9c0', object: 'person', action: 'change', entityId: '8', pipedriveCompanyId: '1001', webhookId: '4710827', synced: true } });
    if (r.ok) expect(r.event.occurredAt?.toISOString()).toBe('2022-11-24T15:18:35.616Z');
  });

  it('names the offending field', () => {
    expect(parseWebhookBody(v2({ meta: { id: 5 } }))).toMatchObject({ ok: false, field: 'meta.id' });
    expect(parseWebhookBody(v2({ data: { id: 8, name: 42 } }))).toMatchObject({ ok: false, field: 'data.name' });
    expect(parseWebhookBody(v2({ previous: { emails: 'x' } }))).toMatchObject({ ok: false, field: 'previous.emails' });
    expect(parseWebhookBody(v2({ data: null }))).toMatchObject({ ok: false, field: 'data' });
    const notObject = parseWebhookBody([]);
    expect(notObject).toMatchObject({ ok: false, field: 'body' });
    expect(notObject.ok ? '' : notObject.message).toContain('array');
    expect(parseWebhookBody({ hello: 1 })).toMatchObject({ ok: false, field: 'meta' });
  });

  it('accepts deletes with data null, and entities the app does not sync as not synced', () => {
    expect(parseWebhookBody(v2({ meta: { action: 'delete' }, data: null, previous: { id: 8, name: 'Gone' } }))).toMatchObject({ ok: true, event: { action: 'delete', synced: true } });
    expect(parseWebhookBody(v2({ meta: { entity: 'note' }, data: { id: 1, content: 'x' } }))).toMatchObject({ ok: true, event: { object: 'note', synced: false } });
  });

  it('maps v1 actions and keeps only the changed fields in previous', () => {
    const r = parseWebhookBody(v1());
    expect(r).toMatchObject({ ok: true, event: { format: 'v1', action: 'change', object: 'deal', entityId: '123', pipedriveCompanyId: '1001', webhookId: '456' } });
    if (!r.ok) return;
    expect(r.event.payload.previous).toEqual({ stage_id: 1 });
    expect(r.event.occurredAt?.getTime()).toBe(1523440213384);
    expect(parseWebhookBody(v1({ action: 'added', previous: null }))).toMatchObject({ ok: true, event: { action: 'create', payload: { previous: null } } });
    expect(parseWebhookBody(v1({ action: 'deleted', current: null }))).toMatchObject({ ok: true, event: { action: 'delete', payload: { data: null, previous: { stage_id: 1 } } } });
    expect(parseWebhookBody(v1({ action: 'merged' }))).toMatchObject({ ok: true, event: { action: 'change', payload: { meta: { is_merge: true } } } });
  });

  it('gives a v1 event one id across retries, duplicate registrations and key order, and different ids to different events', () => {
    const id = (b: unknown) => (parseWebhookBody(b) as { event: { eventId: string } }).event.eventId;
    const base = id(v1());
    expect(base).toMatch(/^v1:[0-9a-f]{64}$/);
    expect(id(v1({ retry: 2 }))).toBe(base);
    expect(id(v1({ webhookId: 999 }))).toBe(base);
    const reordered = Object.fromEntries(Object.entries(v1()).reverse());
    expect(id(reordered)).toBe(base);
    expect(id(v1({ current: { id: 123, title: 'Deal', stage_id: 3, value: 10 } }))).not.toBe(base);
  });

  it('refuses a v1 body whose event contradicts its meta', () => {
    expect(parseWebhookBody({ ...v1(), event: 'added.person' })).toMatchObject({ ok: false, field: 'event' });
  });
});

describe('readWebhookTimestamp', () => {
  it('reads ISO strings, unix seconds and milliseconds, and nothing else', () => {
    expect(readWebhookTimestamp('2022-11-24T15:18:35.616Z')?.toISOString()).toBe('2022-11-24T15:18:35.616Z');
    expect(readWebhookTimestamp(1669304389)?.toISOString()).toBe('2022-11-24T15:39:49.000Z');
    expect(readWebhookTimestamp('1669304389')?.toISOString()).toBe('2022-11-24T15:39:49.000Z');
    expect(readWebhookTimestamp(1669304389123)?.toISOString()).toBe('2022-11-24T15:39:49.123Z');
    expect(readWebhookTimestamp('soon')).toBeNull();
    expect(readWebhookTimestamp(undefined)).toBeNull();
  });
});
