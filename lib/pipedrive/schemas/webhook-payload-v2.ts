import { z } from 'zod';
import { contactValueSchema } from './common';

/**
 * Webhook v2 bodies, written from https://pipedrive.readme.io/docs/guide-for-webhooks-v2 and the
 * v2 migration guide (no OpenAPI schema exists). `data` is not the API v2 shape: visible_to is a
 * string, custom fields are typed objects, ids in `meta` are strings.
 */
export const WEBHOOK_V2_META_KEYS = [
  'action', 'entity', 'company_id', 'correlation_id', 'entity_id', 'id', 'is_bulk_edit', 'timestamp', 'type', 'user_id', 'version',
  'webhook_id', 'webhook_owner_id', 'change_source', 'attempt', 'host', 'permitted_user_ids', 'merged_to_id', 'merged_from_id',
] as const;

export const webhookMetaV2Schema = z.object({
  action: z.enum(['create', 'change', 'delete']),
  entity: z.string(),
  company_id: z.string(),
  correlation_id: z.string().nullish(),
  entity_id: z.string(),
  id: z.string(),
  is_bulk_edit: z.boolean().nullish(),
  /** ISO 8601 in most examples, unix seconds in user examples: both are accepted. */
  timestamp: z.union([z.string(), z.number()]),
  type: z.string().nullish(),
  user_id: z.string().nullish(),
  version: z.literal('2.0'),
  webhook_id: z.string(),
  webhook_owner_id: z.string().nullish(),
  change_source: z.string().nullish(),
  attempt: z.number().int().min(1).nullish(),
  host: z.string().nullish(),
  permitted_user_ids: z.array(z.string()).nullish(),
  merged_to_id: z.string().nullish(),
  merged_from_id: z.string().nullish(),
});
export type WebhookMetaV2 = z.infer<typeof webhookMetaV2Schema>;

const KNOWN_CUSTOM_TYPES = ['varchar', 'varchar_auto', 'text', 'double', 'monetary', 'people', 'org', 'user', 'phone', 'date', 'daterange', 'time', 'timerange', 'address', 'enum', 'set'];

const knownCustomValueSchema = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['varchar', 'varchar_auto', 'text', 'phone', 'date']), value: z.string() }),
  z.object({ type: z.literal('double'), value: z.number() }),
  z.object({ type: z.literal('monetary'), value: z.number(), currency: z.string() }),
  z.object({ type: z.enum(['people', 'org', 'user']), id: z.number().int() }),
  z.object({ type: z.literal('daterange'), from: z.string(), until: z.string() }),
  z.object({ type: z.literal('time'), value: z.string(), timezone_id: z.number().int().nullish() }),
  z.object({ type: z.literal('timerange'), from: z.string(), until: z.string(), timezone_id: z.number().int().nullish() }),
  z.object({ type: z.literal('address'), value: z.string() }).loose(),
  z.object({ type: z.literal('enum'), id: z.number().int() }),
  z.object({ type: z.literal('set'), values: z.array(z.object({ id: z.number().int() })) }),
]);

/** A typed custom-field value; unset fields are null. Unknown future types pass through. */
export const webhookCustomFieldValueSchema = z.union([
  z.null(),
  knownCustomValueSchema,
  z.object({ type: z.string().refine((t) => !KNOWN_CUSTOM_TYPES.includes(t)) }).loose(),
]);
export type WebhookCustomFieldValue = z.infer<typeof webhookCustomFieldValueSchema>;

const customFields = z.record(z.string(), webhookCustomFieldValueSchema);
const id = z.number().int();
const time = z.string().nullish();

