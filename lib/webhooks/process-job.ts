import { processWebhookEvent } from '../engine/process-webhook-event';
import { defineJob } from '../jobs/define-job';
import { webhookProcessQueue } from './process-queue';

/** Applies one stored Pipedrive delivery to Brevo (lib/engine/process-webhook-event.ts). */
export const processWebhookJob = defineJob({
  ...webhookProcessQueue,
  handler: async ({ companyId, webhookEventId }) => {
    await processWebhookEvent(companyId, BigInt(webhookEventId));
  },
});
