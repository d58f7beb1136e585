/**
 * In-memory records of the Pipedrive sandbox. Times are epoch milliseconds so that sorting and
 * `updated_since` comparisons stay cheap at 100k records; the API layers format them per version
 * (RFC 3339 for v2, `YYYY-MM-DD HH:MM:SS` for v1).
 */

export type Plan = 'lite' | 'growth' | 'premium' | 'ultimate';

export interface ContactValue {
  value: string;
  primary: boolean;
  label: string;
}

export type CustomFieldValues = Record<string, unknown>;

export interface UserRec {
  id: number;
  name: string;
  email: string;
  is_admin: boolean;
  active_flag: boolean;
  add_time: number;
  update_time: number;
}

export interface PersonRec {
  id: number;
  name: string;
  first_name: string | null;
  last_name: string | null;
  owner_id: number;
  org_id: number | null;
  add_time: number;
  update_time: number;
  emails: ContactValue[];
  phones: ContactValue[];
  is_deleted: boolean;
  visible_to: number;
  label_ids: number[];
  custom_fields: CustomFieldValues;
  marketing_status: 'no_consent' | 'unsubscribed' | 'subscribed' | 'archived';
}

export interface OrganizationRec {
  id: number;
  name: string;
  owner_id: number;
  add_time: number;
  update_time: number;
  is_deleted: boolean;
  visible_to: number;
  address: string | null;
  label_ids: number[];
  custom_fields: CustomFieldValues;
}

export interface DealRec {
  id: number;
  title: string;
  owner_id: number;
  person_id: number | null;
  org_id: number | null;
  pipeline_id: number;
  stage_id: number;
  value: number;
  currency: string;
  add_time: number;
  update_time: number;
  stage_change_time: number | null;
  is_deleted: boolean;
  is_archived: boolean;
  status: 'open' | 'won' | 'lost';
  probability: number | null;
  lost_reason: string | null;
  visible_to: number;
  close_time: number | null;
  won_time: number | null;
  lost_time: number | null;
  expected_close_date: string | null;
  label_ids: number[];
  custom_fields: CustomFieldValues;
}

export interface ActivityRec {
  id: number;
  subject: string;
  type: string;
  owner_id: number;
  creator_user_id: number;
  is_deleted: boolean;
  add_time: number;
  update_time: number;
  deal_id: number | null;
  lead_id: string | null;
  person_id: number | null;
  org_id: number | null;
  due_date: string | null;
  due_time: string | null;
  duration: string | null;
  busy: boolean;
  done: boolean;
  marked_as_done_time: number | null;
  public_description: string | null;
  priority: number | null;
  note: string | null;
}

export interface ActivityTypeRec {
  id: number;
  name: string;
  key_string: string;
  icon_key: string;
  order_nr: number;
  add_time: number;
  update_time: number;
}

export interface PipelineRec {
  id: number;
  name: string;
  order_nr: number;
  is_deleted: boolean;
  is_deal_probability_enabled: boolean;
  add_time: number;
  update_time: number;
}

export interface StageRec {
  id: number;
  name: string;
  order_nr: number;
  pipeline_id: number;
  deal_probability: number;
  is_deleted: boolean;
  add_time: number;
  update_time: number;
}

export interface LeadRec {
  id: string;
  title: string;
  owner_id: number;
  creator_id: number;
  label_ids: string[];
  person_id: number | null;
  organization_id: number | null;
  source_name: string;
  is_archived: boolean;
  was_seen: boolean;
  value: { amount: number; currency: string } | null;
  expected_close_date: string | null;
  add_time: number;
  update_time: number;
  custom_fields: CustomFieldValues;
  is_deleted: boolean;
}

export interface LeadLabelRec {
  id: string;
  name: string;
  color: 'blue' | 'brown' | 'dark-gray' | 'gray' | 'green' | 'orange' | 'pink' | 'purple' | 'red' | 'yellow';
  add_time: number;
  update_time: number;
}

/** Custom-field types the sandbox generates (a subset of Pipedrive's 16 user-creatable types). */
export type CustomFieldType = 'varchar' | 'text' | 'double' | 'monetary' | 'date' | 'enum' | 'set' | 'phone' | 'user' | 'org';

export type FieldEntity = 'person' | 'organization' | 'deal';

export interface FieldDefRec {
  id: number;
  /** 40-character hash, random per company. */
  key: string;
  name: string;
  field_type: CustomFieldType;
  options: { id: number; label: string }[] | null;
  order_nr: number;
  add_time: number;
  update_time: number;
}

export interface WebhookRec {
  id: number;
  company_id: number;
  owner_id: number;
  user_id: number;
  event_action: string;
  event_object: string;
  subscription_url: string;
  version: '1.0' | '2.0';
  name: string;
  http_auth_user: string | null;
  http_auth_password: string | null;
  type: 'general' | 'application';
  /** OAuth client that created it (app webhooks are removed on uninstall). */
  client_id: string | null;
  add_time: number;
  last_delivery_time: number | null;
  last_http_status: number | null;
  /** First-attempt failures since the last success or ban (10 bans the webhook). */
  failure_counter: number;
  banned_until: number | null;
  /** Start of the current run of failures; 3 days without a success deletes the webhook. */
  failing_since: number | null;
}

export type EntityKind = 'person' | 'organization' | 'deal' | 'activity' | 'lead' | 'pipeline' | 'stage' | 'user';

export type ChangeSource = 'api' | 'app';