export const webhookPersonDataSchema = z.object({
  id,
  name: z.string(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  org_id: id.nullish(),
  owner_id: id.nullish(),
  emails: z.array(contactValueSchema).nullish(),
  phones: z.array(contactValueSchema).nullish(),
  label: id.nullish(),
  label_ids: z.array(id).nullish(),
  visible_to: z.string().nullish(),
  add_time: time,
  update_time: time,
  custom_fields: customFields.nullish(),
});

export const webhookOrganizationDataSchema = z.object({
  id,
  name: z.string(),
  owner_id: id.nullish(),
  address: z.object({ value: z.string().nullish() }).loose().nullish(),
  label: id.nullish(),
  label_ids: z.array(id).nullish(),
  visible_to: z.string().nullish(),
  add_time: time,
  update_time: time,
  custom_fields: customFields.nullish(),
});

export const webhookDealDataSchema = z.object({
  id,
  title: z.string(),
  owner_id: id.nullish(),
  person_id: id.nullish(),
  org_id: id.nullish(),
  pipeline_id: id,
  stage_id: id,
  value: z.number().nullish(),
  currency: z.string().nullish(),
  status: z.enum(['open', 'won', 'lost', 'deleted']),
  probability: z.number().nullish(),
  lost_reason: z.string().nullish(),
  expected_close_date: z.string().nullish(),
  label_ids: z.array(id).nullish(),
  visible_to: z.string().nullish(),
  is_archived: z.boolean().nullish(),
  archive_time: time,
  add_time: time,
  update_time: time,
  stage_change_time: time,
  close_time: time,
  won_time: time,
  first_won_time: time,
  lost_time: time,
  custom_fields: customFields.nullish(),
});

export const webhookActivityDataSchema = z.object({
  id,
  subject: z.string(),
  type: z.string(),
  done: z.boolean(),
  owner_id: id.nullish(),
  user_id: id.nullish(),
  deal_id: id.nullish(),
  lead_id: z.string().nullish(),
  person_id: id.nullish(),
  org_id: id.nullish(),
  due_date: z.string().nullish(),
  due_time: z.string().nullish(),
  duration: z.string().nullish(),
  busy_flag: z.boolean().nullish(),
  active_flag: z.boolean().nullish(),
  note: z.string().nullish(),
  add_time: time,
  update_time: time,
});

export const webhookLeadDataSchema = z.object({
  id: z.string(),
  title: z.string(),
  person_id: id.nullish(),
  organization_id: id.nullish(),
  owner_id: id.nullish(),
  creator_id: id.nullish(),
  label_ids: z.array(z.string()).nullish(),
  value: z.object({ amount: z.number(), currency: z.string() }).nullish(),
  expected_close_date: z.string().nullish(),
  is_archived: z.boolean().nullish(),
  was_seen: z.boolean().nullish(),
  source_name: z.string().nullish(),
  origin: z.string().nullish(),
  origin_id: z.string().nullish(),
  channel: z.number().nullish(),
  channel_id: z.string().nullish(),
  next_activity_id: id.nullish(),
  add_time: time,
  update_time: time,
  custom_fields: customFields.nullish(),
});

export const webhookPipelineDataSchema = z.object({ id, name: z.string(), order_nr: z.number().int().nullish(), active_flag: z.boolean().nullish(), url_title: z.string().nullish(), add_time: time, update_time: time });
export const webhookStageDataSchema = z.object({ id, name: z.string(), order_nr: z.number().int().nullish(), pipeline_id: id, deal_probability: z.number().nullish(), active_flag: z.boolean().nullish(), rotten_flag: z.boolean().nullish(), rotten_days: z.number().int().nullish(), add_time: time, update_time: time });
export const webhookUserDataSchema = z.object({ id, name: z.string().nullish(), email: z.string().nullish(), active_flag: z.boolean().nullish(), is_admin: z.boolean().nullish() });

export const WEBHOOK_V2_DATA_SCHEMAS = {
  person: webhookPersonDataSchema,
  organization: webhookOrganizationDataSchema,
  deal: webhookDealDataSchema,
  activity: webhookActivityDataSchema,
  lead: webhookLeadDataSchema,
  pipeline: webhookPipelineDataSchema,
  stage: webhookStageDataSchema,
  user: webhookUserDataSchema,
} as const;
export type WebhookEntity = keyof typeof WEBHOOK_V2_DATA_SCHEMAS;

/** The envelope; `data` and `previous` are checked per entity by parseWebhookV2. */
export const webhookV2PayloadSchema = z.object({
  meta: webhookMetaV2Schema,
  data: z.record(z.string(), z.unknown()).nullable(),
  /** create: null; change: only the changed fields with old values; delete: the last state. */
  previous: z.record(z.string(), z.unknown()).nullable(),
});

type DataOf<E extends WebhookEntity> = z.infer<(typeof WEBHOOK_V2_DATA_SCHEMAS)[E]>;
export type WebhookV2Event = {
  [E in WebhookEntity]: { entity: E; meta: WebhookMetaV2; data: DataOf<E> | null; previous: Partial<DataOf<E>> | null };
}[WebhookEntity];

export type ParsedWebhookV2 = { ok: true; event: WebhookV2Event } | { ok: false; error: string };

/**
 * Validates a webhook v2 body and types `data`/`previous` by entity. Entities the app does not
 * model (note, product ...) are reported as errors so the ingest can acknowledge and skip them.
 */
export function parseWebhookV2(body: unknown): ParsedWebhookV2 {
  const env = webhookV2PayloadSchema.safeParse(body);
  if (!env.success) return { ok: false, error: z.prettifyError(env.error) };
  const entity = env.data.meta.entity;
  if (!(entity in WEBHOOK_V2_DATA_SCHEMAS)) return { ok: false, error: `unsupported entity ${entity}` };
  const schema = WEBHOOK_V2_DATA_SCHEMAS[entity as WebhookEntity];
  const data = env.data.data === null ? null : schema.safeParse(env.data.data);
  if (data && !data.success) return { ok: false, error: `data: ${z.prettifyError(data.error)}` };
  const prev = env.data.previous === null ? null : (schema.partial() as z.ZodType).safeParse(env.data.previous);
  if (prev && !prev.success) return { ok: false, error: `previous: ${z.prettifyError(prev.error)}` };
  return { ok: true, event: { entity, meta: env.data.meta, data: data?.data ?? null, previous: (prev?.data ?? null) as never } as WebhookV2Event };
}
