import type { SandboxCompany } from './company';
import type {
  ActivityRec,
  ActivityTypeRec,
  CustomFieldValues,
  DealRec,
  FieldDefRec,
  FieldEntity,
  LeadLabelRec,
  LeadRec,
  OrganizationRec,
  PersonRec,
  PipelineRec,
  StageRec,
  UserRec,
  WebhookRec,
} from './model';

/** v2 timestamps are RFC 3339 without fractions, e.g. 2024-01-01T00:00:00Z. */
export function isoV2(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isoV2OrNull(ms: number | null): string | null {
  return ms === null ? null : isoV2(ms);
}

/** v1 timestamps are `YYYY-MM-DD HH:MM:SS` in UTC. */
export function timeV1(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function timeV1OrNull(ms: number | null): string | null {
  return ms === null ? null : timeV1(ms);
}

/** Applies the v2 `custom_fields` query parameter (a key whitelist) when given. */
function pickCustom(values: CustomFieldValues, only?: Set<string>): CustomFieldValues {
  if (!only) return { ...values };
  const out: CustomFieldValues = {};
  for (const k of only) if (k in values) out[k] = values[k];
  return out;
}

export interface V2RenderOptions {
  customFields?: Set<string>;
  includeFields?: Set<string>;
}

export function personV2(p: PersonRec, o: V2RenderOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    name: p.name,
    first_name: p.first_name,
    last_name: p.last_name,
    owner_id: p.owner_id,
    org_id: p.org_id,
    add_time: isoV2(p.add_time),
    update_time: isoV2(p.update_time),
    emails: p.emails.map((e) => ({ ...e })),
    phones: p.phones.map((e) => ({ ...e })),
    is_deleted: p.is_deleted,
    visible_to: p.visible_to,
    label_ids: [...p.label_ids],
    picture_id: null,
    custom_fields: pickCustom(p.custom_fields, o.customFields),
  };
  if (o.includeFields?.has('marketing_status')) out.marketing_status = p.marketing_status;
  return out;
}

export function organizationV2(org: OrganizationRec, o: V2RenderOptions = {}): Record<string, unknown> {
  return {
    id: org.id,
    name: org.name,
    owner_id: org.owner_id,
    add_time: isoV2(org.add_time),
    update_time: isoV2(org.update_time),
    is_deleted: org.is_deleted,
    visible_to: org.visible_to,
    address: org.address === null ? null : { value: org.address },
    label_ids: [...org.label_ids],
    custom_fields: pickCustom(org.custom_fields, o.customFields),
  };
}

export function dealV2(d: DealRec, o: V2RenderOptions = {}): Record<string, unknown> {
  return {
    id: d.id,
    title: d.title,
    owner_id: d.owner_id,
    person_id: d.person_id,
    org_id: d.org_id,
    pipeline_id: d.pipeline_id,
    stage_id: d.stage_id,
    value: d.value,
    currency: d.currency,
    add_time: isoV2(d.add_time),
    update_time: isoV2(d.update_time),
    stage_change_time: isoV2OrNull(d.stage_change_time),
    is_deleted: d.is_deleted,
    is_archived: d.is_archived,
    status: d.status,
    probability: d.probability,
    lost_reason: d.lost_reason,
    visible_to: d.visible_to,
    close_time: isoV2OrNull(d.close_time),
    won_time: isoV2OrNull(d.won_time),
    lost_time: isoV2OrNull(d.lost_time),
    expected_close_date: d.expected_close_date,
    label_ids: [...d.label_ids],
    origin: 'API',
    origin_id: null,
    channel: null,
    channel_id: null,
    arr: null,
    mrr: null,
    acv: null,
    custom_fields: pickCustom(d.custom_fields, o.customFields),
  };
}

export function activityV2(a: ActivityRec): Record<string, unknown> {
  return {
    id: a.id,
    subject: a.subject,
    type: a.type,
    owner_id: a.owner_id,
    creator_user_id: a.creator_user_id,
    is_deleted: a.is_deleted,
    add_time: isoV2(a.add_time),
    update_time: isoV2(a.update_time),
    deal_id: a.deal_id,
    lead_id: a.lead_id,
    person_id: a.person_id,
    org_id: a.org_id,
    project_id: null,
    due_date: a.due_date,
    due_time: a.due_time,
    duration: a.duration,
    busy: a.busy,
    done: a.done,
    marked_as_done_time: isoV2OrNull(a.marked_as_done_time),
    location: null,
    participants: a.person_id === null ? [] : [{ person_id: a.person_id, primary: true }],
    conference_meeting_client: null,
    conference_meeting_url: null,
    conference_meeting_id: null,
    public_description: a.public_description,
    priority: a.priority,
    note: a.note,
  };
}

export function pipelineV2(p: PipelineRec): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    order_nr: p.order_nr,
    is_selected: p.order_nr === 1,
    is_deleted: p.is_deleted,
    is_deal_probability_enabled: p.is_deal_probability_enabled,
    add_time: isoV2(p.add_time),
    update_time: isoV2(p.update_time),
  };
}

