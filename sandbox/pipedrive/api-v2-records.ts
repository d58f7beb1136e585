import { z } from 'zod';
import type { SandboxRequest } from '../shared/http';
import { ok, parseOr400, type ApiContext, type ApiRoute } from './api-route';
import { SandboxError, type SandboxCompany } from './company';
import { applyCustomFieldInput } from './custom-field-input';
import type { EntityTable } from './entity-table';
import { activityV2, dealV2, organizationV2, personV2, pipelineV2, stageV2 } from './format';
import { listV2, queryObject, v2ListQuerySchema } from './list-v2';
import type { ContactValue, PersonRec } from './model';

const CONTACTS = ['contacts:read', 'contacts:full'];
const CONTACTS_W = ['contacts:full'];
const DEALS = ['deals:read', 'deals:full'];
const DEALS_W = ['deals:full'];
const ACTIVITIES = ['activities:read', 'activities:full'];
const ACTIVITIES_W = ['activities:full'];

function idParam(req: SandboxRequest): number {
  const id = Number(req.params.id);
  if (!Number.isInteger(id) || id <= 0) throw new SandboxError(400, 'Validation failed: id: must be a positive integer');
  return id;
}

function live<T extends { is_deleted: boolean }>(table: EntityTable<T & { id: number; update_time: number }>, id: number): T {
  const r = table.get(id);
  if (!r || r.is_deleted) throw new SandboxError(404, 'Entity was not found', 'Object was not found.');
  return r;
}

function ms(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso);
}

function body(req: SandboxRequest): unknown {
  if (req.bodyParseError) throw new SandboxError(400, `Invalid JSON body: ${req.bodyParseError}`);
  return req.body ?? {};
}

// ---- bodies (v2 is strict: no coercion of strings to numbers or booleans) --------------------

const contactInput = z.object({ value: z.string().min(1), primary: z.boolean().optional(), label: z.string().optional() });

/** At most one primary; when none is marked, the first becomes primary; label defaults to work. */
function normaliseContacts(list: z.infer<typeof contactInput>[]): ContactValue[] {
  if (list.filter((c) => c.primary).length > 1) throw new SandboxError(400, 'Only one primary value is allowed');
  const anyPrimary = list.some((c) => c.primary);
  return list.map((c, i) => ({ value: c.value, label: c.label ?? 'work', primary: anyPrimary ? c.primary === true : i === 0 }));
}

const visibleTo = z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(7)]);
const marketingStatus = z.enum(['no_consent', 'unsubscribed', 'subscribed', 'archived']);

const personWrite = z
  .object({
    name: z.string().min(1),
    first_name: z.string(),
    last_name: z.string(),
    owner_id: z.number().int(),
    org_id: z.number().int().nullable(),
    emails: z.array(contactInput),
    phones: z.array(contactInput),
    visible_to: visibleTo,
    label_ids: z.array(z.number().int()),
    custom_fields: z.record(z.string(), z.unknown()),
    marketing_status: marketingStatus,
  })
  .partial()
  .strict();

