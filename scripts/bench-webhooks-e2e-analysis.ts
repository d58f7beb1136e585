/**
 * The pure part of scripts/bench-webhooks-e2e.ts: which Brevo write reflects which stored webhook
 * event, and how long after its receipt that write was answered.
 */
export interface StoredWebhook {
  id: string;
  object: string;
  action: string;
  entity_id: string | null;
  received_at: Date;
  processed_at: Date | null;
  status: string;
  payload: unknown;
}

/** A Brevo sandbox API request with its body, as `onApiRequest` reports it (`at`: when answered). */
export interface BrevoCall {
  at: number;
  method: string;
  path: string;
  family: string;
  status: number;
  body: unknown;
}

export interface Latency {
  kind: 'person_edit' | 'stage_move' | 'won_lost' | 'activity';
  webhookEventId: string;
  ms: number;
}

export interface LatencyAnalysis {
  latencies: Latency[];
  /** Events that no Brevo write is expected for (e.g. a deal's activity counter changed), by object and action. */
  unmatched: Record<string, number>;
  /** Events that should have a Brevo write and have none: a sync failure. */
  notFound: number;
  touchedPersons: number;
}

interface ContactWrite {
  at: number;
  lastNameSeq: number | null;
  listIds: number[];
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const seqOf = (v: unknown): number | null => {
  const m = typeof v === 'string' ? /^L(\d+)$/.exec(v) : null;
  return m ? Number(m[1]) : null;
};

/** Every contact write answered 2xx, by the EXT_ID it carries, in answer order. */
function contactWrites(calls: readonly BrevoCall[]): Map<string, ContactWrite[]> {
  const out = new Map<string, ContactWrite[]>();
  const add = (at: number, item: Record<string, unknown>) => {
    const attributes = obj(item.attributes);
    const extId = attributes.EXT_ID;
    if (typeof extId !== 'string') return;
    const listIds = Array.isArray(item.listIds) ? item.listIds.filter((l): l is number => typeof l === 'number') : [];
    (out.get(extId) ?? out.set(extId, []).get(extId)!).push({ at, lastNameSeq: seqOf(attributes.LASTNAME), listIds });
  };
  for (const c of calls) {
    if (c.status >= 300) continue;
    if (c.method === 'POST' && c.path === '/contacts/batch') for (const item of (obj(c.body).contacts as unknown[] | undefined) ?? []) add(c.at, obj(item));
    else if ((c.method === 'POST' && c.path === '/contacts') || (c.method === 'PUT' && c.path.startsWith('/contacts/'))) add(c.at, obj(c.body));
  }
  for (const list of out.values()) list.sort((a, b) => a.at - b.at);
  return out;
}

export function analyzeLatencies(
  rows: readonly StoredWebhook[],
  calls: readonly BrevoCall[],
  opts: { personExtId: (personId: number) => string; listFor: (deal: { status: string; stage_id: number }) => number | null },
): LatencyAnalysis {
  const writes = contactWrites(calls);
  const events = calls
    .filter((c) => c.method === 'POST' && c.path === '/events' && c.status < 300)
    .map((c) => ({ at: c.at, name: obj(c.body).event_name, props: obj(obj(c.body).event_properties) }))
    .sort((a, b) => a.at - b.at);
  const out: LatencyAnalysis = { latencies: [], unmatched: {}, notFound: 0, touchedPersons: 0 };
  const persons = new Set<number>();
  const firstWrite = (personId: number, after: number, ok: (w: ContactWrite) => boolean) => (writes.get(opts.personExtId(personId)) ?? []).find((w) => w.at >= after && ok(w));
  const firstEvent = (after: number, ok: (e: (typeof events)[number]) => boolean) => events.find((e) => e.at >= after && ok(e));

  for (const row of rows) {
    const received = row.received_at.getTime();
    const { data, previous } = { data: obj(obj(row.payload).data), previous: obj(obj(row.payload).previous) };
    const entityId = Number(row.entity_id);
    const record = (kind: Latency['kind'], at: number | undefined, personId: number | null) => {
      if (at === undefined) {
        out.notFound++;
        return;
      }
      if (personId !== null) persons.add(personId);
      out.latencies.push({ kind, webhookEventId: row.id, ms: at - received });
    };
    const seq = seqOf(data.last_name);
    if (row.object === 'person' && row.action === 'change' && 'last_name' in previous && seq !== null) {
      // A later edit of the same person may be written first and carries this one too.
      record('person_edit', firstWrite(entityId, received, (w) => w.lastNameSeq !== null && w.lastNameSeq >= seq)?.at, entityId);
    } else if (row.object === 'deal' && row.action === 'change' && ('stage_id' in previous || 'status' in previous)) {
      const status = String(data.status);
      const stageId = Number(data.stage_id);
      const event = firstEvent(received, (e) => e.name === 'deal_stage_changed' && e.props.deal_id === entityId && e.props.stage_id === stageId && e.props.status === status);
      const personId = typeof data.person_id === 'number' ? data.person_id : null;
      const list = opts.listFor({ status, stage_id: stageId });
      // The contact's list change counts when there is one: the person may already be in that list.
      const contact = personId !== null && list !== null ? firstWrite(personId, received, (w) => w.listIds.includes(list)) : undefined;
      record(status === 'open' ? 'stage_move' : 'won_lost', event ? Math.max(event.at, contact?.at ?? event.at) : undefined, personId);
    } else if (row.object === 'activity' && row.action === 'create') {
      const event = firstEvent(received, (e) => e.name === 'activity_logged' && e.props.activity_id === entityId);
      record('activity', event?.at, typeof data.person_id === 'number' ? data.person_id : null);
    } else {
      const key = `${row.object} ${row.action}`;
      out.unmatched[key] = (out.unmatched[key] ?? 0) + 1;
    }
  }
  out.touchedPersons = persons.size;
  return out;
}

export function percentiles(ms: readonly number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!) : NaN);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length ? Math.round(s[s.length - 1]!) : NaN };
}
