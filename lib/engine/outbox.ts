import type pg from 'pg';
import { mapLimit } from '../brevo/contact-checks';
import { outcomeFromError } from '../brevo/record-outcome';
import type { BrevoEvent } from '../sync';
import type { CompanyContext } from './company-context';
import type { LinkObject } from './link-store';

/**
 * Brevo events (automation triggers) go through an outbox: each is stored under an idempotency
 * key derived from what happened (e.g. deal 7 moved 3→4 at time T), so a webhook delivered
 * three times, or a job retried after a crash, still sends one event; pending events are then
 * sent in the order they happened.
 *
 * Pipedrive does not guarantee delivery order (a first attempt that fails is retried 3 s later),
 * so a deal's stage event can reach the outbox before the one that led to it. A stage event
 * carries where it starts (`from`) and what the app knew of the deal's stage when it queued it;
 * an event that does not start where the deal was last known to be waits a bounded settle time
 * for its predecessor, then goes anyway. In-order events never wait.
 */
export interface StageOrder {
  dealId: number;
  /** Stage the deal left (for won/lost without a move, the stage it stays in). */
  from: number;
  to: number;
  /** The deal's stage as the app knew it just before this event was applied, and as of when. */
  seenStage: number | null;
  seenAt: string | null;
}

export interface QueuedEvent {
  key: string;
  object: LinkObject;
  pipedriveId: string;
  event: BrevoEvent;
  /** Set on deal transition events: they are sent in the order of the deal's stage chain. */
  stageOrder?: StageOrder;
}

/** Records whose events are sent at once; the shared events budget (10/s) paces them. */
const EVENT_SEND_CONCURRENCY = 8;

/** How long a stage event whose predecessor has not arrived waits for it (covers Pipedrive's 3 s retry after a 10 s timeout). */
export const DEFAULT_STAGE_SETTLE_MS = 15_000;

export async function queueEvents(db: pg.Pool, companyId: string, events: readonly QueuedEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const r = await db.query(
    `INSERT INTO outbound_events (company_id, idempotency_key, event_name, object, pipedrive_id, email, properties, occurred_at, updated_at)
     SELECT $1::uuid, t.key, t.name, t.object::"SyncObject", t.id, t.email, t.body, t.at, now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[]) AS t(key, name, object, id, email, body, at)
     ON CONFLICT (company_id, idempotency_key) DO NOTHING`,
    [
      companyId,
      events.map((e) => e.key),
      events.map((e) => e.event.event_name),
      events.map((e) => e.object),
      events.map((e) => e.pipedriveId),
      events.map((e) => e.event.identifiers.email_id ?? null),
      // The ordering data travels with the event; only the Brevo fields are ever sent.
      events.map((e) => JSON.stringify(e.stageOrder ? { ...e.event, stageOrder: e.stageOrder } : e.event)),
      events.map((e) => e.event.event_date),
    ],
  );
  return r.rowCount ?? 0;
}

type StoredEvent = BrevoEvent & { stageOrder?: StageOrder };

interface PendingRow {
  id: string;
  object: string;
  pipedrive_id: string;
  properties: StoredEvent;
  occurred_at: Date;
  created_at: Date;
}

/** What is known of one deal's stage over time: sent transitions and the states seen when queueing. */
interface DealChain {
  /** (time, stage) facts: the `to` of each sent transition, and each queued event's seen state. */
  facts: { at: number; stage: number }[];
}

/**
 * The latest known stage of the deal strictly before `at`; an event starting there is in order.
 * A transition already sent after `at` means this one is a straggler that can only go now.
 */
export function stageEventReady(order: StageOrder, at: number, chain: DealChain, sentAfter: boolean): boolean {
  if (sentAfter) return true;
  let best: { at: number; stage: number } | null = null;
  for (const f of chain.facts) if (f.at < at && (!best || f.at >= best.at)) best = f;
  return best === null || best.stage === order.from;
}

async function loadChains(client: pg.PoolClient, companyId: string, dealIds: readonly number[]): Promise<Map<number, DealChain & { lastSentAt: number }>> {
  const chains = new Map<number, DealChain & { lastSentAt: number }>();
  if (dealIds.length === 0) return chains;
  const r = await client.query<{ status: string; stage_order: StageOrder; occurred_at: Date }>(
    `SELECT status, properties->'stageOrder' AS stage_order, occurred_at FROM outbound_events
      WHERE company_id = $1 AND object = 'deal' AND pipedrive_id = ANY($2::text[]) AND properties ? 'stageOrder'`,
    [companyId, dealIds.map(String)],
  );
  for (const row of r.rows) {
    const order = row.stage_order;
    const c = chains.get(order.dealId) ?? { facts: [], lastSentAt: -Infinity };
    chains.set(order.dealId, c);
    if (row.status !== 'pending') {
      c.facts.push({ at: row.occurred_at.getTime(), stage: order.to });
      c.lastSentAt = Math.max(c.lastSentAt, row.occurred_at.getTime());
    }
    if (order.seenStage !== null && order.seenAt !== null) c.facts.push({ at: new Date(order.seenAt).getTime(), stage: order.seenStage });
  }
  return chains;
}

export interface SendResult {
  sent: number;
  failed: number;
  /** When the earliest held stage event stops waiting for its predecessor, if any is held. */
  heldUntil: Date | null;
}

