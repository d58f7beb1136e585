import { z } from 'zod';
import { customFieldsSchema } from './common';

/** A deal as API v2 returns it. */
export const dealSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  owner_id: z.number().int().nullish(),
  person_id: z.number().int().nullish(),
  org_id: z.number().int().nullish(),
  pipeline_id: z.number().int(),
  stage_id: z.number().int(),
  value: z.number().nullish(),
  currency: z.string().nullish(),
  add_time: z.string(),
  update_time: z.string().nullish(),
  stage_change_time: z.string().nullish(),
  is_deleted: z.boolean().default(false),
  is_archived: z.boolean().default(false),
  status: z.enum(['open', 'won', 'lost', 'deleted']),
  probability: z.number().nullish(),
  lost_reason: z.string().nullish(),
  visible_to: z.number().int().nullish(),
  close_time: z.string().nullish(),
  won_time: z.string().nullish(),
  lost_time: z.string().nullish(),
  expected_close_date: z.string().nullish(),
  label_ids: z.array(z.number().int()).nullish().transform((v) => v ?? []),
  custom_fields: customFieldsSchema.nullish().transform((v) => v ?? {}),
});
export type Deal = z.infer<typeof dealSchema>;
