import { z } from 'zod';

/**
 * The records the planner consumes: Pipedrive API v2 shapes reduced to what the sync reads.
 * The I/O layer parses vendor responses with these schemas before calling the planner, so
 * everything downstream can trust the shapes. Unknown keys are stripped on purpose: the
 * planner must not start depending on fields nobody validated.
 */

const id = z.number().int();
/** Pipedrive timestamps arrive as RFC 3339 strings (`2021-01-01T00:00:00Z`). */
const timestamp = z.string();

/** One item of a person's `emails` / `phones` arrays (`{value, primary, label}` in v2). */
export const contactPointSchema = z.object({
  value: z.string(),
  primary: z.boolean().default(false),
  label: z.string().nullish(),
});
export type ContactPoint = z.infer<typeof contactPointSchema>;

/**
 * Custom field values keyed by the company's 40-character field hash. Values keep their
 * vendor shape (number, string, array, object): convertCustomFieldValue interprets them with
 * the field definition, because the shape alone does not say whether `123` is a number or an
 * option id.
 */
// Checked as a plain object rather than with z.record: JSON keys are always strings and the values
// are unknown anyway, and the record schema's per-key checks were 40 % of parsing a person.
const customFields = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'Expected an object of custom field values' })
  .optional()
  .transform((v) => v ?? {});

export const pipedrivePersonSchema = z.object({
  id,
  name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  emails: z.array(contactPointSchema).default([]),
  phones: z.array(contactPointSchema).default([]),
  org_id: id.nullish(),
  owner_id: id.nullish(),
  job_title: z.string().nullish(),
  birthday: z.string().nullish(),
  add_time: timestamp.nullish(),
  update_time: timestamp.nullish(),
  is_deleted: z.boolean().default(false),
  custom_fields: customFields,
});
export type PipedrivePerson = z.infer<typeof pipedrivePersonSchema>;

export const addressSchema = z.object({
  value: z.string().nullish(),
  formatted_address: z.string().nullish(),
  country: z.string().nullish(),
  locality: z.string().nullish(),
  postal_code: z.string().nullish(),
});
export type PipedriveAddress = z.infer<typeof addressSchema>;

export const pipedriveOrganizationSchema = z.object({
  id,
  name: z.string(),
  owner_id: id.nullish(),
  address: addressSchema.nullish(),
  // Built-in since 2026 "when the relevant features are enabled"; absent otherwise.
  website: z.string().nullish(),
  industry: z.union([z.string(), z.number()]).nullish(),
  employee_count: z.number().nullish(),
  annual_revenue: z.number().nullish(),
  add_time: timestamp.nullish(),
  update_time: timestamp.nullish(),
  is_deleted: z.boolean().default(false),
  custom_fields: customFields,
});
export type PipedriveOrganization = z.infer<typeof pipedriveOrganizationSchema>;

export const dealStatusSchema = z.enum(['open', 'won', 'lost']);
export type DealStatus = z.infer<typeof dealStatusSchema>;

export const pipedriveDealSchema = z.object({
  id,
  title: z.string(),
  person_id: id.nullish(),
  org_id: id.nullish(),
  pipeline_id: id,
  stage_id: id,
  status: dealStatusSchema,
  // A deal without an amount is worth 0, not unknown: Pipedrive shows it as 0 too.
  value: z
    .number()
    .nullish()
    .transform((value) => value ?? 0),
  /** Null when Pipedrive omits it; revenue then treats the deal as being in the default currency. */
  currency: z.string().nullish(),
  add_time: timestamp.nullish(),
  update_time: timestamp.nullish(),
  /** When the deal last entered its current stage (read by the history replay). */
  stage_change_time: timestamp.nullish(),
  won_time: timestamp.nullish(),
  lost_time: timestamp.nullish(),
  close_time: timestamp.nullish(),
  is_deleted: z.boolean().default(false),
  custom_fields: customFields,
});
export type PipedriveDeal = z.infer<typeof pipedriveDealSchema>;

export const pipedriveActivitySchema = z.object({
  id,
  type: z.string(),
  subject: z.string().nullish(),
  done: z.boolean().default(false),
  person_id: id.nullish(),
  deal_id: id.nullish(),
  org_id: id.nullish(),
  lead_id: z.string().nullish(),
  due_date: z.string().nullish(),
  due_time: z.string().nullish(),
  duration: z.string().nullish(),
  add_time: timestamp.nullish(),
  marked_as_done_time: timestamp.nullish(),
  is_deleted: z.boolean().default(false),
});
export type PipedriveActivity = z.infer<typeof pipedriveActivitySchema>;

/** Leads only exist on API v1: the id is a UUID and the organization is `organization_id`. */
export const pipedriveLeadSchema = z.object({
  id: z.string(),
  title: z.string().nullish(),
  person_id: id.nullish(),
  organization_id: id.nullish(),
  is_archived: z.boolean().default(false),
  add_time: timestamp.nullish(),
});
export type PipedriveLead = z.infer<typeof pipedriveLeadSchema>;

/**
 * Field types Pipedrive reports for person, organization and deal fields (v1 and v2 enums
 * merged). Types the converter does not know are accepted as strings and rendered as text.
 */
export const knownFieldTypes = [
  'varchar',
  'varchar_auto',
  'varchar_options',
  'text',
  'double',
  'int',
  'monetary',
  'enum',
  'set',
  'user',
  'org',
  'people',
  'phone',
  'time',
  'timerange',
  'date',
  'daterange',
  'address',
  'boolean',
] as const;

