import { NoWorkingInstallationError } from '../auth/tokens';
import { prisma } from '../db/prisma';
import { pipedriveForCompany } from '../engine/pipedrive-access';
import { PipedriveError } from '../pipedrive';
import { withCompanyLock } from './company-lock';
import { deleteWebhookIfPresent } from './ensure-webhooks';
import { isOurSubscriptionUrl } from './webhook-url';

export interface RemoveWebhooksResult {
  removed: number[];
  /** True when Pipedrive could not be asked (no working installation): its app webhooks go with the uninstall. */
  pipedriveUnreachable: boolean;
}

/**
 * Disconnect: deletes the company's webhooks in Pipedrive (everything on its URL, including
 * duplicates and ones on an old APP_URL) and forgets the registrations. Call it before revoking
 * the grant; once the app is uninstalled Pipedrive deletes app webhooks itself, which is why a
 * company without a working installation only has its rows cleared.
 */
export async function removeWebhooks(companyId: string): Promise<RemoveWebhooksResult> {
  return withCompanyLock('webhooks', companyId, async () => {
    const removed: number[] = [];
    let pipedriveUnreachable = false;
    try {
      const client = await pipedriveForCompany(companyId);
      for (const w of await client.listWebhooks()) {
        if (!isOurSubscriptionUrl(w.subscription_url, companyId)) continue;
        await deleteWebhookIfPresent(client, w.id);
        removed.push(w.id);
      }
    } catch (err) {
      if (!(err instanceof NoWorkingInstallationError) && !(err instanceof PipedriveError && err.kind === 'auth')) throw err;
      pipedriveUnreachable = true;
    }
    await prisma().webhookRegistration.deleteMany({ where: { companyId } });
    return { removed, pipedriveUnreachable };
  });
}