export function stageV2(s: StageRec): Record<string, unknown> {
  return {
    id: s.id,
    order_nr: s.order_nr,
    name: s.name,
    is_deleted: s.is_deleted,
    deal_probability: s.deal_probability,
    pipeline_id: s.pipeline_id,
    is_deal_rot_enabled: false,
    days_to_rotten: null,
    add_time: isoV2(s.add_time),
    update_time: isoV2(s.update_time),
  };
}

/** v2 field definition, as described for /api/v2/*Fields (newer than the October 2025 spec). */
export function fieldV2(f: FieldDefRec): Record<string, unknown> {
  return {
    field_name: f.name,
    field_code: f.key,
    field_type: f.field_type,
    is_custom_field: true,
    is_optional_response_field: false,
    options: f.options ? f.options.map((x) => ({ id: x.id, label: x.label, color: null, add_time: isoV2(f.add_time), update_time: isoV2(f.update_time) })) : null,
    subfields: f.field_type === 'monetary' ? [{ field_code: `${f.key}_currency`, field_name: 'Currency', field_type: 'varchar' }] : null,
  };
}

/** Built-in (non-custom) fields listed before the custom ones in field definitions. */
export const BUILTIN_FIELDS: Record<FieldEntity, { key: string; name: string; type: string }[]> = {
  person: [
    { key: 'name', name: 'Name', type: 'varchar' },
    { key: 'email', name: 'Email', type: 'varchar' },
    { key: 'phone', name: 'Phone', type: 'phone' },
    { key: 'org_id', name: 'Organization', type: 'org' },
    { key: 'owner_id', name: 'Owner', type: 'user' },
  ],
  organization: [
    { key: 'name', name: 'Name', type: 'varchar' },
    { key: 'address', name: 'Address', type: 'address' },
    { key: 'owner_id', name: 'Owner', type: 'user' },
  ],
  deal: [
    { key: 'title', name: 'Title', type: 'varchar' },
    { key: 'value', name: 'Value', type: 'monetary' },
    { key: 'stage_id', name: 'Stage', type: 'stage' },
    { key: 'pipeline_id', name: 'Pipeline', type: 'double' },
    { key: 'status', name: 'Status', type: 'status' },
  ],
};

export function builtinFieldV2(b: { key: string; name: string; type: string }): Record<string, unknown> {
  return { field_name: b.name, field_code: b.key, field_type: b.type, is_custom_field: false, is_optional_response_field: false, options: null, subfields: null };
}

export function fieldV1(f: FieldDefRec | { key: string; name: string; type: string }, id: number, orderNr: number, now: number): Record<string, unknown> {
  const custom = 'field_type' in f;
  return {
    id,
    key: f.key,
    name: f.name,
    order_nr: orderNr,
    field_type: custom ? f.field_type : f.type,
    add_time: timeV1(custom ? f.add_time : now),
    update_time: timeV1(custom ? f.update_time : now),
    last_updated_by_user_id: 1,
    created_by_user_id: 1,
    active_flag: true,
    edit_flag: custom,
    index_visible_flag: true,
    details_visible_flag: true,
    add_visible_flag: true,
    important_flag: false,
    bulk_edit_allowed: true,
    searchable_flag: custom,
    filtering_allowed: true,
    sortable_flag: true,
    mandatory_flag: false,
    options: custom && f.options ? f.options.map((x) => ({ ...x })) : null,
  };
}

/** v1 puts custom fields at the root; composite values get suffixed keys. */
export function customFieldsV1(values: CustomFieldValues, defs: FieldDefRec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    const v = values[def.key];
    if (v === undefined) continue;
    if (v === null) {
      out[def.key] = null;
      continue;
    }
    switch (def.field_type) {
      case 'monetary': {
        const m = v as { value: number; currency: string };
        out[def.key] = m.value;
        out[`${def.key}_currency`] = m.currency;
        break;
      }
      case 'enum':
        out[def.key] = typeof v === "number" ? String(v) : JSON.stringify(v);
        break;
      case 'set':
        out[def.key] = (v as number[]).join(',');
        break;
      default:
        out[def.key] = v;
    }
  }
  return out;
}

