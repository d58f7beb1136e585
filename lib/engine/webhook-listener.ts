import pg from 'pg';
import { childLogger } from '../log';
import { WEBHOOK_CHANNEL } from '../webhooks/notify-channel';
import { BoundedRunner } from './bounded-runner';
import { processWebhookEvent } from './process-webhook-event';

/**
 * Low-latency path for webhooks: ingest NOTIFYs `pipebridge_webhook` with the stored event, and
 * every worker LISTENing applies it at once instead of waiting for pg-boss's next poll (at
 * least half a second). The pg-boss job stays the guarantee: processing is idempotent (pending
 * events of a record are applied under a lock and marked processed), so whichever comes second
 * finds nothing left to do, and a missed notification is still picked up by the job.
 *
 * At most `concurrency` events are applied at once; the rest wait in arrival order. Each event
 * holds a pool connection for its record lock and needs another for its queries, so an unbounded
 * burst could take every connection of the pool and wait for one forever. Past `maxQueued`
 * waiting events a notification is dropped: its job applies it.
 */

const log = childLogger({ part: 'webhook-listener' });

export interface ListenOptions {
  /** Events applied at once by this process (default 8). */
  concurrency?: number;
  /** Notifications kept waiting beyond that (default 1,000). */
  maxQueued?: number;
}

export async function listenForWebhooks(databaseUrl: string, opts: ListenOptions = {}): Promise<{ stop(): Promise<void> }> {
  const concurrency = opts.concurrency ?? 8;
  const maxQueued = opts.maxQueued ?? 1_000;
  let client: pg.Client | undefined;
  let stopped = false;
  const flushes = new Set<Promise<void>>();
  let dropped = 0;
  const runner = new BoundedRunner<{ companyId: string; id: bigint }>(concurrency, maxQueued, ({ companyId, id }) =>
    processWebhookEvent(companyId, id, {
      // The outbox is sent apart: a slot waiting for the events budget would hold up contact writes.
      backgroundFlush: (flush) => {
        flushes.add(flush);
        void flush.finally(() => flushes.delete(flush));
      },
    }).catch((err: unknown) => log.warn({ err, companyId, webhookEventId: String(id) }, 'immediate processing failed; the queued job will retry')),
  );

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
      if (runner.offer({ companyId, id: BigInt(id) })) {
        if (runner.size.waiting === 0) dropped = 0;
        return;
      }
      // Logged once per burst: the jobs apply what is dropped, a little later.
      if (!stopped && dropped++ === 0) log.warn({ maxQueued, concurrency }, 'webhook notifications arrive faster than they are applied; the queued jobs take the rest');
    });
    await c.connect();
    await c.query(`LISTEN ${WEBHOOK_CHANNEL}`);
    client = c;
  };
  await connect();
  return {
    stop: async () => {
      stopped = true;
      // What has not started is left to the jobs.
      await runner.stop();
      await Promise.allSettled([...flushes]);
      await client?.end().catch(() => undefined);
    },
  };
}
