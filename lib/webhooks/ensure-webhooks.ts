import { AppError } from '../errors';
import { pipedriveForCompany } from '../engine/pipedrive-access';
import { prisma } from '../db/prisma';
import { childLogger } from '../log';
import { PipedriveError, type PipedriveClient, type WebhookSubscription } from '../pipedrive';
import { withCompanyLock } from './company-lock';
import { SYNCED_WEBHOOK_OBJECTS, type SyncedWebhookObject } from './parse-webhook-body';
import { ensureWebhookCredentials, forgetIngestIdentity } from './webhook-credentials';
import { assertSafeWebhookUrl, isOurSubscriptionUrl, webhookUrlFor } from './webhook-url';

const log = childLogger({ part: 'webhooks' });

/** Pipedrive allows 40 webhooks per user (https://pipedrive.readme.io/docs/guide-for-webhooks-v2). */
export const MAX_WEBHOOKS_PER_USER = 40;
export const WEBHOOK_ACTION = '*';

export interface EnsureWebhooksResult {
  url: string;
  /** Pipedrive webhook id per object after the run. */
  webhooks: Record<SyncedWebhookObject, number>;
  created: number[];
  removed: number[];
}

function isInactive(w: WebhookSubscription): boolean {
  return w.is_active === false || w.is_active === 0;
}

/** Deletes a webhook; one Pipedrive already removed is fine. */
export async function deleteWebhookIfPresent(client: PipedriveClient, id: number): Promise<void> {
  try {
    await client.deleteWebhook(id);
  } catch (err) {
    if (err instanceof PipedriveError && err.kind === 'not_found') return;
    throw err;
  }
}

/**
 * Makes sure the company has exactly one webhooks-v2 subscription per synced object (person,
 * organization, deal, activity, lead; every action) on its own URL with its own Basic
 * credentials. It lists first and keeps what matches (URL + object + action + version), removes
 * our duplicates and stale ones (old URL, old credentials, inactive, v1), and creates what is
 * missing, e.g. after Pipedrive deleted a webhook that failed for 3 days. Running it again
 * changes nothing. The result is mirrored in webhook_registrations.
 */
export async function ensureWebhooks(companyId: string): Promise<EnsureWebhooksResult> {
  return withCompanyLock('webhooks', companyId, async () => {
    const url = webhookUrlFor(companyId);
    assertSafeWebhookUrl(url);
    const creds = await ensureWebhookCredentials(companyId);
    const client = await pipedriveForCompany(companyId);
    const listed = await client.listWebhooks();

    const keep = new Map<SyncedWebhookObject, WebhookSubscription>();
    const stale: WebhookSubscription[] = [];
    for (const w of listed) {
      if (!isOurSubscriptionUrl(w.subscription_url, companyId)) continue;
      const object = SYNCED_WEBHOOK_OBJECTS.find((o) => o === w.event_object);
      // Pipedrive may not echo http_auth_user; only a different user means old credentials.
      const sameCredentials = w.http_auth_user === null || w.http_auth_user === undefined || w.http_auth_user === creds.username;
      const wanted = object && w.event_action === WEBHOOK_ACTION && w.version === '2.0' && w.subscription_url === url && sameCredentials && !isInactive(w) && !keep.has(object);
      if (wanted) keep.set(object, w);
      else stale.push(w);
    }

    const removed: number[] = [];
    // Stale and duplicate ones go first: they would deliver twice, and they take room under the limit.
    for (const w of stale) {
      await deleteWebhookIfPresent(client, w.id);
      removed.push(w.id);
    }

    const missing = SYNCED_WEBHOOK_OBJECTS.filter((o) => !keep.has(o));
    const remaining = listed.length - removed.length;
    if (remaining + missing.length > MAX_WEBHOOKS_PER_USER) {
      throw new AppError(
        'webhook_limit',
        `Pipedrive allows ${MAX_WEBHOOKS_PER_USER} webhooks per user and ${remaining} already exist, so the ${missing.length} Pipebridge needs (${missing.join(', ')}) cannot be added. Remove unused webhooks in Pipedrive (Tools and apps → Webhooks), then retry.`,
        409,
      );
    }

    const created: number[] = [];
    let failure: Error | undefined;
    for (const object of missing) {
      try {
        const w = await client.createWebhook({
          subscription_url: url,
          event_action: WEBHOOK_ACTION,
          event_object: object,
          name: `Pipebridge ${object}`,
          http_auth_user: creds.username,
          http_auth_password: creds.password,
          version: '2.0',
        });
        keep.set(object, w);
        created.push(w.id);
      } catch (err) {
        // The app only sees its own webhooks, but the limit counts every webhook of the user.
        failure =
          err instanceof PipedriveError && err.status === 422
            ? new AppError('webhook_limit', `Pipedrive refused a new webhook because the user's limit of ${MAX_WEBHOOKS_PER_USER} webhooks is reached (webhooks made in Pipedrive or by other apps count too). Remove unused webhooks in Pipedrive (Tools and apps → Webhooks), then retry.`, 409)
            : err instanceof Error
              ? err
              : new Error(String(err));
        break;
      }
    }

    // Mirrored even after a failure, so webhooks created before it are known (and reused next time).
    const kept = [...keep.entries()];
    const db = prisma();
    await db.$transaction([
      db.webhookRegistration.deleteMany({ where: { companyId, pipedriveWebhookId: { notIn: kept.map(([, w]) => w.id) } } }),
      ...kept.map(([object, w]) =>
        db.webhookRegistration.upsert({
          where: { companyId_pipedriveWebhookId: { companyId, pipedriveWebhookId: w.id } },
          create: { companyId, pipedriveWebhookId: w.id, eventAction: WEBHOOK_ACTION, eventObject: object, subscriptionUrl: url },
          update: { eventAction: WEBHOOK_ACTION, eventObject: object, subscriptionUrl: url },
        }),
      ),
    ]);
    // The ingest caches credentials for a minute; they may have just been generated.
    forgetIngestIdentity(companyId);
    if (failure) throw failure;
    if (created.length || removed.length) log.info({ companyId, created, removed }, 'webhooks repaired');
    return { url, webhooks: Object.fromEntries(kept.map(([o, w]) => [o, w.id])) as Record<SyncedWebhookObject, number>, created, removed };
  });
}
