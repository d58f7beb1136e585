import { z } from 'zod';

/**
 * A lead from API v1 (no v2 list exists). Ids are UUIDs; `organization_id` (not org_id);
 * deal custom fields sit at the root under their hash keys and are collected into
 * `custom_fields` by the transform.
 */
const leadBaseSchema = z.object({
  id: z.string(),
  title: z.string(),
  owner_id: z.number().int().nullish(),
  creator_id: z.number().int().nullish(),
  label_ids: z.array(z.string()).nullish().transform((v) => v ?? []),
  person_id: z.number().int().nullish(),
  organization_id: z.number().int().nullish(),
  source_name: z.string().nullish(),
  is_archived: z.boolean().default(false),
  was_seen: z.boolean().nullish(),
  value: z.object({ amount: z.number(), currency: z.string() }).nullish(),
  expected_close_date: z.string().nullish(),
  add_time: z.string(),
  update_time: z.string().nullish(),
  visible_to: z.string().nullish(),
});

const CUSTOM_KEY = /^[0-9a-f]{40}/;

export const leadSchema = leadBaseSchema.catchall(z.unknown()).transform((l) => {
  const custom_fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(l)) if (CUSTOM_KEY.test(k)) custom_fields[k] = v;
  const known = Object.fromEntries(Object.keys(leadBaseSchema.shape).map((k) => [k, l[k]])) as z.output<typeof leadBaseSchema>;
  return { ...known, custom_fields };
});
export type Lead = z.infer<typeof leadSchema>;

export const leadLabelSchema = z.object({ id: z.string(), name: z.string(), color: z.string().nullish() });
export type LeadLabel = z.infer<typeof leadLabelSchema>;