export function leadV1(l: LeadRec, company: SandboxCompany): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: l.id,
    title: l.title,
    owner_id: l.owner_id,
    creator_id: l.creator_id,
    label_ids: [...l.label_ids],
    person_id: l.person_id,
    organization_id: l.organization_id,
    source_name: l.source_name,
    origin: l.source_name === 'API' ? 'API' : 'ManuallyCreated',
    origin_id: null,
    channel: null,
    channel_id: null,
    is_archived: l.is_archived,
    was_seen: l.was_seen,
    value: l.value ? { ...l.value } : null,
    expected_close_date: l.expected_close_date,
    next_activity_id: null,
    add_time: new Date(l.add_time).toISOString(),
    update_time: new Date(l.update_time).toISOString(),
    visible_to: '3',
    cc_email: `${company.domain}+lead${l.id.slice(0, 8)}@pipedrivemail.com`,
  };
  // Leads inherit deal custom fields; unset ones are left out of v1 lead responses.
  for (const [k, v] of Object.entries(customFieldsV1(l.custom_fields, company.fields.deal))) if (v !== null) out[k] = v;
  return out;
}

export function leadLabelV1(l: LeadLabelRec): Record<string, unknown> {
  return { id: l.id, name: l.name, color: l.color, add_time: new Date(l.add_time).toISOString(), update_time: new Date(l.update_time).toISOString() };
}

export function activityTypeV1(t: ActivityTypeRec): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    icon_key: t.icon_key,
    color: null,
    order_nr: t.order_nr,
    key_string: t.key_string,
    active_flag: true,
    is_custom_flag: false,
    add_time: timeV1(t.add_time),
    update_time: timeV1(t.update_time),
  };
}

export function userV1(u: UserRec, company: SandboxCompany, isYou: boolean): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    default_currency: company.defaultCurrency,
    locale: 'en_US',
    lang: 1,
    email: u.email,
    phone: null,
    activated: true,
    last_login: timeV1(u.update_time),
    created: timeV1(u.add_time),
    modified: timeV1(u.update_time),
    has_created_company: u.is_admin,
    access: [{ app: 'sales', admin: u.is_admin, permission_set_id: u.is_admin ? 'admin-set' : 'regular-set' }],
    active_flag: u.active_flag,
    timezone_name: 'Europe/Berlin',
    timezone_offset: '+01:00',
    role_id: 1,
    icon_url: null,
    is_you: isYou,
    is_deleted: false,
  };
}

export function meV1(u: UserRec, company: SandboxCompany): Record<string, unknown> {
  return {
    ...userV1(u, company, true),
    company_id: company.id,
    company_name: company.name,
    company_domain: company.domain,
    company_country: 'DE',
    company_industry: 'software',
    language: { language_code: 'en', country_code: 'US' },
  };
}

export function webhookV1(w: WebhookRec): Record<string, unknown> {
  return {
    id: w.id,
    company_id: w.company_id,
    owner_id: w.owner_id,
    user_id: w.user_id,
    event_action: w.event_action,
    event_object: w.event_object,
    subscription_url: w.subscription_url,
    version: w.version,
    // The spec types is_active as 0 | 1.
    is_active: 1,
    add_time: timeV1(w.add_time),
    remove_time: null,
    type: w.type,
    http_auth_user: w.http_auth_user,
    http_auth_password: w.http_auth_password,
    remove_reason: null,
    last_delivery_time: timeV1OrNull(w.last_delivery_time),
    last_http_status: w.last_http_status,
    admin_id: w.owner_id,
    name: w.name,
  };
}

/** The v1 person object (merge response, recents). */
export function personV1(p: PersonRec, company: SandboxCompany): Record<string, unknown> {
  const owner = company.users.get(p.owner_id);
  const org = p.org_id === null ? undefined : company.organizations.get(p.org_id);
  return {
    id: p.id,
    company_id: company.id,
    active_flag: !p.is_deleted,
    phone: p.phones.map((e) => ({ ...e })),
    email: p.emails.map((e) => ({ ...e })),
    first_char: p.name.slice(0, 1).toLowerCase(),
    add_time: timeV1(p.add_time),
    update_time: timeV1(p.update_time),
    visible_to: String(p.visible_to),
    picture_id: null,
    label: p.label_ids[0] ?? null,
    label_ids: [...p.label_ids],
    org_name: org?.name ?? null,
    owner_name: owner?.name ?? '',
    cc_email: `${company.domain}@pipedrivemail.com`,
    owner_id: p.owner_id,
    org_id: p.org_id,
    name: p.name,
    first_name: p.first_name,
    last_name: p.last_name,
    ...customFieldsV1(p.custom_fields, company.fields.person),
  };
}

