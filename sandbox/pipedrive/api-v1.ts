import { z } from 'zod';
import type { SandboxRequest } from '../shared/http';
import { fail, ok, parseOr400, type ApiContext, type ApiRoute } from './api-route';
import { SandboxError, type SandboxCompany } from './company';
import {
  activityTypeV1,
  activityV1,
  BUILTIN_FIELDS,
  dealV1,
  fieldV1,
  leadLabelV1,
  leadV1,
  meV1,
  organizationV1,
  personV1,
  pipelineV1,
  stageV1,
  timeV1,
  userV1,
  webhookV1,
} from './format';
import { queryObject } from './list-v2';
import type { FieldEntity, LeadRec, WebhookRec } from './model';

export const MAX_WEBHOOKS_PER_USER = 40;
const RECENTS_MAX_AGE_MS = 31 * 864e5;

const pageQuery = z.object({ start: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) });

/** v1 offset pagination with the `pagination` wrapper and next_start (present only when more). */
function paginate<T>(all: T[], start: number, limit: number) {
  const items = all.slice(start, start + limit);
  const more = start + items.length < all.length;
  return { items, pagination: { start, limit, more_items_in_collection: more, ...(more ? { next_start: start + items.length } : {}) } };
}

function body(req: SandboxRequest): unknown {
  if (req.bodyParseError) throw new SandboxError(400, `Invalid JSON body: ${req.bodyParseError}`);
  return req.body ?? {};
}

// ---- leads ---------------------------------------------------------------------------------

const leadsQuery = pageQuery.extend({
  owner_id: z.coerce.number().int().optional(),
  person_id: z.coerce.number().int().optional(),
  organization_id: z.coerce.number().int().optional(),
  filter_id: z.coerce.number().int().optional(),
  sort: z.string().regex(/^(id|title|owner_id|creator_id|was_seen|expected_close_date|next_activity_id|add_time|update_time) (ASC|DESC)$/i).optional(),
  // Newer than the October 2025 spec: update_time >= updated_since.
  updated_since: z.string().optional(),
});

function listLeads(c: SandboxCompany, req: SandboxRequest, archived: boolean) {
  const q = parseOr400(leadsQuery, queryObject(req.query));
  if (q.filter_id !== undefined) throw new SandboxError(400, 'filter_id is not supported by the sandbox');
  const since = q.updated_since ? Date.parse(q.updated_since) : undefined;
  if (since !== undefined && Number.isNaN(since)) throw new SandboxError(400, 'Validation failed: updated_since: invalid date');
  let all = [...c.leads.values()].filter(
    (l) => !l.is_deleted && l.is_archived === archived && (q.owner_id === undefined || l.owner_id === q.owner_id) && (q.person_id === undefined || l.person_id === q.person_id) && (q.organization_id === undefined || l.organization_id === q.organization_id) && (since === undefined || l.update_time >= since),
  );
  if (q.sort) {
    const [field, dir] = q.sort.split(' ') as [keyof LeadRec, string];
    const sign = dir.toUpperCase() === 'DESC' ? -1 : 1;
    all = all.sort((a, b) => {
      const av = a[field] as unknown as string | number | null;
      const bv = b[field] as unknown as string | number | null;
      return sign * (av === bv ? 0 : av === null ? -1 : bv === null ? 1 : av < bv ? -1 : 1);
    });
  }
  const items = all.slice(q.start, q.start + q.limit);
  // The spec puts start/limit/more_items_in_collection directly in additional_data for leads.
  return ok(
    items.map((l) => leadV1(l, c)),
    { start: q.start, limit: q.limit, more_items_in_collection: q.start + items.length < all.length },
  );
}

