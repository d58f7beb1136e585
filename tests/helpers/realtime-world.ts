import type { NextRequest } from 'next/server';
import { vi } from 'vitest';
import type { SeedOptions } from '@/sandbox/pipedrive';
import { createEngineWorld, type EngineWorld } from './engine-world';
import { serveRoutes } from './route-server';

/**
 * An engine world running in real time: backfilled, webhooks registered with the Pipedrive
 * sandbox, deliveries served by the real ingest route, and (unless the test drives processing
 * itself) a pg-boss worker in this process working `webhook.process`.
 */
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface RealtimeWorld extends EngineWorld {
  hookUrl: string;
  /** Basic auth header the company's webhooks carry. */
  authorization: string;
  /** Webhook events stored but not yet applied, and Brevo events not yet sent. */
  backlog(): Promise<{ events: number; outbox: number; failed: number; error: string | null }>;
  /** Waits until every stored webhook event is applied and the outbox is empty. */
  settled(timeoutMs?: number): Promise<void>;
  startWorker(concurrency: number): Promise<void>;
  closeAll(): Promise<void>;
}

export async function createRealtimeWorld(seed: SeedOptions, opts: { domain?: string; deliver?: (route: Handler) => Handler; rateLimits?: 'off' | 'real' } = {}): Promise<RealtimeWorld> {
  const world = await createEngineWorld(seed, { domain: opts.domain, rateLimits: opts.rateLimits });
  const route = (await import('@/app/api/webhooks/pipedrive/[companyId]/route')) as unknown as { POST: Handler };
  const routes = await serveRoutes([{ path: '/api/webhooks/pipedrive/:companyId', module: { POST: opts.deliver ? opts.deliver(route.POST) : route.POST } }]);
  process.env.APP_URL = routes.url;
  (await import('@/lib/env')).resetEnvCache();

  const { loadCompanyContext } = await import('@/lib/engine/company-context');
  const { runBackfill } = await import('@/lib/engine/backfill');
  const { prisma } = await import('@/lib/db/prisma');
  const { pgPool } = await import('@/lib/db/pool');
  const run = await prisma().syncRun.create({ data: { companyId: world.companyId, kind: 'backfill' } });
  await runBackfill(await loadCompanyContext(world.companyId), run.id, { pageSize: 100, importThreshold: 1000 });

  const { ensureWebhooks } = await import('@/lib/webhooks/ensure-webhooks');
  await ensureWebhooks(world.companyId);
  const company = await prisma().company.findUniqueOrThrow({ where: { id: world.companyId } });
  const { decryptSecret } = await import('@/lib/crypto');
  const authorization = `Basic ${Buffer.from(`${company.webhookUsername!}:${decryptSecret(company.webhookPasswordEnc!)}`).toString('base64')}`;

  const { JobQueue } = await import('@/lib/jobs/queue');
  let queue: InstanceType<typeof JobQueue> | null = null;

  const backlog = async () => {
    const r = await pgPool().query<{ events: number; outbox: number; failed: number; error: string | null }>(
      `SELECT (SELECT count(*)::int FROM webhook_events WHERE company_id = $1 AND status = 'received') AS events,
              (SELECT count(*)::int FROM outbound_events WHERE company_id = $1 AND status = 'pending') AS outbox,
              (SELECT count(*)::int FROM webhook_events WHERE company_id = $1 AND status = 'failed') AS failed,
              (SELECT object || ' ' || action || ': ' || error FROM webhook_events WHERE company_id = $1 AND status = 'failed' LIMIT 1) AS error`,
      [world.companyId],
    );
    return r.rows[0]!;
  };

  return {
    ...world,
    hookUrl: `${routes.url}/api/webhooks/pipedrive/${world.companyId}`,
    authorization,
    backlog,
    settled: async (timeoutMs = 30_000) => {
      await vi.waitFor(
        async () => {
          const b = await backlog();
          if (b.events + b.outbox + b.failed > 0) throw new Error(`still ${b.events} events to apply, ${b.failed} failed (${b.error ?? ''}), ${b.outbox} Brevo events to send`);
        },
        { timeout: timeoutMs, interval: 50 },
      );
    },
    startWorker: async (concurrency) => {
      queue = await new JobQueue(world.db.url).start();
      const { processWebhookJob } = await import('@/lib/webhooks/process-job');
      await queue.work(processWebhookJob, { concurrency, pollingIntervalSeconds: 0.5 });
    },
    closeAll: async () => {
      await queue?.stop(5_000);
      const { jobSender } = await import('@/lib/jobs/runtime');
      await (await jobSender()).stop(5_000);
      await routes.close();
      await world.close();
    },
  };
}