/** v1 deal (as /v1/recents returns it): custom fields at the root, v1 times, string visible_to. */
export function dealV1(d: DealRec, company: SandboxCompany): Record<string, unknown> {
  const person = d.person_id === null ? undefined : company.persons.get(d.person_id);
  const org = d.org_id === null ? undefined : company.organizations.get(d.org_id);
  return {
    id: d.id,
    creator_user_id: d.owner_id,
    user_id: d.owner_id,
    person_id: d.person_id,
    org_id: d.org_id,
    stage_id: d.stage_id,
    title: d.title,
    value: d.value,
    currency: d.currency,
    add_time: timeV1(d.add_time),
    update_time: timeV1(d.update_time),
    stage_change_time: timeV1OrNull(d.stage_change_time),
    active: d.status === 'open' && !d.is_deleted,
    deleted: d.is_deleted,
    is_archived: d.is_archived,
    status: d.is_deleted ? 'deleted' : d.status,
    probability: d.probability,
    lost_reason: d.lost_reason,
    visible_to: String(d.visible_to),
    close_time: timeV1OrNull(d.close_time),
    pipeline_id: d.pipeline_id,
    won_time: timeV1OrNull(d.won_time),
    lost_time: timeV1OrNull(d.lost_time),
    expected_close_date: d.expected_close_date,
    person_name: person?.name ?? null,
    org_name: org?.name ?? null,
    owner_name: company.users.get(d.owner_id)?.name ?? '',
    cc_email: `${company.domain}+deal${d.id}@pipedrivemail.com`,
    ...customFieldsV1(d.custom_fields, company.fields.deal),
  };
}

export function organizationV1(o: OrganizationRec, company: SandboxCompany): Record<string, unknown> {
  return {
    id: o.id,
    company_id: company.id,
    name: o.name,
    active_flag: !o.is_deleted,
    first_char: o.name.slice(0, 1).toLowerCase(),
    add_time: timeV1(o.add_time),
    update_time: timeV1(o.update_time),
    visible_to: String(o.visible_to),
    label: o.label_ids[0] ?? null,
    label_ids: [...o.label_ids],
    owner_name: company.users.get(o.owner_id)?.name ?? '',
    cc_email: `${company.domain}@pipedrivemail.com`,
    address: o.address,
    ...customFieldsV1(o.custom_fields, company.fields.organization),
  };
}

export function activityV1(a: ActivityRec, company: SandboxCompany): Record<string, unknown> {
  return {
    id: a.id,
    company_id: company.id,
    user_id: a.owner_id,
    created_by_user_id: a.creator_user_id,
    done: a.done,
    type: a.type,
    subject: a.subject,
    due_date: a.due_date,
    due_time: a.due_time,
    duration: a.duration,
    busy_flag: a.busy,
    add_time: timeV1(a.add_time),
    update_time: timeV1(a.update_time),
    marked_as_done_time: timeV1OrNull(a.marked_as_done_time),
    active_flag: !a.is_deleted,
    deal_id: a.deal_id,
    lead_id: a.lead_id,
    person_id: a.person_id,
    org_id: a.org_id,
    note: a.note,
    public_description: a.public_description,
  };
}

export function pipelineV1(p: PipelineRec): Record<string, unknown> {
  return { id: p.id, name: p.name, url_title: p.name.toLowerCase().replace(/\W+/g, '-'), order_nr: p.order_nr, active: !p.is_deleted, deal_probability: p.is_deal_probability_enabled, add_time: timeV1(p.add_time), update_time: timeV1(p.update_time) };
}

export function stageV1(s: StageRec): Record<string, unknown> {
  return { id: s.id, order_nr: s.order_nr, name: s.name, active_flag: !s.is_deleted, deal_probability: s.deal_probability, pipeline_id: s.pipeline_id, rotten_flag: false, rotten_days: null, add_time: timeV1(s.add_time), update_time: timeV1(s.update_time) };
}
