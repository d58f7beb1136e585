import type { ChangeEvent, SandboxCompany } from './company';
import { activityV1, dealV1, leadV1, organizationV1, personV1, pipelineV1, stageV1, userV1 } from './format';
import type { ActivityRec, DealRec, LeadRec, OrganizationRec, PersonRec, PipelineRec, StageRec, UserRec, WebhookRec } from './model';

/** v1 names the actions added/updated/merged/deleted; a merge's survivor gets `merged`. */
export function v1Action(e: ChangeEvent): 'added' | 'updated' | 'merged' | 'deleted' {
  if (e.action === 'create') return 'added';
  if (e.action === 'delete') return 'deleted';
  return e.mergedFromId ? 'merged' : 'updated';
}

function v1Object(e: ChangeEvent, rec: object, c: SandboxCompany): Record<string, unknown> {
  switch (e.entity) {
    case 'person':
      return personV1(rec as PersonRec, c);
    case 'organization':
      return organizationV1(rec as OrganizationRec, c);
    case 'deal':
      return dealV1(rec as DealRec, c);
    case 'activity':
      return activityV1(rec as ActivityRec, c);
    case 'lead':
      return leadV1(rec as LeadRec, c);
    case 'pipeline':
      return pipelineV1(rec as PipelineRec);
    case 'stage':
      return stageV1(rec as StageRec);
    case 'user':
      return userV1(rec as UserRec, c, false);
  }
}

/**
 * Legacy webhook v1 body (https://pipedrive.readme.io/docs/guide-for-webhooks): full objects in
 * `current` and `previous`, numeric ids, unix timestamps, `retry` counting from 0.
 */
export function webhookV1Body(e: ChangeEvent, w: WebhookRec, c: SandboxCompany): (attempt: number) => Record<string, unknown> {
  const action = v1Action(e);
  const current = e.after ? v1Object(e, e.after, c) : null;
  const previous = e.before ? v1Object(e, e.before, c) : null;
  const id = e.entity === 'lead' ? e.entityId : Number(e.entityId);
  return (attempt) => ({
    v: 1,
    matches_filters: { current: [], previous: [] },
    meta: {
      v: 1,
      action,
      object: e.entity,
      change_source: e.ctx.source,
      id,
      company_id: c.id,
      user_id: e.ctx.userId,
      host: `${c.domain}.pipedrive.com`,
      timestamp: Math.floor(e.timestamp / 1000),
      timestamp_micro: e.timestamp * 1000,
      permitted_user_ids: [...c.users.values()].map((u) => u.id),
      trans_pending: false,
      is_bulk_update: false,
      pipedrive_service_name: false,
      matches_filters: { current: [], previous: [] },
      webhook_id: String(w.id),
    },
    retry: attempt - 1,
    current,
    previous,
    event: `${action}.${e.entity}`,
  });
}