const leadValue = z.object({ amount: z.number(), currency: z.string().length(3) }).nullable();
const leadWrite = z
  .object({
    title: z.string().min(1),
    owner_id: z.number().int(),
    label_ids: z.array(z.string().uuid()),
    person_id: z.number().int().nullable(),
    organization_id: z.number().int().nullable(),
    value: leadValue,
    expected_close_date: z.string().nullable(),
    was_seen: z.boolean(),
    is_archived: z.boolean(),
    visible_to: z.string(),
  })
  .partial()
  .catchall(z.unknown());

function leadRefs(c: SandboxCompany, input: z.infer<typeof leadWrite>): void {
  if (input.person_id != null && (c.persons.get(input.person_id)?.is_deleted ?? true)) throw new SandboxError(400, `Person with id ${input.person_id} does not exist`);
  if (input.organization_id != null && (c.organizations.get(input.organization_id)?.is_deleted ?? true)) throw new SandboxError(400, `Organization with id ${input.organization_id} does not exist`);
  for (const id of input.label_ids ?? []) if (!c.leadLabels.has(id)) throw new SandboxError(400, `Lead label ${id} does not exist`);
}

/** Leads take deal custom fields at the root of the body (v1 style). */
function leadCustom(c: SandboxCompany, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of c.fields.deal) if (def.key in input) out[def.key] = input[def.key];
  return out;
}

// ---- webhooks ------------------------------------------------------------------------------

const webhookWrite = z.object({
  subscription_url: z.string(),
  event_action: z.enum(['create', 'change', 'delete', '*', 'added', 'updated', 'merged', 'deleted']),
  event_object: z.enum(['activity', 'deal', 'lead', 'note', 'organization', 'person', 'pipeline', 'product', 'stage', 'user', '*']),
  name: z.string().max(255).optional(),
  user_id: z.number().int().optional(),
  http_auth_user: z.string().nullable().optional(),
  http_auth_password: z.string().nullable().optional(),
  version: z.enum(['1.0', '2.0']).default('2.0'),
});

function webhookValidationError(field: string, message: string) {
  return { status: 400, body: { status: 'error', success: false, errors: { [field]: [message] } } };
}

// ---- recents -------------------------------------------------------------------------------

const RECENT_ITEMS = ['activity', 'activityType', 'deal', 'file', 'filter', 'note', 'person', 'organization', 'pipeline', 'product', 'stage', 'user'] as const;
const recentsQuery = pageQuery.extend({
  since_timestamp: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'format YYYY-MM-DD HH:MM:SS'),
  items: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(RECENT_ITEMS)))
    .optional(),
});

function recentEntries(c: SandboxCompany, since: number, items: Set<string> | undefined): { item: string; id: number; data: Record<string, unknown>; t: number }[] {
  const want = (k: string) => !items || items.has(k);
  const out: { item: string; id: number; data: Record<string, unknown>; t: number }[] = [];
  if (want('person')) for (const p of c.persons.scanByUpdateTime('asc', { since })) out.push({ item: 'person', id: p.id, data: personV1(p, c), t: p.update_time });
  if (want('organization')) for (const o of c.organizations.scanByUpdateTime('asc', { since })) out.push({ item: 'organization', id: o.id, data: organizationV1(o, c), t: o.update_time });
  if (want('deal')) for (const d of c.deals.scanByUpdateTime('asc', { since })) out.push({ item: 'deal', id: d.id, data: dealV1(d, c), t: d.update_time });
  if (want('activity')) for (const a of c.activities.scanByUpdateTime('asc', { since })) out.push({ item: 'activity', id: a.id, data: activityV1(a, c), t: a.update_time });
  if (want('pipeline')) for (const p of c.pipelines.scanByUpdateTime('asc', { since })) out.push({ item: 'pipeline', id: p.id, data: pipelineV1(p), t: p.update_time });
  if (want('stage')) for (const s of c.stages.scanByUpdateTime('asc', { since })) out.push({ item: 'stage', id: s.id, data: stageV1(s), t: s.update_time });
  if (want('user')) for (const u of c.users.scanByUpdateTime('asc', { since })) out.push({ item: 'user', id: u.id, data: userV1(u, c, false), t: u.update_time });
  return out.sort((a, b) => a.t - b.t || a.id - b.id);
}

