import { z } from 'zod';

/**
 * Where a mapped value comes from. The configuration file writes sources as short strings
 * (`first_name`, `org_id.name`, `won_deals_count`, `custom_fields.<key>`); inside the app they
 * are a tagged union so that every consumer handles every kind.
 */

export const standardPersonFields = [
  'id',
  'name',
  'first_name',
  'last_name',
  'email',
  'other_emails',
  'phone',
  'job_title',
  'birthday',
  'owner_id',
  'org_id',
  'add_time',
  'update_time',
] as const;
export type StandardPersonField = (typeof standardPersonFields)[number];

/** Fields of the person's organization that can be copied onto the contact (`org_id.<field>`). */
export const personOrganizationFields = ['name', 'address', 'website'] as const;
export type PersonOrganizationField = (typeof personOrganizationFields)[number];

export const computedPersonFields = [
  'won_deals_count',
  'lost_deals_count',
  'open_deals_count',
  'closed_deals_count',
  'total_revenue',
] as const;
export type ComputedPersonField = (typeof computedPersonFields)[number];

export const standardOrganizationFields = [
  'id',
  'name',
  'address',
  'website',
  'industry',
  'employee_count',
  'annual_revenue',
  'owner_id',
  'add_time',
  'update_time',
] as const;
export type StandardOrganizationField = (typeof standardOrganizationFields)[number];

/**
 * Custom field keys are the company's 40-character hashes in practice, but the connector spec's
 * own sample uses readable keys (`custom_fields.lead_source`), so any identifier-like key is
 * accepted and resolved against the field definitions at sync time.
 */
export const customFieldKeySchema = z.string().regex(/^[A-Za-z0-9_]{1,64}$/);

export const personSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('standard'), field: z.enum(standardPersonFields) }),
  z.object({ kind: z.literal('organization'), field: z.enum(personOrganizationFields) }),
  z.object({ kind: z.literal('computed'), field: z.enum(computedPersonFields) }),
  z.object({ kind: z.literal('custom'), key: customFieldKeySchema }),
]);
export type PersonSource = z.infer<typeof personSourceSchema>;

export const organizationSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('standard'), field: z.enum(standardOrganizationFields) }),
  z.object({ kind: z.literal('custom'), key: customFieldKeySchema }),
]);
export type OrganizationSource = z.infer<typeof organizationSourceSchema>;

const customPrefix = 'custom_fields.';
const orgPrefix = 'org_id.';

function includes<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

/** Reads `first_name`, `org_id.name`, `won_deals_count` or `custom_fields.<key>`; null if unknown. */
export function parsePersonSource(text: string): PersonSource | null {
  if (text.startsWith(customPrefix)) {
    const key = text.slice(customPrefix.length);
    return customFieldKeySchema.safeParse(key).success ? { kind: 'custom', key } : null;
  }
  if (text.startsWith(orgPrefix)) {
    const field = text.slice(orgPrefix.length);
    return includes(personOrganizationFields, field) ? { kind: 'organization', field } : null;
  }
  if (includes(computedPersonFields, text)) return { kind: 'computed', field: text };
  if (includes(standardPersonFields, text)) return { kind: 'standard', field: text };
  return null;
}

export function formatPersonSource(source: PersonSource): string {
  switch (source.kind) {
    case 'custom':
      return `${customPrefix}${source.key}`;
    case 'organization':
      return `${orgPrefix}${source.field}`;
    case 'computed':
    case 'standard':
      return source.field;
  }
}

export function parseOrganizationSource(text: string): OrganizationSource | null {
  if (text.startsWith(customPrefix)) {
    const key = text.slice(customPrefix.length);
    return customFieldKeySchema.safeParse(key).success ? { kind: 'custom', key } : null;
  }
  return includes(standardOrganizationFields, text) ? { kind: 'standard', field: text } : null;
}

export function formatOrganizationSource(source: OrganizationSource): string {
  return source.kind === 'custom' ? `${customPrefix}${source.key}` : source.field;
}

/** Every source string a person mapping accepts, for error messages that suggest a fix. */
export function knownPersonSourceNames(): string[] {
  return [
    ...standardPersonFields,
    ...personOrganizationFields.map((field) => `${orgPrefix}${field}`),
    ...computedPersonFields,
    `${customPrefix}<field key>`,
  ];
}

export function knownOrganizationSourceNames(): string[] {
  return [...standardOrganizationFields, `${customPrefix}<field key>`];
}
