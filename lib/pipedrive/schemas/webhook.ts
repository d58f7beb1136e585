import { z } from 'zod';

/** A webhook subscription (GET/POST /v1/webhooks). */
export const webhookSubscriptionSchema = z.object({
  id: z.number().int(),
  company_id: z.number().int().nullish(),
  owner_id: z.number().int().nullish(),
  user_id: z.number().int().nullish(),
  event_action: z.string(),
  event_object: z.string(),
  subscription_url: z.string(),
  version: z.string(),
  is_active: z.union([z.boolean(), z.number()]).nullish(),
  type: z.string().nullish(),
  name: z.string().nullish(),
  http_auth_user: z.string().nullish(),
  last_delivery_time: z.string().nullish(),
  last_http_status: z.number().int().nullish(),
});
export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

export const webhookActionV2Schema = z.enum(['create', 'change', 'delete', '*']);
export const webhookObjectSchema = z.enum(['activity', 'deal', 'lead', 'note', 'organization', 'person', 'pipeline', 'product', 'stage', 'user', '*']);

/** POST /v1/webhooks body; version 2.0 is Pipedrive's default since 2025-03-17, sent explicitly. */
export const webhookCreateSchema = z
  .object({
    subscription_url: z.url(),
    event_action: webhookActionV2Schema,
    event_object: webhookObjectSchema,
    name: z.string().min(1).max(255),
    user_id: z.number().int().optional(),
    http_auth_user: z.string().optional(),
    http_auth_password: z.string().optional(),
    version: z.literal('2.0').default('2.0'),
  })
  .strict();
export type WebhookCreate = z.input<typeof webhookCreateSchema>;
