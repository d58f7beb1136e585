import { z } from 'zod';

/**
 * A field definition from the v2 Fields API (/api/v2/personFields etc., December 2025; not in the
 * October 2025 spec, shape from the reference notes). `field_code` is the 40-character hash used
 * as key in `custom_fields` for custom fields.
 */
export const fieldSchema = z.object({
  field_name: z.string(),
  field_code: z.string(),
  field_type: z.string(),
  is_custom_field: z.boolean(),
  is_optional_response_field: z.boolean().nullish(),
  options: z
    .array(z.object({ id: z.union([z.number().int(), z.string()]), label: z.string(), color: z.string().nullish() }).loose())
    .nullish(),
  subfields: z.array(z.object({ field_code: z.string(), field_name: z.string(), field_type: z.string() }).loose()).nullish(),
});
export type FieldDefinition = z.infer<typeof fieldSchema>;
export type FieldEntity = 'person' | 'organization' | 'deal';
