import { pipedriveActivitySchema, pipedriveDealSchema, pipedriveLeadSchema, pipedriveOrganizationSchema, type PipedriveActivity, type PipedriveDeal, type PipedriveLead, type PipedriveOrganization } from '../sync';
import type { EntityState } from './link-store';

/**
 * Vendor records reduced to what the sync reads, as stored in record_links.state. Custom fields
 * of deals are dropped: contacts are planned from a deal's stage, status and value only.
 */
const time = (t: string | null | undefined) => (t ? new Date(t) : null);

export function dealStateOf(raw: unknown): { deal: PipedriveDeal; row: EntityState } | null {
  const r = pipedriveDealSchema.safeParse(raw);
  if (!r.success) return null;
  const deal = { ...r.data, custom_fields: {} };
  return { deal, row: { pipedriveId: String(deal.id), relatedPersonId: deal.person_id ?? null, relatedOrgId: deal.org_id ?? null, state: deal, sourceUpdatedAt: time(deal.update_time) } };
}

export function leadStateOf(raw: unknown): { lead: PipedriveLead; row: EntityState } | null {
  const r = pipedriveLeadSchema.safeParse(raw);
  if (!r.success) return null;
  const lead = r.data;
  const updated = (raw as { update_time?: string | null }).update_time ?? lead.add_time;
  return { lead, row: { pipedriveId: lead.id, relatedPersonId: lead.person_id ?? null, relatedOrgId: lead.organization_id ?? null, state: lead, sourceUpdatedAt: time(updated) } };
}

export function organizationStateOf(raw: unknown): { org: PipedriveOrganization; row: EntityState } | null {
  const r = pipedriveOrganizationSchema.safeParse(raw);
  if (!r.success) return null;
  const org = r.data;
  return { org, row: { pipedriveId: String(org.id), relatedPersonId: null, relatedOrgId: org.id, state: org, sourceUpdatedAt: time(org.update_time) } };
}

export function activityOf(raw: unknown): PipedriveActivity | null {
  const r = pipedriveActivitySchema.safeParse(raw);
  return r.success ? r.data : null;
}
