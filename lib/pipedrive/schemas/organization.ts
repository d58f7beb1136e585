import { z } from 'zod';
import { customFieldsSchema } from './common';

export const addressSchema = z
  .object({
    value: z.string().nullish(),
    country: z.string().nullish(),
    locality: z.string().nullish(),
    postal_code: z.string().nullish(),
    route: z.string().nullish(),
    street_number: z.string().nullish(),
    formatted_address: z.string().nullish(),
  })
  .loose();

/** An organization as API v2 returns it. */
export const organizationSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  owner_id: z.number().int().nullish(),
  add_time: z.string(),
  update_time: z.string().nullish(),
  is_deleted: z.boolean().default(false),
  visible_to: z.number().int().nullish(),
  address: addressSchema.nullish(),
  label_ids: z.array(z.number().int()).nullish().transform((v) => v ?? []),
  custom_fields: customFieldsSchema.nullish().transform((v) => v ?? {}),
});
export type Organization = z.infer<typeof organizationSchema>;
