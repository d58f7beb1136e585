import type pg from 'pg';
import { outcomeFromError } from '../brevo/record-outcome';
import type { BrevoEvent } from '../sync';
import type { CompanyContext } from './company-context';
import type { LinkObject } from './link-store';

/**
 * Brevo events (automation triggers) go through an outbox: each is stored under an idempotency
 * key derived from what happened (e.g. deal 7 moved 3→4 at time T), so a webhook delivered
 * three times, or a job retried after a crash, still sends one event; pending events are then
 * sent in the order they happened.
 */
export interface QueuedEvent {
  key: string;
  object: LinkObject;
  pipedriveId: string;
  event: BrevoEvent;
}

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
      events.map((e) => JSON.stringify(e.event)),
      events.map((e) => e.event.event_date),
    ],
  );
  return r.rowCount ?? 0;
}

/**
 * Sends the company's pending events, oldest first. A row is claimed with SKIP LOCKED so two
 * workers never send the same event; a refused event is marked failed with Brevo's reason.
 */
export async function sendPendingEvents(ctx: CompanyContext, limit = 200): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < limit; i++) {
    const client = await ctx.db.connect();
    try {
      await client.query('BEGIN');
      const r = await client.query<{ id: string; properties: BrevoEvent }>(
        `SELECT id, properties FROM outbound_events WHERE company_id = $1 AND status = 'pending'
          ORDER BY occurred_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [ctx.companyId],
      );
      const row = r.rows[0];
      if (!row) {
        await client.query('COMMIT');
        break;
      }
      const e = row.properties;
      try {
        await ctx.brevo.sendEvent({ eventName: e.event_name, identifiers: e.identifiers, eventDate: e.event_date, eventProperties: e.event_properties });
        await client.query(`UPDATE outbound_events SET status = 'sent', sent_at = now(), attempts = attempts + 1, error = NULL, updated_at = now() WHERE id = $1`, [row.id]);
        sent++;
      } catch (err) {
        const outcome = outcomeFromError(err, `event ${e.event_name}`);
        if (!outcome) throw err; // an outage or rate limit: the job retries, the event stays pending
        await client.query(`UPDATE outbound_events SET status = 'failed', attempts = attempts + 1, error = $2, updated_at = now() WHERE id = $1`, [row.id, outcome.message]);
        failed++;
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  return { sent, failed };
}