/**
 * Sends the company's pending events, oldest first, one flusher per company at a time (an
 * advisory lock), so that two workers never interleave a deal's events. A refused event is marked
 * failed with Brevo's reason; an outage or rate limit leaves it pending and throws, for the job
 * to retry. `stopAfter` (epoch ms) ends the flush after the batch running at that time.
 */
export async function sendPendingEvents(ctx: CompanyContext, opts: { limit?: number; settleMs?: number; now?: () => number; stopAfter?: number } = {}): Promise<SendResult> {
  const limit = opts.limit ?? 200;
  const settleMs = opts.settleMs ?? DEFAULT_STAGE_SETTLE_MS;
  const now = opts.now ?? Date.now;
  const result: SendResult = { sent: 0, failed: 0, heldUntil: null };
  const client = await ctx.db.connect();
  const lockKey = `outbox:${ctx.companyId}`;
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    try {
      for (;;) {
        const rows = (
          await client.query<PendingRow>(
            `SELECT id::text, object::text, pipedrive_id, properties, occurred_at, created_at FROM outbound_events
              WHERE company_id = $1 AND status = 'pending' ORDER BY occurred_at, id LIMIT $2`,
            [ctx.companyId, limit],
          )
        ).rows;
        if (rows.length === 0) break;
        const chains = await loadChains(client, ctx.companyId, [...new Set(rows.flatMap((r) => (r.properties.stageOrder ? [r.properties.stageOrder.dealId] : [])))]);
        // A deal whose earlier event waits keeps its later events waiting too.
        const waiting = new Set<number>();
        const due: PendingRow[] = [];
        for (const row of rows) {
          const order = row.properties.stageOrder;
          const at = row.occurred_at.getTime();
          if (order) {
            const chain = chains.get(order.dealId) ?? { facts: [], lastSentAt: -Infinity };
            const ready = !waiting.has(order.dealId) && stageEventReady(order, at, chain, chain.lastSentAt > at);
            const release = row.created_at.getTime() + settleMs;
            if (!ready && (waiting.has(order.dealId) || release > now())) {
              waiting.add(order.dealId);
              if (release > now() && (!result.heldUntil || release < result.heldUntil.getTime())) result.heldUntil = new Date(release);
              continue;
            }
            // Counted as sent for the deal's later events: sendInOrder sends them after this one or not at all.
            chain.facts.push({ at, stage: order.to });
            chain.lastSentAt = Math.max(chain.lastSentAt, at);
            chains.set(order.dealId, chain);
          }
          due.push(row);
        }
        const counts = await sendInOrder(ctx, due);
        result.sent += counts.sent;
        result.failed += counts.failed;
        const progressed = due.length;
        if (rows.length < limit || progressed === 0) break;
        // A caller with a time budget leaves the rest pending for the company's next flush.
        if (opts.stopAfter !== undefined && now() >= opts.stopAfter) break;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]).catch(() => (broken = true));
    }
  } finally {
    // A connection that could not unlock is discarded, which releases the lock.
    client.release(broken);
  }
  return result;
}

/**
 * Events of one record (a deal's stage chain, a person's changes) go one after the other, in the
 * order given; different records' events go concurrently, because POST /events is a budget of its
 * own (10/s) and one round trip at a time would cap a company at a few events a second. After an
 * outage or rate limit nothing more is started, so no record's later event overtakes an earlier one
 * left pending; the error is thrown for the job to retry.
 */
export async function sendInOrder(ctx: Pick<CompanyContext, 'brevo' | 'db'>, rows: readonly PendingRow[]): Promise<{ sent: number; failed: number }> {
  const byRecord = new Map<string, PendingRow[]>();
  for (const row of rows) {
    const key = `${row.object}:${row.pipedrive_id}`;
    (byRecord.get(key) ?? byRecord.set(key, []).get(key)!).push(row);
  }
  const counts = { sent: 0, failed: 0 };
  let stopped: { err: unknown } | null = null;
  await mapLimit([...byRecord.values()], EVENT_SEND_CONCURRENCY, async (chain) => {
    for (const row of chain) {
      if (stopped) return;
      try {
        counts[await sendOne(ctx, row)]++;
      } catch (err) {
        stopped ??= { err };
        return;
      }
    }
  });
  if (stopped) throw (stopped as { err: unknown }).err;
  return counts;
}

/** Marks go through the pool: the lock's connection runs one query at a time, and sends overlap. */
async function sendOne(ctx: Pick<CompanyContext, 'brevo' | 'db'>, row: PendingRow): Promise<'sent' | 'failed'> {
  const e = row.properties;
  try {
    await ctx.brevo.sendEvent({ eventName: e.event_name, identifiers: e.identifiers, eventDate: e.event_date, eventProperties: e.event_properties });
  } catch (err) {
    const outcome = outcomeFromError(err, `event ${e.event_name}`);
    if (!outcome) throw err; // an outage or rate limit: the job retries, the event stays pending
    await ctx.db.query(`UPDATE outbound_events SET status = 'failed', attempts = attempts + 1, error = $2, updated_at = now() WHERE id = $1`, [row.id, outcome.message]);
    return 'failed';
  }
  await ctx.db.query(`UPDATE outbound_events SET status = 'sent', sent_at = now(), attempts = attempts + 1, error = NULL, updated_at = now() WHERE id = $1`, [row.id]);
  return 'sent';
}
