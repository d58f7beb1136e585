import { z } from 'zod';
import { NoWorkingInstallationError } from '../auth/tokens';
import { prisma } from '../db/prisma';
import { AppError } from '../errors';
import { defineJob, PermanentJobError } from '../jobs/define-job';
import { ensureWebhooks } from './ensure-webhooks';

/** Registers or repairs one company's webhooks; Pipedrive hiccups retry with backoff. */
export const ensureWebhooksJob = defineJob({
  name: 'webhooks.ensure',
  schema: z.object({ companyId: z.uuid() }),
  retry: { limit: 6, delaySeconds: 30 },
  handler: async ({ companyId }) => {
    try {
      await ensureWebhooks(companyId);
    } catch (err) {
      // Retrying cannot fix these before a person acts; tomorrow's check tries again.
      if (err instanceof NoWorkingInstallationError) throw new PermanentJobError(`company ${companyId}: ${err.message}`);
      if (err instanceof AppError) throw new PermanentJobError(`company ${companyId}: ${err.message}`);
      throw err;
    }
  },
});

/**
 * Daily: Pipedrive deletes a webhook after 3 days without a successful delivery, and bans lose
 * events, so every active company's webhooks are checked and recreated once a day.
 */
export const ensureAllWebhooksJob = defineJob({
  name: 'webhooks.ensure-all',
  schema: z.object({}),
  retry: { limit: 3, delaySeconds: 300 },
  handler: async () => {
    // Companies that sync (Brevo connected) or already have webhooks to keep alive; a company
    // that installed but never connected Brevo gets its webhooks when it connects.
    const companies = await prisma().company.findMany({
      where: {
        status: 'active',
        installations: { some: { status: 'active', isAdmin: true } },
        OR: [{ brevoConnection: { isNot: null } }, { webhookRegs: { some: {} } }],
      },
      select: { id: true },
    });
    // Loaded here, not at the top: lib/jobs/runtime imports the registry, which imports this file.
    const { jobSender } = await import('../jobs/runtime');
    const queue = await jobSender();
    for (const { id } of companies) {
      // One check per company per hour, however often this runs.
      await queue.enqueue(ensureWebhooksJob, { companyId: id }, { singletonKey: id, singletonSeconds: 3600 });
    }
  },
});