/**
 * A field definition, normalized from either v2 (`field_code`, `field_name`) or v1 (`key`,
 * `name`); n8n reads both the same way.
 */
export const fieldDefinitionSchema = z.object({
  field_key: z.string(),
  field_name: z.string(),
  field_type: z.string(),
  options: z
    .array(z.object({ id: z.union([z.number(), z.string()]), label: z.string() }))
    .nullish()
    .transform((options) => options ?? []),
});
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>;

export const pipedrivePipelineSchema = z.object({
  id,
  name: z.string(),
  order_nr: z.number().default(0),
});
export type PipedrivePipeline = z.infer<typeof pipedrivePipelineSchema>;

export const pipedriveStageSchema = z.object({
  id,
  name: z.string(),
  pipeline_id: id,
  order_nr: z.number().default(0),
});
export type PipedriveStage = z.infer<typeof pipedriveStageSchema>;

// ---------------------------------------------------------------------------------------------
// What the planner produces: Brevo operations, never executed here.

/**
 * Values Brevo accepts for contact attributes (number, string, boolean, string[] for
 * multiple-choice). `null` means "clear this attribute": the writer decides how (Brevo has no
 * documented null, so it sends an empty value for the attribute's type).
 */
export type AttributeValue = string | number | boolean | string[] | null;
export type Attributes = Record<string, AttributeValue>;

export type SyncEntity = 'person' | 'organization' | 'deal' | 'activity' | 'lead';

export interface SyncWarning {
  code:
    | 'phone_invalid'
    | 'phone_duplicate'
    | 'custom_field_unknown'
    | 'custom_field_option_unknown'
    | 'custom_field_value_invalid'
    | 'reference_unresolved'
    | 'currency_not_converted'
    | 'event_property_truncated'
    | 'email_invalid'
    | 'organization_missing';
  message: string;
  entity?: SyncEntity;
  entityId?: number | string;
  /** The mapping source or custom field key the warning is about. */
  field?: string;
}

export type SkipReason =
  | 'no_email'
  | 'deleted'
  | 'sync_disabled'
  | 'no_person'
  | 'no_identifier'
  | 'no_transition'
  | 'rule_missing'
  | 'not_linked'
  | 'duplicate_email';

export interface SkipOperation {
  kind: 'skip';
  entity: SyncEntity;
  entityId: number | string;
  reason: SkipReason;
  /** A sentence for people: what was skipped and what would make it sync. */
  detail: string;
  warnings: SyncWarning[];
}

export interface ContactUpsert {
  kind: 'contact.upsert';
  personId: number;
  email: string;
  /** `pd_person_<id>`: lets the writer find the contact again with `identifierType=ext_id`. */
  extId: string;
  attributes: Attributes;
  /** Every list the app wants the contact in after this write (recorded for the next plan). */
  lists: number[];
  /** Lists to add now (`listIds`): the lists the contact newly qualifies for. */
  listIds: number[];
  /** Lists to leave now (`unlinkListIds`): only lists the app itself put the contact in. */
  unlinkListIds: number[];
  /**
   * The contact is blocklisted in Brevo: the plan never adds lists and never sends
   * `emailBlacklisted:false`, so a sync can never resubscribe someone who opted out.
   */
  blocklisted: boolean;
  /** contactHash of this operation: equal hashes mean nothing needs writing. */
  hash: string;
  warnings: SyncWarning[];
}

export interface CompanyUpsert {
  kind: 'company.upsert';
  orgId: number;
  name: string;
  /** Brevo company attributes use lower-case internal names (`name`, `domain`, `industry`). */
  attributes: Record<string, string | number | boolean | null>;
  hash: string;
  warnings: SyncWarning[];
}

/** Properties of a Brevo event: nested objects and arrays are allowed, 50 KB in total. */
export type EventPropertyValue =
  | string
  | number
  | boolean
  | null
  | EventPropertyValue[]
  | { [key: string]: EventPropertyValue };

export interface BrevoEventIdentifiers {
  email_id?: string;
  ext_id?: string;
}

/** The body of `POST /v3/events`. */
export interface BrevoEvent {
  event_name: string;
  event_date: string;
  identifiers: BrevoEventIdentifiers;
  event_properties: Record<string, EventPropertyValue>;
}

export interface EventSend {
  kind: 'event.send';
  event: BrevoEvent;
  warnings: SyncWarning[];
}

export interface WarningOperation {
  kind: 'warning';
  warning: SyncWarning;
}

/** Delete the Brevo contact (`DELETE /contacts/{ext_id}?identifierType=ext_id`). */
export interface ContactDelete {
  kind: 'contact.delete';
  personId: number;
  extId: string;
}

/**
 * Keep the Brevo contact but take it out of the lists the app manages: the person is gone from
 * Pipedrive, so no deal or lead qualifies them any more, but their marketing history stays.
 */
export interface ContactDetach {
  kind: 'contact.detach';
  personId: number;
  extId: string;
  unlinkListIds: number[];
}

/**
 * A merged-away person: point the app's link at the surviving person instead of deleting the
 * contact, because the survivor's next sync writes the merged data to Brevo.
 */
export interface ContactRelink {
  kind: 'contact.relink';
  fromPersonId: number;
  toPersonId: number;
  fromExtId: string;
  toExtId: string;
}

export type BrevoOperation =
  | ContactUpsert
  | ContactDelete
  | ContactDetach
  | ContactRelink
  | CompanyUpsert
  | EventSend
  | SkipOperation
  | WarningOperation;
