import { z } from 'zod';
import { contactValueSchema, customFieldsSchema } from './common';

export const marketingStatusSchema = z.enum(['no_consent', 'unsubscribed', 'subscribed', 'archived']);
export type MarketingStatus = z.infer<typeof marketingStatusSchema>;

/** A person as API v2 returns it (GET /api/v2/persons). */
export const personSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  owner_id: z.number().int().nullish(),
  org_id: z.number().int().nullish(),
  add_time: z.string(),
  update_time: z.string().nullish(),
  emails: z.array(contactValueSchema).nullish().transform((v) => v ?? []),
  phones: z.array(contactValueSchema).nullish().transform((v) => v ?? []),
  is_deleted: z.boolean().default(false),
  visible_to: z.number().int().nullish(),
  label_ids: z.array(z.number().int()).nullish().transform((v) => v ?? []),
  picture_id: z.number().int().nullish(),
  custom_fields: customFieldsSchema.nullish().transform((v) => v ?? {}),
  /** Only with include_fields=marketing_status on companies with Campaigns. */
  marketing_status: marketingStatusSchema.nullish(),
});
export type Person = z.infer<typeof personSchema>;

const contactInputSchema = z.object({ value: z.string().min(1), primary: z.boolean().optional(), label: z.string().optional() });

/** The body of PATCH /api/v2/persons/{id} (strict: v2 coerces nothing). */
export const personUpdateSchema = z
  .object({
    name: z.string().min(1),
    first_name: z.string(),
    last_name: z.string(),
    owner_id: z.number().int(),
    org_id: z.number().int().nullable(),
    emails: z.array(contactInputSchema),
    phones: z.array(contactInputSchema),
    visible_to: z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(7)]),
    label_ids: z.array(z.number().int()),
    custom_fields: customFieldsSchema,
    marketing_status: marketingStatusSchema,
  })
  .partial()
  .strict();
export type PersonUpdate = z.infer<typeof personUpdateSchema>;

/** POST /api/v2/persons: name, or first_name and last_name, is required. */
export const personCreateSchema = personUpdateSchema.refine((p) => Boolean(p.name ?? (p.first_name && p.last_name)), 'name or first_name and last_name are required');
export type PersonCreate = z.infer<typeof personCreateSchema>;
