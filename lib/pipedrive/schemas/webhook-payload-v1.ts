import { z } from 'zod';

/**
 * Legacy webhook v1 bodies (https://pipedrive.readme.io/docs/guide-for-webhooks): `current` and
 * `previous` hold full v1 objects; merges arrive as merged.<obj> plus deleted.<obj>.
 */
export const webhookMetaV1Schema = z
  .object({
    v: z.literal(1),
    action: z.enum(['added', 'updated', 'merged', 'deleted']),
    object: z.string(),
    change_source: z.string().nullish(),
    id: z.number().int(),
    company_id: z.number().int(),
    user_id: z.number().int(),
    host: z.string().nullish(),
    timestamp: z.number().int(),
    timestamp_micro: z.number().int().nullish(),
    permitted_user_ids: z.array(z.number().int()).nullish(),
    trans_pending: z.boolean().nullish(),
    is_bulk_update: z.boolean().nullish(),
    webhook_id: z.union([z.number().int(), z.string()]).nullish(),
  })
  .loose();

export const webhookV1PayloadSchema = z
  .object({
    v: z.literal(1),
    event: z.string().regex(/^(added|updated|merged|deleted)\.\w+$/),
    meta: webhookMetaV1Schema,
    retry: z.number().int().min(0).max(3),
    current: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]).nullable(),
    previous: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]).nullable(),
    matches_filters: z.object({ current: z.array(z.unknown()), previous: z.array(z.unknown()) }).loose().nullish(),
  })
  .loose();
export type WebhookV1Payload = z.infer<typeof webhookV1PayloadSchema>;

/** The uninstall DELETE body sent to the app's callback URL (value types not documented). */
export const uninstallBodySchema = z.object({
  client_id: z.string(),
  company_id: z.coerce.number().int(),
  user_id: z.coerce.number().int(),
  timestamp: z.union([z.string(), z.number()]).nullish(),
});
export type UninstallBody = z.infer<typeof uninstallBodySchema>;
