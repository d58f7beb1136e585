import { describe, expect, it } from 'vitest';
import { analyzeLatencies, percentiles, type BrevoCall, type StoredWebhook } from './bench-webhooks-e2e-analysis';

const at = (ms: number) => new Date(1_000_000 + ms);
const row = (id: string, object: string, action: string, entityId: number, receivedMs: number, data: Record<string, unknown>, previous: Record<string, unknown> | null): StoredWebhook => ({
  id,
  object,
  action,
  entity_id: String(entityId),
  received_at: at(receivedMs),
  processed_at: null,
  status: 'processed',
  payload: { meta: {}, data, previous },
});
const call = (ms: number, path: string, body: unknown, status = 204): BrevoCall => ({ at: 1_000_000 + ms, method: 'POST', path, family: path === '/events' ? 'events' : 'contacts', status, body });
const opts = { personExtId: (id: number) => `pd_person_${id}`, listFor: (d: { status: string; stage_id: number }) => (d.status === 'won' ? 100 : d.stage_id + 10) };

describe('analyzeLatencies', () => {
  it('a person edit is reflected by the first write carrying its last name or a later one, not by an earlier write', () => {
    const rows = [row('1', 'person', 'change', 5, 0, { last_name: 'L3' }, { last_name: 'L1' }), row('2', 'person', 'change', 5, 10, { last_name: 'L4' }, { last_name: 'L3' })];
    const calls = [
      call(5, '/contacts/batch', { contacts: [{ email: 'a@b.co', attributes: { EXT_ID: 'pd_person_5', LASTNAME: 'L1' } }] }),
      call(40, '/contacts/batch', { contacts: [{ email: 'a@b.co', attributes: { EXT_ID: 'pd_person_5', LASTNAME: 'L4' } }] }),
      call(50, '/contacts/batch', { contacts: [{ email: 'x@b.co', attributes: { EXT_ID: 'pd_person_6', LASTNAME: 'L3' } }] }),
    ];
    const a = analyzeLatencies(rows, calls, opts);
    expect(a.latencies.map((l) => [l.webhookEventId, l.ms])).toEqual([
      ['1', 40],
      ['2', 30],
    ]);
  });

  it('a stage move counts until both its event and the contact write with the new list are answered; a refused call does not count', () => {
    const rows = [row('1', 'deal', 'change', 9, 0, { stage_id: 2, status: 'open', person_id: 5 }, { stage_id: 1 })];
    const calls = [
      call(20, '/events', { event_name: 'deal_stage_changed', event_properties: { deal_id: 9, stage_id: 2, status: 'open' } }),
      call(30, '/contacts/batch', { contacts: [{ email: 'a@b.co', attributes: { EXT_ID: 'pd_person_5' }, listIds: [12] }] }, 429),
      call(70, '/contacts/batch', { contacts: [{ email: 'a@b.co', attributes: { EXT_ID: 'pd_person_5' }, listIds: [12] }] }),
    ];
    expect(analyzeLatencies(rows, calls, opts).latencies).toEqual([{ kind: 'stage_move', webhookEventId: '1', ms: 70 }]);
  });

  it('an activity is matched by its id; an event without any Brevo write is reported, not measured', () => {
    const rows = [row('1', 'activity', 'create', 33, 0, { person_id: 5 }, null), row('2', 'activity', 'create', 34, 0, { person_id: 5 }, null), row('3', 'deal', 'change', 9, 0, { activities_count: 2 }, { activities_count: 1 })];
    const calls = [call(15, '/events', { event_name: 'activity_logged', event_properties: { activity_id: 33 } })];
    const a = analyzeLatencies(rows, calls, opts);
    expect(a.latencies).toEqual([{ kind: 'activity', webhookEventId: '1', ms: 15 }]);
    expect(a.notFound).toBe(1);
    expect(a.unmatched).toEqual({ 'deal change': 1 });
  });
});

describe('percentiles', () => {
  it('reads nearest-rank percentiles', () => {
    expect(percentiles(Array.from({ length: 100 }, (_, i) => i + 1))).toEqual({ n: 100, p50: 51, p95: 96, p99: 100, max: 100 });
  });
});
