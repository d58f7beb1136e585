import type { SandboxCompany } from './company';
import { isoV2, isoV2OrNull } from './format';
import type { ActivityRec, CustomFieldValues, DealRec, EntityKind, FieldDefRec, LeadRec, OrganizationRec, PersonRec, PipelineRec, StageRec, UserRec } from './model';

/**
 * Webhook v2 `data` is not the API v2 shape: `visible_to` is a string, persons and organizations
 * carry `label` rather than `label_ids`, and custom fields are typed objects
 * (https://pipedrive.readme.io/docs/webhooks-v2-migration-guide). Unset custom fields are null.
 */
export function typedCustomFields(values: CustomFieldValues, defs: FieldDefRec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    const v = values[def.key];
    if (v === undefined || v === null) {
      out[def.key] = null;
      continue;
    }
    switch (def.field_type) {
      case 'monetary': {
        const m = v as { value: number; currency: string };
        out[def.key] = { type: 'monetary', value: m.value, currency: m.currency };
        break;
      }
      case 'enum':
        out[def.key] = { type: 'enum', id: v as number };
        break;
      case 'set':
        out[def.key] = { type: 'set', values: (v as number[]).map((id) => ({ id })) };
        break;
      case 'user':
      case 'org':
        out[def.key] = { type: def.field_type, id: v as number };
        break;
      default:
        out[def.key] = { type: def.field_type, value: v };
    }
  }
  return out;
}

function personData(p: PersonRec, c: SandboxCompany): Record<string, unknown> {
  return {
    add_time: isoV2(p.add_time),
    custom_fields: typedCustomFields(p.custom_fields, c.fields.person),
    emails: p.emails.map((e) => ({ ...e })),
    first_name: p.first_name,
    id: p.id,
    label: p.label_ids[0] ?? null,
    last_name: p.last_name,
    name: p.name,
    org_id: p.org_id,
    owner_id: p.owner_id,
    phones: p.phones.map((e) => ({ ...e })),
    update_time: isoV2(p.update_time),
    visible_to: String(p.visible_to),
  };
}

function organizationData(o: OrganizationRec, c: SandboxCompany): Record<string, unknown> {
  return {
    add_time: isoV2(o.add_time),
    address: o.address === null ? null : { value: o.address },
    custom_fields: typedCustomFields(o.custom_fields, c.fields.organization),
    id: o.id,
    label: o.label_ids[0] ?? null,
    name: o.name,
    owner_id: o.owner_id,
    update_time: isoV2(o.update_time),
    visible_to: String(o.visible_to),
  };
}

function dealData(d: DealRec, c: SandboxCompany): Record<string, unknown> {
  return {
    add_time: isoV2(d.add_time),
    archive_time: null,
    close_time: isoV2OrNull(d.close_time),
    currency: d.currency,
    custom_fields: typedCustomFields(d.custom_fields, c.fields.deal),
    expected_close_date: d.expected_close_date,
    first_won_time: isoV2OrNull(d.won_time),
    id: d.id,
    is_archived: d.is_archived,
    label_ids: [...d.label_ids],
    lost_reason: d.lost_reason,
    lost_time: isoV2OrNull(d.lost_time),
    org_id: d.org_id,
    owner_id: d.owner_id,
    person_id: d.person_id,
    pipeline_id: d.pipeline_id,
    probability: d.probability,
    stage_change_time: isoV2OrNull(d.stage_change_time),
    stage_id: d.stage_id,
    status: d.status,
    title: d.title,
    update_time: isoV2(d.update_time),
    value: d.value,
    visible_to: String(d.visible_to),
    won_time: isoV2OrNull(d.won_time),
  };
}

function activityData(a: ActivityRec): Record<string, unknown> {
  return {
    active_flag: !a.is_deleted,
    add_time: isoV2(a.add_time),
    busy_flag: a.busy,
    deal_id: a.deal_id,
    done: a.done,
    due_date: a.due_date,
    due_time: a.due_time,
    duration: a.duration,
    id: a.id,
    lead_id: a.lead_id,
    note: a.note,
    org_id: a.org_id,
    owner_id: a.owner_id,
    person_id: a.person_id,
    subject: a.subject,
    type: a.type,
    update_time: isoV2(a.update_time),
    user_id: a.owner_id,
  };
}

function leadData(l: LeadRec, c: SandboxCompany): Record<string, unknown> {
  return {
    add_time: isoV2(l.add_time),
    channel: null,
    channel_id: null,
    creator_id: l.creator_id,
    custom_fields: typedCustomFields(l.custom_fields, c.fields.deal),
    expected_close_date: l.expected_close_date,
    id: l.id,
    is_archived: l.is_archived,
    label_ids: [...l.label_ids],
    next_activity_id: null,
    organization_id: l.organization_id,
    origin: l.source_name === 'API' ? 'API' : 'ManuallyCreated',
    origin_id: null,
    owner_id: l.owner_id,
    person_id: l.person_id,
    source_name: l.source_name,
    title: l.title,
    update_time: isoV2(l.update_time),
    value: l.value ? { ...l.value } : null,
    was_seen: l.was_seen,
  };
}

function pipelineData(p: PipelineRec): Record<string, unknown> {
  return { active_flag: !p.is_deleted, add_time: isoV2(p.add_time), id: p.id, name: p.name, order_nr: p.order_nr, update_time: isoV2(p.update_time), url_title: p.name.toLowerCase().replace(/\W+/g, '-') };
}

function stageData(s: StageRec): Record<string, unknown> {
  return { active_flag: !s.is_deleted, add_time: isoV2(s.add_time), deal_probability: s.deal_probability, id: s.id, name: s.name, order_nr: s.order_nr, pipeline_id: s.pipeline_id, rotten_days: null, rotten_flag: false, update_time: isoV2(s.update_time) };
}

function userData(u: UserRec): Record<string, unknown> {
  return { active_flag: u.active_flag, email: u.email, id: u.id, is_admin: u.is_admin, name: u.name };
}

export function webhookData(kind: EntityKind, rec: object, c: SandboxCompany): Record<string, unknown> {
  switch (kind) {
    case 'person':
      return personData(rec as PersonRec, c);
    case 'organization':
      return organizationData(rec as OrganizationRec, c);
    case 'deal':
      return dealData(rec as DealRec, c);
    case 'activity':
      return activityData(rec as ActivityRec);
    case 'lead':
      return leadData(rec as LeadRec, c);
    case 'pipeline':
      return pipelineData(rec as PipelineRec);
    case 'stage':
      return stageData(rec as StageRec);
    case 'user':
      return userData(rec as UserRec);
  }
}

/**
 * `previous` of a v2 change event holds only what changed, with the old values; for
 * `custom_fields` only the changed keys are listed (e.g. {"custom_fields":{"<hash>":null}}).
 */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(before)) {
    // Server-maintained timestamps are not reported: a stage move gives {"stage_id": <old>} only.
    if (key === 'update_time' || key === 'stage_change_time') continue;
    const b = before[key];
    const a = after[key];
    if (key === 'custom_fields' && b && a && typeof b === 'object' && typeof a === 'object') {
      const sub: Record<string, unknown> = {};
      const bo = b as Record<string, unknown>;
      const ao = a as Record<string, unknown>;
      for (const k of Object.keys(bo)) if (JSON.stringify(bo[k]) !== JSON.stringify(ao[k])) sub[k] = bo[k];
      if (Object.keys(sub).length > 0) out[key] = sub;
      continue;
    }
    if (JSON.stringify(b) !== JSON.stringify(a)) out[key] = b;
  }
  return out;
}