const orgWrite = z
  .object({
    name: z.string().min(1),
    owner_id: z.number().int(),
    visible_to: visibleTo,
    label_ids: z.array(z.number().int()),
    address: z.object({ value: z.string() }).passthrough().nullable(),
    custom_fields: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();

const dealWrite = z
  .object({
    title: z.string().min(1),
    owner_id: z.number().int(),
    person_id: z.number().int().nullable(),
    org_id: z.number().int().nullable(),
    pipeline_id: z.number().int(),
    stage_id: z.number().int(),
    value: z.number(),
    currency: z.string().length(3),
    status: z.enum(['open', 'won', 'lost']),
    probability: z.number().nullable(),
    lost_reason: z.string().nullable(),
    visible_to: visibleTo,
    expected_close_date: z.string().nullable(),
    label_ids: z.array(z.number().int()),
    is_archived: z.boolean(),
    custom_fields: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();

const activityWrite = z
  .object({
    subject: z.string().min(1),
    type: z.string(),
    owner_id: z.number().int(),
    deal_id: z.number().int().nullable(),
    lead_id: z.string().nullable(),
    org_id: z.number().int().nullable(),
    due_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
    due_time: z.string().regex(/^\d{2}:\d{2}(:\d{2})?$/).nullable(),
    duration: z.string().regex(/^\d{2}:\d{2}(:\d{2})?$/).nullable(),
    busy: z.boolean(),
    done: z.boolean(),
    participants: z.array(z.object({ person_id: z.number().int(), primary: z.boolean().optional() })),
    public_description: z.string().nullable(),
    priority: z.number().int().nullable(),
    note: z.string().nullable(),
  })
  .partial()
  .strict();

function checkRefs(c: SandboxCompany, refs: { owner_id?: number; person_id?: number | null; org_id?: number | null; deal_id?: number | null }): void {
  if (refs.owner_id !== undefined && !c.users.get(refs.owner_id)) throw new SandboxError(400, `User with id ${refs.owner_id} does not exist`);
  if (refs.person_id != null) live(c.persons, refs.person_id);
  if (refs.org_id != null) live(c.organizations, refs.org_id);
  if (refs.deal_id != null) live(c.deals, refs.deal_id);
}

function applyPerson(c: SandboxCompany, p: PersonRec, input: z.infer<typeof personWrite>): void {
  if (input.first_name !== undefined) p.first_name = input.first_name;
  if (input.last_name !== undefined) p.last_name = input.last_name;
  if (input.name !== undefined) p.name = input.name;
  else if (input.first_name !== undefined || input.last_name !== undefined) p.name = [p.first_name, p.last_name].filter(Boolean).join(' ');
  if (input.owner_id !== undefined) p.owner_id = input.owner_id;
  if (input.org_id !== undefined) p.org_id = input.org_id;
  if (input.emails !== undefined) p.emails = normaliseContacts(input.emails);
  if (input.phones !== undefined) p.phones = normaliseContacts(input.phones);
  if (input.visible_to !== undefined) p.visible_to = input.visible_to;
  if (input.label_ids !== undefined) p.label_ids = input.label_ids;
  if (input.custom_fields !== undefined) applyCustomFieldInput(c, 'person', p.custom_fields, input.custom_fields);
  // Without an email address the marketing status stays no_consent.
  if (input.marketing_status !== undefined && p.emails.length > 0) p.marketing_status = input.marketing_status;
}

// ---- list query schemas ----------------------------------------------------------------------

const personsQuery = v2ListQuerySchema.extend({ sort_by: z.enum(['id', 'update_time', 'add_time']).default('id'), org_id: z.coerce.number().int().optional(), deal_id: z.coerce.number().int().optional() });
const orgsQuery = v2ListQuerySchema.extend({ sort_by: z.enum(['id', 'update_time', 'add_time']).default('id') });
const dealsQuery = v2ListQuerySchema.extend({
  sort_by: z.enum(['id', 'update_time', 'add_time']).default('id'),
  person_id: z.coerce.number().int().optional(),
  org_id: z.coerce.number().int().optional(),
  pipeline_id: z.coerce.number().int().optional(),
  stage_id: z.coerce.number().int().optional(),
  status: z
    .string()
    .transform((s) => new Set(s.split(',')))
    .pipe(z.set(z.enum(['open', 'won', 'lost', 'deleted'])))
    .optional(),
});
const activitiesQuery = v2ListQuerySchema.extend({
  sort_by: z.enum(['id', 'update_time', 'add_time', 'due_date']).default('id'),
  deal_id: z.coerce.number().int().optional(),
  lead_id: z.string().optional(),
  person_id: z.coerce.number().int().optional(),
  org_id: z.coerce.number().int().optional(),
  done: z.enum(['true', 'false']).transform((s) => s === 'true').optional(),
});
const pipelinesQuery = z.object({ sort_by: z.enum(['id', 'update_time', 'add_time']).default('id'), sort_direction: z.enum(['asc', 'desc']).default('asc'), limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().optional() });
const stagesQuery = pipelinesQuery.extend({ sort_by: z.enum(['id', 'update_time', 'add_time', 'order_nr']).default('id'), pipeline_id: z.coerce.number().int().optional() });

function noFilters(q: { filter_id?: number }): void {
  if (q.filter_id !== undefined) throw new SandboxError(400, 'filter_id is not supported by the sandbox');
}

function addTimeSort(r: { add_time: number }, field: string): number {
  if (field === 'add_time') return r.add_time;
  throw new SandboxError(400, `sort_by ${field} is not supported`);
}

export function v2RecordRoutes(): ApiRoute[] {
  const routes: ApiRoute[] = [];
  const add = (r: Omit<ApiRoute, 'spec'>) => routes.push({ ...r, spec: 'v2' });

  // persons
  add({
    method: 'GET',
    path: '/api/v2/persons',
    operationId: 'getPersons',
    cost: 10,
    scopes: CONTACTS,
    handler: (req, { company: c }) => {
      const q = parseOr400(personsQuery, queryObject(req.query));
      noFilters(q);
      let dealPersons: Set<number | null> | undefined;
      if (q.deal_id !== undefined) dealPersons = new Set([c.deals.get(q.deal_id)?.person_id ?? null]);
      const { items, nextCursor } = listV2(c.persons, {
        sortBy: q.sort_by,
        direction: q.sort_direction,
        limit: q.limit,
        cursor: q.cursor,
        updatedSince: ms(q.updated_since),
        updatedUntil: ms(q.updated_until),
        sortValue: addTimeSort,
        filter: (p) => !p.is_deleted && (!q.ids || q.ids.has(p.id)) && (q.owner_id === undefined || p.owner_id === q.owner_id) && (q.org_id === undefined || p.org_id === q.org_id) && (!dealPersons || dealPersons.has(p.id)),
      });
      return ok(items.map((p) => personV2(p, { customFields: q.custom_fields, includeFields: q.include_fields })), { next_cursor: nextCursor });
    },
  });
  add({ method: 'GET', path: '/api/v2/persons/:id', operationId: 'getPerson', cost: 1, scopes: CONTACTS, handler: (req, { company: c }) => {
    const q = parseOr400(v2ListQuerySchema.pick({ include_fields: true, custom_fields: true }), queryObject(req.query));
    return ok(personV2(live(c.persons, idParam(req)), { customFields: q.custom_fields, includeFields: q.include_fields }));
  } });
  add({ method: 'POST', path: '/api/v2/persons', operationId: 'addPerson', cost: 5, scopes: CONTACTS_W, handler: (req, ctx) => {
    const input = parseOr400(personWrite, body(req));
    if (!input.name && !(input.first_name && input.last_name)) throw new SandboxError(400, 'Validation failed: name: either name or first_name and last_name are required');
    checkRefs(ctx.company, input);
    const draft: PersonRec = { id: 0, name: '', first_name: null, last_name: null, owner_id: ctx.userId, org_id: null, add_time: 0, update_time: 0, emails: [], phones: [], is_deleted: false, visible_to: 3, label_ids: [], custom_fields: {}, marketing_status: 'no_consent' };
    applyPerson(ctx.company, draft, input);
    const { id: _i, add_time: _a, update_time: _u, is_deleted: _d, ...rest } = draft;
    const p = ctx.company.createPerson(rest, ctx.change);
    return ok(personV2(p, { includeFields: new Set(['marketing_status']) }));
  } });
  add({ method: 'PATCH', path: '/api/v2/persons/:id', operationId: 'updatePerson', cost: 5, scopes: CONTACTS_W, handler: (req, ctx) => {
    const id = idParam(req);
    const input = parseOr400(personWrite, body(req));
    live(ctx.company.persons, id);
    checkRefs(ctx.company, input);
    // Validate on a copy first so that a bad custom field leaves the record (and webhooks) untouched.
    applyPerson(ctx.company, structuredClone(ctx.company.persons.get(id)!), input);
    const p = ctx.company.updatePerson(id, (rec) => applyPerson(ctx.company, rec, input), ctx.change);
    return ok(personV2(p, { includeFields: new Set(['marketing_status']) }));
  } });
  add({ method: 'DELETE', path: '/api/v2/persons/:id', operationId: 'deletePerson', cost: 3, scopes: CONTACTS_W, handler: (req, ctx) => ok({ id: ctx.company.deletePerson(idParam(req), ctx.change).id }) });

  // organizations
  add({ method: 'GET', path: '/api/v2/organizations', operationId: 'getOrganizations', cost: 10, scopes: CONTACTS, handler: (req, { company: c }) => {
    const q = parseOr400(orgsQuery, queryObject(req.query));
    noFilters(q);
    const { items, nextCursor } = listV2(c.organizations, {
      sortBy: q.sort_by, direction: q.sort_direction, limit: q.limit, cursor: q.cursor, updatedSince: ms(q.updated_since), updatedUntil: ms(q.updated_until), sortValue: addTimeSort,
      filter: (o) => !o.is_deleted && (!q.ids || q.ids.has(o.id)) && (q.owner_id === undefined || o.owner_id === q.owner_id),
    });
    return ok(items.map((o) => organizationV2(o, { customFields: q.custom_fields })), { next_cursor: nextCursor });
  } });
  add({ method: 'GET', path: '/api/v2/organizations/:id', operationId: 'getOrganization', cost: 1, scopes: CONTACTS, handler: (req, { company: c }) => ok(organizationV2(live(c.organizations, idParam(req)))) });
  add({ method: 'POST', path: '/api/v2/organizations', operationId: 'addOrganization', cost: 5, scopes: CONTACTS_W, handler: (req, ctx) => {
    const input = parseOr400(orgWrite, body(req));
    if (!input.name) throw new SandboxError(400, 'Validation failed: name: required');
    checkRefs(ctx.company, input);
    const custom = {};
    if (input.custom_fields) applyCustomFieldInput(ctx.company, 'organization', custom, input.custom_fields);
    const o = ctx.company.createOrganization({ name: input.name, owner_id: input.owner_id ?? ctx.userId, visible_to: input.visible_to ?? 3, label_ids: input.label_ids ?? [], address: input.address?.value ?? null, custom_fields: custom }, ctx.change);
    return ok(organizationV2(o));
  } });
  add({ method: 'PATCH', path: '/api/v2/organizations/:id', operationId: 'updateOrganization', cost: 5, scopes: CONTACTS_W, handler: (req, ctx) => {
    const id = idParam(req);
    const input = parseOr400(orgWrite, body(req));
    checkRefs(ctx.company, input);
    const probe = structuredClone(live(ctx.company.organizations, id).custom_fields);
    if (input.custom_fields) applyCustomFieldInput(ctx.company, 'organization', probe, input.custom_fields);
    const o = ctx.company.updateOrganization(id, (r) => {
      if (input.name !== undefined) r.name = input.name;
      if (input.owner_id !== undefined) r.owner_id = input.owner_id;
      if (input.visible_to !== undefined) r.visible_to = input.visible_to;
      if (input.label_ids !== undefined) r.label_ids = input.label_ids;
      if (input.address !== undefined) r.address = input.address?.value ?? null;
      if (input.custom_fields) r.custom_fields = probe;
    }, ctx.change);
    return ok(organizationV2(o));
  } });
  add({ method: 'DELETE', path: '/api/v2/organizations/:id', operationId: 'deleteOrganization', cost: 3, scopes: CONTACTS_W, handler: (req, ctx) => ok({ id: ctx.company.deleteOrganization(idParam(req), ctx.change).id }) });

  // deals
  add({ method: 'GET', path: '/api/v2/deals', operationId: 'getDeals', cost: 10, scopes: DEALS, handler: (req, { company: c }) => {
    const q = parseOr400(dealsQuery, queryObject(req.query));
    noFilters(q);
    const { items, nextCursor } = listV2(c.deals, {
      sortBy: q.sort_by, direction: q.sort_direction, limit: q.limit, cursor: q.cursor, updatedSince: ms(q.updated_since), updatedUntil: ms(q.updated_until), sortValue: addTimeSort,
      filter: (d) => {
        // Archived deals are only served by /deals/archived (since 2025-07-15).
        if (d.is_archived) return false;
        if (d.is_deleted) return q.status?.has('deleted') === true;
        if (q.status && !q.status.has(d.status)) return false;
        return (!q.ids || q.ids.has(d.id)) && (q.owner_id === undefined || d.owner_id === q.owner_id) && (q.person_id === undefined || d.person_id === q.person_id) && (q.org_id === undefined || d.org_id === q.org_id) && (q.pipeline_id === undefined || d.pipeline_id === q.pipeline_id) && (q.stage_id === undefined || d.stage_id === q.stage_id);
      },
    });
    return ok(items.map((d) => dealV2(d, { customFields: q.custom_fields })), { next_cursor: nextCursor });
  } });
  add({ method: 'GET', path: '/api/v2/deals/:id', operationId: 'getDeal', cost: 1, scopes: DEALS, handler: (req, { company: c }) => ok(dealV2(live(c.deals, idParam(req)))) });
  add({ method: 'POST', path: '/api/v2/deals', operationId: 'addDeal', cost: 5, scopes: DEALS_W, handler: (req, ctx) => {
    const c = ctx.company;
    const input = parseOr400(dealWrite, body(req));
    if (!input.title) throw new SandboxError(400, 'Validation failed: title: required');
    checkRefs(c, input);
    const firstStage = [...c.stages.values()].filter((s) => !s.is_deleted && (input.pipeline_id === undefined || s.pipeline_id === input.pipeline_id)).sort((a, b) => a.order_nr - b.order_nr)[0];
    const stageId = input.stage_id ?? firstStage?.id;
    if (stageId === undefined) throw new SandboxError(400, 'No stage to put the deal in');
    const stage = c.requireStage(stageId, input.pipeline_id);
    const custom = {};
    if (input.custom_fields) applyCustomFieldInput(c, 'deal', custom, input.custom_fields);
    const status = input.status ?? 'open';
    const now = c.now();
    const d = c.createDeal({
      title: input.title, owner_id: input.owner_id ?? ctx.userId, person_id: input.person_id ?? null, org_id: input.org_id ?? null, pipeline_id: stage.pipeline_id, stage_id: stage.id,
      value: input.value ?? 0, currency: input.currency ?? c.defaultCurrency, is_archived: false, status, probability: input.probability ?? null, lost_reason: input.lost_reason ?? null,
      visible_to: input.visible_to ?? 3, close_time: status === 'open' ? null : now, won_time: status === 'won' ? now : null, lost_time: status === 'lost' ? now : null,
      expected_close_date: input.expected_close_date ?? null, label_ids: input.label_ids ?? [], custom_fields: custom,
    }, ctx.change);
    return ok(dealV2(d));
  } });
  add({ method: 'PATCH', path: '/api/v2/deals/:id', operationId: 'updateDeal', cost: 5, scopes: DEALS_W, handler: (req, ctx) => {
    const c = ctx.company;
    const id = idParam(req);
    const input = parseOr400(dealWrite, body(req));
    const current = live(c.deals, id);
    // Archived deals are not editable since 2025-07-15, except to unarchive them.
    if (current.is_archived && input.is_archived !== false) throw new SandboxError(400, 'Archived deals cannot be edited');
    checkRefs(c, input);
    if (input.stage_id !== undefined) c.requireStage(input.stage_id, input.pipeline_id);
    const probe = structuredClone(current.custom_fields);
    if (input.custom_fields) applyCustomFieldInput(c, 'deal', probe, input.custom_fields);
    const d = c.updateDeal(id, (r) => {
      const { custom_fields: _cf, pipeline_id: _p, ...plain } = input;
      Object.assign(r, plain);
      if (input.pipeline_id !== undefined && input.stage_id === undefined && input.pipeline_id !== r.pipeline_id) {
        const first = [...c.stages.values()].filter((s) => s.pipeline_id === input.pipeline_id && !s.is_deleted).sort((a, b) => a.order_nr - b.order_nr)[0];
        if (!first) throw new SandboxError(400, `Pipeline with id ${input.pipeline_id} does not exist`);
        r.stage_id = first.id;
      }
      if (input.custom_fields) r.custom_fields = probe;
    }, ctx.change);
    return ok(dealV2(d));
  } });
  add({ method: 'DELETE', path: '/api/v2/deals/:id', operationId: 'deleteDeal', cost: 3, scopes: DEALS_W, handler: (req, ctx) => ok({ id: ctx.company.deleteDeal(idParam(req), ctx.change).id }) });

  // activities
  add({ method: 'GET', path: '/api/v2/activities', operationId: 'getActivities', cost: 10, scopes: ACTIVITIES, handler: (req, { company: c }) => {
    const q = parseOr400(activitiesQuery, queryObject(req.query));
    noFilters(q);
    const { items, nextCursor } = listV2(c.activities, {
      sortBy: q.sort_by, direction: q.sort_direction, limit: q.limit, cursor: q.cursor, updatedSince: ms(q.updated_since), updatedUntil: ms(q.updated_until),
      sortValue: (a, f) => (f === 'due_date' ? a.due_date : a.add_time),
      filter: (a) => !a.is_deleted && (!q.ids || q.ids.has(a.id)) && (q.owner_id === undefined || a.owner_id === q.owner_id) && (q.deal_id === undefined || a.deal_id === q.deal_id) && (q.lead_id === undefined || a.lead_id === q.lead_id) && (q.person_id === undefined || a.person_id === q.person_id) && (q.org_id === undefined || a.org_id === q.org_id) && (q.done === undefined || a.done === q.done),
    });
    return ok(items.map(activityV2), { next_cursor: nextCursor });
  } });
  add({ method: 'GET', path: '/api/v2/activities/:id', operationId: 'getActivity', cost: 1, scopes: ACTIVITIES, handler: (req, { company: c }) => ok(activityV2(live(c.activities, idParam(req)))) });
  add({ method: 'POST', path: '/api/v2/activities', operationId: 'addActivity', cost: 5, scopes: ACTIVITIES_W, handler: (req, ctx) => {
    const c = ctx.company;
    const input = parseOr400(activityWrite, body(req));
    if (!input.subject) throw new SandboxError(400, 'Validation failed: subject: required');
    const type = input.type ?? 'task';
    if (![...c.activityTypes.values()].some((t) => t.key_string === type)) throw new SandboxError(400, `Activity type ${type} does not exist`);
    // person_id is read-only in v2: it comes from the primary participant.
    const primary = input.participants?.find((p) => p.primary) ?? input.participants?.[0];
    checkRefs(c, { owner_id: input.owner_id, person_id: primary?.person_id, org_id: input.org_id, deal_id: input.deal_id });
    const a = c.createActivity({
      subject: input.subject, type, owner_id: input.owner_id ?? ctx.userId, creator_user_id: ctx.userId, deal_id: input.deal_id ?? null, lead_id: input.lead_id ?? null,
      person_id: primary?.person_id ?? null, org_id: input.org_id ?? null, due_date: input.due_date ?? null, due_time: input.due_time ?? null, duration: input.duration ?? null,
      busy: input.busy ?? false, done: input.done ?? false, marked_as_done_time: input.done ? c.now() : null, public_description: input.public_description ?? null, priority: input.priority ?? null, note: input.note ?? null,
    }, ctx.change);
    return ok(activityV2(a));
  } });
  add({ method: 'PATCH', path: '/api/v2/activities/:id', operationId: 'updateActivity', cost: 5, scopes: ACTIVITIES_W, handler: (req, ctx) => {
    const input = parseOr400(activityWrite, body(req));
    const primary = input.participants?.find((p) => p.primary) ?? input.participants?.[0];
    checkRefs(ctx.company, { owner_id: input.owner_id, person_id: primary?.person_id, org_id: input.org_id, deal_id: input.deal_id });
    const a = ctx.company.updateActivity(idParam(req), (r) => {
      const { participants, ...plain } = input;
      Object.assign(r, plain);
      if (participants) r.person_id = primary?.person_id ?? null;
    }, ctx.change);
    return ok(activityV2(a));
  } });
  add({ method: 'DELETE', path: '/api/v2/activities/:id', operationId: 'deleteActivity', cost: 3, scopes: ACTIVITIES_W, handler: (req, ctx) => ok({ id: ctx.company.deleteActivity(idParam(req), ctx.change).id }) });

  // pipelines and stages
  add({ method: 'GET', path: '/api/v2/pipelines', operationId: 'getPipelines', cost: 5, scopes: DEALS, handler: (req, { company: c }) => {
    const q = parseOr400(pipelinesQuery, queryObject(req.query));
    const { items, nextCursor } = listV2(c.pipelines, { sortBy: q.sort_by, direction: q.sort_direction, limit: q.limit, cursor: q.cursor, sortValue: addTimeSort, filter: (p) => !p.is_deleted });
    return ok(items.map(pipelineV2), { next_cursor: nextCursor });
  } });
  add({ method: 'GET', path: '/api/v2/pipelines/:id', operationId: 'getPipeline', cost: 1, scopes: DEALS, handler: (req, { company: c }) => ok(pipelineV2(live(c.pipelines, idParam(req)))) });
  add({ method: 'GET', path: '/api/v2/stages', operationId: 'getStages', cost: 5, scopes: DEALS, handler: (req, { company: c }) => {
    const q = parseOr400(stagesQuery, queryObject(req.query));
    const { items, nextCursor } = listV2(c.stages, {
      sortBy: q.sort_by, direction: q.sort_direction, limit: q.limit, cursor: q.cursor,
      sortValue: (s, f) => (f === 'order_nr' ? s.pipeline_id * 10_000 + s.order_nr : s.add_time),
      filter: (s) => !s.is_deleted && (q.pipeline_id === undefined || s.pipeline_id === q.pipeline_id),
    });
    return ok(items.map(stageV2), { next_cursor: nextCursor });
  } });
  add({ method: 'GET', path: '/api/v2/stages/:id', operationId: 'getStage', cost: 1, scopes: DEALS, handler: (req, { company: c }) => ok(stageV2(live(c.stages, idParam(req)))) });

  return routes;
}

export type { ApiContext };
