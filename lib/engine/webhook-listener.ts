import pg from 'pg';
import { childLogger } from '../log';
import { WEBHOOK_CHANNEL } from '../webhooks/notify-channel';
import { processWebhookEvent } from './process-webhook-event';

/**
 * Low-latency path for webhooks: ingest NOTIFYs `pipebridge_webhook` with the stored event, and
 * every worker LISTENing applies it at once instead of waiting for pg-boss's next poll (at
 * least half a second). The pg-boss job stays the guarantee: processing is idempotent (pending
 * events of a record are applied under a lock and marked processed), so whichever comes second
 * finds nothing left to do, and a missed notification is still picked up by the job.
 */

const log = childLogger({ part: 'webhook-listener' });

export async function listenForWebhooks(databaseUrl: string): Promise<{ stop(): Promise<void> }> {
  let client: pg.Client | undefined;
  let stopped = false;
  const inflight = new Set<Promise<void>>();

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('error', (err) => log.warn({ err }, 'listener connection lost'));
    c.on('end', () => {
      // Reconnect after a server restart; the jobs cover what arrives meanwhile.
      if (!stopped) setTimeout(() => void connect().catch((err: unknown) => log.warn({ err }, 'listener reconnect failed')), 1000);
    });
    c.on('notification', (msg) => {
      const [companyId, id] = (msg.payload ?? '').split(':');
      if (!companyId || !id || !/^\d+$/.test(id)) return;
      const p = processWebhookEvent(companyId, BigInt(id))
        .catch((err: unknown) => log.warn({ err, companyId, webhookEventId: id }, 'immediate processing failed; the queued job will retry'))
        .finally(() => inflight.delete(p));
      inflight.add(p);
    });
    await c.connect();
    await c.query(`LISTEN ${WEBHOOK_CHANNEL}`);
    client = c;
  };
  await connect();
  return {
    stop: async () => {
      stopped = true;
      await Promise.allSettled([...inflight]);
      await client?.end().catch(() => undefined);
    },
  };
}
