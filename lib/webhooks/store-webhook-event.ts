import { pgPool } from '../db/pool';
import { requireDatabaseUrl } from '../env';
import { JobQueue } from '../jobs/queue';
import type { NormalizedWebhook } from './parse-webhook-body';
import { WEBHOOK_CHANNEL } from './notify-channel';
import { webhookProcessQueue } from './process-queue';

/**
 * One statement, one round trip, one transaction: the event row, its `webhook.process` job
 * and the registration's last-delivery mark go in together or not at all, so an acknowledged
 * event always has its job. The job row is written the way pg-boss 10's own insert writes it
 * (node_modules/pg-boss/src/plans.js insertJob): retry policy, expiry, retention and dead-letter
 * queue come from the queue's row. tests/integration/webhooks-ingest.test.ts proves pg-boss
 * fetches these jobs. A repeated delivery hits the unique (company, source, event id) index and
 * inserts neither row.
 *
 * The job's singleton_key (`<object>:<entity id>`) and the event's occurred_at/entity_id are the
 * ordering data: the processor drops an event older than what it already applied for the record.
 */
const STORE_SQL = `
WITH queue AS (
  SELECT * FROM pgboss.queue WHERE name = $9
), ev AS (
  INSERT INTO webhook_events (company_id, source, event_id, object, action, entity_id, payload, occurred_at, status, updated_at)
  SELECT $1::uuid, 'pipedrive', $2, $3, $4, $5, $6::jsonb, $7::timestamptz, (CASE WHEN $8::bool THEN 'received' ELSE 'ignored' END)::"WebhookEventStatus", now()
  WHERE EXISTS (SELECT 1 FROM queue)
  ON CONFLICT (company_id, source, event_id) DO NOTHING
  RETURNING id
), job AS (
  INSERT INTO pgboss.job (name, data, singleton_key, dead_letter, expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
  SELECT q.name,
         jsonb_build_object('companyId', $1::text, 'webhookEventId', ev.id::text),
         $3::text || ':' || $5::text,
         q.dead_letter,
         COALESCE(q.expire_seconds * interval '1 second', interval '15 minutes'),
         now() + COALESCE(q.retention_minutes * interval '1 minute', interval '14 days'),
         COALESCE(q.retry_limit, 2),
         CASE WHEN COALESCE(q.retry_backoff, false) THEN GREATEST(COALESCE(q.retry_delay, 0), 1) ELSE COALESCE(q.retry_delay, 0) END,
         COALESCE(q.retry_backoff, false),
         q.policy
    FROM ev CROSS JOIN queue q
   WHERE $8::bool
  RETURNING id
), reg AS (
  -- At most one write per registration every 10 s, however many deliveries arrive.
  UPDATE webhook_registrations SET last_delivery_at = now(), updated_at = now()
   WHERE company_id = $1::uuid AND pipedrive_webhook_id = $10::int
     AND (last_delivery_at IS NULL OR last_delivery_at < now() - interval '10 seconds')
  RETURNING 1
)
SELECT (SELECT id FROM ev)::text AS event_id,
       (SELECT id FROM job)::text AS job_id,
       EXISTS (SELECT 1 FROM queue) AS queue_exists,
       -- Wakes a listening worker (lib/engine/webhook-listener.ts) at commit, in the same round trip.
       (SELECT pg_notify($11::text, $1::text || ':' || ev.id::text) FROM ev WHERE EXISTS (SELECT 1 FROM job))::text AS notified`;

export type StoreOutcome = { kind: 'stored'; webhookEventId: bigint; jobId: string | null } | { kind: 'duplicate' };

let queueReady: Promise<void> | undefined;

/**
 * Creates the queue once per process (starting pg-boss briefly also installs its schema on a new
 * database). The ingest writes its jobs itself, so no pg-boss instance stays open in the web
 * process for it. Not lib/jobs/runtime's sender: that module loads the job registry and, with it,
 * every worker's handler. ensureQueue reads only the name, retry policy and expiry, so the
 * handler-less queue description is enough.
 */
function ensureProcessQueue(): Promise<void> {
  queueReady ??= (async () => {
    const queue = await new JobQueue(requireDatabaseUrl(), { maintenance: false }).start();
    try {
      await queue.ensureQueue(webhookProcessQueue);
    } finally {
      await queue.stop();
    }
  })().catch((err: unknown) => {
    queueReady = undefined;
    throw err;
  });
  return queueReady;
}

const WEBHOOK_ID = /^[1-9][0-9]{0,9}$/;

/**
 * Stores the event and its job. `rawJson`, when given, is the delivery exactly as received and is
 * stored instead of serializing `e.payload` again (the v2 payload is the body itself).
 */
export async function storeWebhookEvent(companyId: string, e: NormalizedWebhook, rawJson?: string): Promise<StoreOutcome> {
  await ensureProcessQueue();
  const webhookId = e.webhookId !== null && WEBHOOK_ID.test(e.webhookId) && Number(e.webhookId) <= 2 ** 31 - 1 ? Number(e.webhookId) : null;
  const params = [companyId, e.eventId, e.object, e.action, e.entityId, rawJson ?? JSON.stringify(e.payload), e.occurredAt?.toISOString() ?? null, e.synced, webhookProcessQueue.name, webhookId, WEBHOOK_CHANNEL];
  for (let attempt = 0; ; attempt++) {
    const r = await pgPool().query<{ event_id: string | null; job_id: string | null; queue_exists: boolean }>(STORE_SQL, params);
    const row = r.rows[0]!;
    if (!row.queue_exists && attempt === 0) {
      // Someone dropped the queue after this process created it: create it again, once.
      queueReady = undefined;
      await ensureProcessQueue();
      continue;
    }
    if (!row.queue_exists) throw new Error(`job queue ${webhookProcessQueue.name} is missing and could not be created`);
    if (row.event_id === null) return { kind: 'duplicate' };
    return { kind: 'stored', webhookEventId: BigInt(row.event_id), jobId: row.job_id };
  }
}
