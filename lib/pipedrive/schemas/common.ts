import { z } from 'zod';

/** An email, phone or IM entry: `{value, primary, label}` in API v2 and in webhooks. */
export const contactValueSchema = z.object({
  value: z.string(),
  primary: z.boolean().default(false),
  label: z.string().nullish(),
});
export type ContactValue = z.infer<typeof contactValueSchema>;

/**
 * Custom fields keyed by 40-character hashes that differ per company; values vary by field type.
 * Checked as a plain object rather than key by key (z.record): JSON keys are strings anyway, the
 * values stay unknown, and the per-key checks were 40 % of parsing a person in a backfill.
 */
export const customFieldsSchema = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'Expected an object of custom field values',
});

/** Every Pipedrive response carries `success`; a 200 may still say `success: false`. */
export const errorBodySchema = z
  .object({
    success: z.literal(false),
    error: z.string().nullish(),
    error_info: z.string().nullish(),
    errorCode: z.number().nullish(),
    code: z.string().nullish(),
    errors: z.record(z.string(), z.array(z.string())).nullish(),
  })
  .loose();

export function v2ListSchema<T extends z.ZodType>(item: T) {
  return z.object({
    success: z.literal(true),
    data: z.array(item).nullable().transform((d) => d ?? []),
    additional_data: z.object({ next_cursor: z.string().nullish() }).nullish(),
  });
}

export function v2ItemSchema<T extends z.ZodType>(item: T) {
  return z.object({ success: z.literal(true), data: item });
}

/**
 * v1 offset pagination. The pagination block sits under `additional_data.pagination` on most
 * endpoints but directly in `additional_data` on leads and field lists (see the OpenAPI v1 spec),
 * so both are accepted and normalised.
 */
const v1PaginationSchema = z.object({
  start: z.number().int().optional(),
  limit: z.number().int().optional(),
  more_items_in_collection: z.boolean().optional(),
  next_start: z.number().int().optional(),
});

export function v1ListSchema<T extends z.ZodType>(item: T) {
  return z
    .object({
      success: z.literal(true),
      data: z.array(item).nullable().transform((d) => d ?? []),
      additional_data: v1PaginationSchema.extend({ pagination: v1PaginationSchema.optional() }).loose().nullish(),
    })
    .transform((r) => {
      const p = r.additional_data?.pagination ?? r.additional_data ?? {};
      return { data: r.data, more: p.more_items_in_collection === true, nextStart: p.next_start, additional: r.additional_data ?? {} };
    });
}

export function v1ItemSchema<T extends z.ZodType>(item: T) {
  return z.object({ success: z.literal(true), data: item });
}

export const deletedIdSchema = z.object({ id: z.union([z.number().int(), z.string()]) });
