import { z } from 'zod';
import type { JobDefinition } from '../jobs/define-job';

/** Job payload: the event row to apply. The id travels as a string because JSON has no bigint. */
export const webhookProcessPayloadSchema = z.object({
  companyId: z.uuid(),
  webhookEventId: z.string().regex(/^[1-9][0-9]*$/, 'must be a webhook_events id'),
});
export type WebhookProcessPayload = z.infer<typeof webhookProcessPayloadSchema>;

/**
 * The `webhook.process` queue without its handler. The ingest route needs the queue (its name
 * and retry policy, to create it) but must not pull the whole processing engine into the web
 * bundle; the workers add the handler in process-job.ts.
 */
export const webhookProcessQueue = {
  name: 'webhook.process',
  schema: webhookProcessPayloadSchema,
  // Brevo or Pipedrive hiccups: retry for about an hour (10 s doubling, 8 times), then dead-letter.
  retry: { limit: 8, delaySeconds: 10 },
  expireInSeconds: 5 * 60,
} satisfies Omit<JobDefinition<typeof webhookProcessPayloadSchema>, 'handler'>;
