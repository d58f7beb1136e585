import { prisma } from '../db/prisma';
import { eventsCutoff, loadCompanyContext, type CompanyContext } from './company-context';
import { loadSyncConfig } from './config-store';

/**
 * The company context for webhook jobs. A busy company sends several webhooks a second, and a
 * full context costs three or four Pipedrive metadata requests (fields, pipelines, stages) and
 * one Brevo request: per event, that would spend the company's Pipedrive burst budget on
 * metadata and add their latency to every event. So the metadata and the vendor clients are
 * kept for a short while, per process; what must be current is read on every event: whether
 * the company is still installed and active, its configuration (an admin's change applies to
 * the next event, and a changed configuration reloads the metadata too), and the Brevo key.
 */
const METADATA_TTL_MS = 60_000;

interface Entry {
  loadedAt: number;
  brevoStamp: string;
  configJson: string;
  ctx: CompanyContext;
}

const cache = new Map<string, Promise<Entry>>();

export async function webhookCompanyContext(companyId: string, now: () => number = Date.now): Promise<CompanyContext> {
  const db = prisma();
  const company = await db.company.findUnique({
    where: { id: companyId },
    select: { status: true, pausedReason: true, brevoConnection: { select: { updatedAt: true } }, syncSettings: { select: { eventsSince: true } } },
  });
  if (!company || company.status === 'paused' || !company.brevoConnection) {
    cache.delete(companyId);
    // The full load reports the precise reason (uninstalled, paused, Brevo not connected).
    return loadCompanyContext(companyId, { provisionAttributes: false });
  }
  const brevoStamp = company.brevoConnection.updatedAt.toISOString();
  const config = await loadSyncConfig(db, companyId);
  const configJson = JSON.stringify(config);
  const cached = cache.get(companyId);
  const usable = cached ? await cached.then((e) => now() - e.loadedAt < METADATA_TTL_MS && e.brevoStamp === brevoStamp && e.configJson === configJson, () => false) : false;
  let entry = cached;
  if (!usable || !entry) {
    const loading = loadCompanyContext(companyId, { provisionAttributes: false }).then((ctx) => ({ loadedAt: now(), brevoStamp, configJson: JSON.stringify(ctx.config), ctx }));
    entry = loading;
    cache.set(companyId, loading);
    // A failed load is not remembered: the next event tries again.
    loading.catch(() => {
      if (cache.get(companyId) === loading) cache.delete(companyId);
    });
  }
  const { ctx } = await entry;
  return { ...ctx, config, eventsSince: eventsCutoff(company.syncSettings?.eventsSince) };
}

/** Forgets what is kept for the company (tests, and a caller that knows the metadata changed). */
export function forgetWebhookCompanyContext(companyId: string): void {
  cache.delete(companyId);
}