function fieldsV1Route(entity: FieldEntity, path: string, operationId: string, scopes: string[]): ApiRoute {
  return {
    method: 'GET',
    path,
    operationId,
    spec: 'v1',
    cost: 20,
    scopes,
    handler: (req, { company }) => {
      const q = parseOr400(pageQuery, queryObject(req.query));
      const now = company.now();
      const all = [...BUILTIN_FIELDS[entity].map((b, i) => fieldV1(b, 1000 + i, i + 1, now)), ...company.fields[entity].map((f, i) => fieldV1(f, f.id, BUILTIN_FIELDS[entity].length + i + 1, now))];
      const items = all.slice(q.start, q.start + q.limit);
      return ok(items, { start: q.start, limit: q.limit, more_items_in_collection: q.start + items.length < all.length });
    },
  };
}

export function v1Routes(): ApiRoute[] {
  const routes: ApiRoute[] = [];
  const add = (r: Omit<ApiRoute, 'spec'>) => routes.push({ ...r, spec: 'v1' });

  add({ method: 'GET', path: '/v1/users/me', operationId: 'getCurrentUser', cost: 2, scopes: [], handler: (_req, { company, userId }) => ok(meV1(company.users.get(userId)!, company)) });
  add({ method: 'GET', path: '/v1/users', operationId: 'getUsers', cost: 20, scopes: ['users:read', 'admin'], handler: (_req, { company, userId }) => ok([...company.users.values()].map((u) => userV1(u, company, u.id === userId))) });

  add({ method: 'GET', path: '/v1/leads/archived', operationId: 'getArchivedLeads', cost: 40, scopes: ['leads:read', 'leads:full'], handler: (req, { company }) => listLeads(company, req, true) });
  add({ method: 'GET', path: '/v1/leads', operationId: 'getLeads', cost: 20, scopes: ['leads:read', 'leads:full'], handler: (req, { company }) => listLeads(company, req, false) });
  add({ method: 'GET', path: '/v1/leads/:id', operationId: 'getLead', cost: 2, scopes: ['leads:read', 'leads:full'], handler: (req, { company }) => {
    const l = company.leads.get(req.params.id ?? '');
    if (!l || l.is_deleted) return fail(404, 'Lead not found', 'Object was not found.');
    return ok(leadV1(l, company));
  } });
  add({ method: 'POST', path: '/v1/leads', operationId: 'addLead', cost: 10, scopes: ['leads:full'], handler: (req, ctx) => {
    const c = ctx.company;
    const input = parseOr400(leadWrite, body(req));
    if (!input.title) throw new SandboxError(400, 'Validation failed: title: required');
    leadRefs(c, input);
    const l = c.createLead({
      title: input.title, owner_id: input.owner_id ?? ctx.userId, creator_id: ctx.userId, label_ids: input.label_ids ?? [], person_id: input.person_id ?? null, organization_id: input.organization_id ?? null,
      source_name: 'API', is_archived: false, was_seen: input.was_seen ?? false, value: input.value ?? null, expected_close_date: input.expected_close_date ?? null, custom_fields: leadCustom(c, input),
    }, ctx.change);
    return ok(leadV1(l, c), undefined, 201);
  } });
  add({ method: 'PATCH', path: '/v1/leads/:id', operationId: 'updateLead', cost: 10, scopes: ['leads:full'], handler: (req, ctx) => {
    const c = ctx.company;
    const input = parseOr400(leadWrite, body(req));
    const existing = c.leads.get(req.params.id ?? '');
    if (!existing || existing.is_deleted) return fail(404, 'Lead not found', 'Object was not found.');
    // Archived leads are not editable since 2025-07-15, except to unarchive them.
    if (existing.is_archived && input.is_archived !== false) return fail(400, 'Archived leads cannot be edited');
    leadRefs(c, input);
    const l = c.updateLead(existing.id, (r) => {
      if (input.title !== undefined) r.title = input.title;
      if (input.owner_id !== undefined) r.owner_id = input.owner_id;
      if (input.label_ids !== undefined) r.label_ids = input.label_ids;
      if (input.person_id !== undefined) r.person_id = input.person_id;
      if (input.organization_id !== undefined) r.organization_id = input.organization_id;
      if (input.value !== undefined) r.value = input.value;
      if (input.expected_close_date !== undefined) r.expected_close_date = input.expected_close_date;
      if (input.was_seen !== undefined) r.was_seen = input.was_seen;
      if (input.is_archived !== undefined) r.is_archived = input.is_archived;
      Object.assign(r.custom_fields, leadCustom(c, input));
    }, ctx.change);
    return ok(leadV1(l, c));
  } });
  add({ method: 'DELETE', path: '/v1/leads/:id', operationId: 'deleteLead', cost: 6, scopes: ['leads:full'], handler: (req, ctx) => ok({ id: ctx.company.deleteLead(req.params.id ?? '', ctx.change).id }) });
  add({ method: 'GET', path: '/v1/leadLabels', operationId: 'getLeadLabels', cost: 10, scopes: ['leads:read', 'leads:full'], handler: (_req, { company }) => ok([...company.leadLabels.values()].map(leadLabelV1)) });
  add({ method: 'GET', path: '/v1/activityTypes', operationId: 'getActivityTypes', cost: 20, scopes: ['activities:read', 'activities:full'], handler: (_req, { company }) => ok([...company.activityTypes.values()].map(activityTypeV1)) });

  add({ method: 'GET', path: '/v1/recents', operationId: 'getRecents', cost: 20, scopes: ['recents:read'], handler: (req, { company }) => {
    const q = parseOr400(recentsQuery, queryObject(req.query));
    const since = Date.parse(`${q.since_timestamp.replace(' ', 'T')}Z`);
    if (company.now() - since > RECENTS_MAX_AGE_MS) throw new SandboxError(400, 'since_timestamp can be at most one month in the past; use the v2 lists with updated_since instead');
    const all = recentEntries(company, since, q.items ? new Set(q.items) : undefined);
    const { items, pagination } = paginate(all, q.start, q.limit);
    const last = items[items.length - 1];
    return ok(
      items.map(({ item, id, data }) => ({ item, id, data })),
      { since_timestamp: q.since_timestamp, last_timestamp_on_page: last ? timeV1(last.t) : q.since_timestamp, pagination },
    );
  } });

  add({ method: 'GET', path: '/v1/webhooks', operationId: 'getWebhooks', cost: 10, scopes: ['webhooks:read', 'webhooks:full', 'admin'], handler: (_req, ctx) => {
    // An app only sees the webhooks it created (since 2021-05-05).
    const list = [...ctx.company.webhooks.values()].filter((w) => (ctx.clientId ? w.client_id === ctx.clientId : w.type === 'general'));
    return { status: 200, body: { status: 'ok', success: true, data: list.map(webhookV1) } };
  } });
  add({ method: 'POST', path: '/v1/webhooks', operationId: 'addWebhook', cost: 10, scopes: ['webhooks:full', 'admin'], handler: (req, ctx) => {
    const c = ctx.company;
    const parsed = webhookWrite.safeParse(body(req));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return webhookValidationError(String(issue?.path[0] ?? 'body'), issue?.message ?? 'invalid');
    }
    const input = parsed.data;
    let url: URL;
    try {
      url = new URL(input.subscription_url);
    } catch {
      return webhookValidationError('subscription_url', 'invalid or non-reachable URL');
    }
    if (!/^https?:$/.test(url.protocol) || url.hostname.endsWith('pipedrive.com')) return webhookValidationError('subscription_url', 'invalid or non-reachable URL');
    const v2Actions = ['create', 'change', 'delete', '*'];
    if (input.version === '2.0' && !v2Actions.includes(input.event_action)) return webhookValidationError('event_action', `Webhooks v2 take ${v2Actions.join(', ')}`);
    const v1Actions = ['added', 'updated', 'merged', 'deleted', '*'];
    if (input.version === '1.0' && !v1Actions.includes(input.event_action)) return webhookValidationError('event_action', `Webhooks v1 take ${v1Actions.join(', ')}`);
    if (input.version === '1.0' && input.event_object === 'lead') return webhookValidationError('event_object', 'Webhooks v1 have no lead events');
    const userId = input.user_id ?? ctx.userId;
    if (!c.users.get(userId)) return webhookValidationError('user_id', 'user does not exist');
    const owned = [...c.webhooks.values()].filter((w) => w.user_id === userId).length;
    if (owned >= MAX_WEBHOOKS_PER_USER) return fail(422, `Webhooks limit reached: at most ${MAX_WEBHOOKS_PER_USER} per user`);
    const id = c.nextWebhookId++;
    const w: WebhookRec = {
      id, company_id: c.id, owner_id: ctx.userId, user_id: userId, event_action: input.event_action, event_object: input.event_object, subscription_url: input.subscription_url,
      version: input.version, name: input.name ?? `${input.event_action}.${input.event_object}`, http_auth_user: input.http_auth_user ?? null, http_auth_password: input.http_auth_password ?? null,
      type: ctx.clientId ? 'application' : 'general', client_id: ctx.clientId, add_time: c.now(), last_delivery_time: null, last_http_status: null, failure_counter: 0, banned_until: null, failing_since: null,
    };
    c.webhooks.set(id, w);
    return { status: 201, body: { status: 'ok', success: true, data: webhookV1(w) } };
  } });
  add({ method: 'DELETE', path: '/v1/webhooks/:id', operationId: 'deleteWebhook', cost: 6, scopes: ['webhooks:full', 'admin'], handler: (req, ctx) => {
    const w = ctx.company.webhooks.get(Number(req.params.id));
    if (!w || (ctx.clientId ? w.client_id !== ctx.clientId : w.type !== 'general')) return fail(404, 'Webhook not found', 'Object was not found.');
    ctx.company.webhooks.delete(w.id);
    return { status: 200, body: { status: 'ok', success: true } };
  } });

  add({ method: 'PUT', path: '/v1/persons/:id/merge', operationId: 'mergePersons', cost: 40, scopes: ['contacts:full'], handler: (req, ctx) => {
    const input = parseOr400(z.object({ merge_with_id: z.coerce.number().int().positive() }), body(req));
    // The person in the URL is merged away; merge_with_id survives and wins conflicts.
    const survivor = ctx.company.mergePersons(Number(req.params.id), input.merge_with_id, ctx.change);
    return ok({ ...personV1(survivor, ctx.company), merge_what_id: Number(req.params.id) });
  } });

  add({ method: 'PUT', path: '/v1/organizations/:id/merge', operationId: 'mergeOrganizations', cost: 40, scopes: ['contacts:full'], handler: (req, ctx) => {
    const input = parseOr400(z.object({ merge_with_id: z.coerce.number().int().positive() }), body(req));
    const survivor = ctx.company.mergeOrganizations(Number(req.params.id), input.merge_with_id, ctx.change);
    return ok({ id: survivor.id });
  } });

  routes.push(
    fieldsV1Route('person', '/v1/personFields', 'getPersonFields', ['contacts:read', 'contacts:full', 'admin']),
    fieldsV1Route('organization', '/v1/organizationFields', 'getOrganizationFields', ['contacts:read', 'contacts:full', 'admin']),
    fieldsV1Route('deal', '/v1/dealFields', 'getDealFields', ['deals:read', 'deals:full', 'admin']),
  );
  return routes;
}

export type { ApiContext };
