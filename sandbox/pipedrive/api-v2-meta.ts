import { z } from 'zod';
import { ok, parseOr400, type ApiRoute } from './api-route';
import { SandboxError, type SandboxCompany } from './company';
import { BUILTIN_FIELDS, builtinFieldV2, dealV2, fieldV2 } from './format';
import { listV2, queryObject, v2ListQuerySchema } from './list-v2';
import type { FieldEntity } from './model';

const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().optional() });

/** Offset cursors for small in-memory lists (fields, search results). */
function pageOf<T>(all: T[], limit: number, cursor: string | undefined): { items: T[]; next: string | null } {
  let start = 0;
  if (cursor) {
    const n = Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(n) || n < 0) throw new SandboxError(400, 'Invalid cursor');
    start = n;
  }
  const items = all.slice(start, start + limit);
  const end = start + items.length;
  return { items, next: end < all.length ? Buffer.from(`o:${end}`).toString('base64url') : null };
}

function fieldsRoute(entity: FieldEntity, path: string, operationId: string, scopes: string[]): ApiRoute {
  return {
    method: 'GET',
    path,
    operationId,
    // The v2 Fields API (December 2025) is newer than the specs; 10 tokens per list per the notes.
    spec: 'notes',
    cost: 10,
    scopes,
    handler: (req, { company }) => {
      const q = parseOr400(pageQuery, queryObject(req.query));
      const all = [...BUILTIN_FIELDS[entity].map(builtinFieldV2), ...company.fields[entity].map(fieldV2)];
      const { items, next } = pageOf(all, q.limit, q.cursor);
      return ok(items, { next_cursor: next });
    },
  };
}

const searchQuery = z.object({
  term: z.string(),
  fields: z.string().optional(),
  exact_match: z.enum(['true', 'false']).transform((s) => s === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
  cursor: z.string().optional(),
  item_types: z.string().optional(),
  organization_id: z.coerce.number().int().optional(),
});

function termOk(term: string, exact: boolean | undefined): void {
  // At least 2 characters, or 1 with exact_match.
  if (term.length < (exact ? 1 : 2)) throw new SandboxError(400, 'Validation failed: term: must be at least 2 characters long (1 with exact_match)');
}

function matchText(value: string, term: string, exact: boolean | undefined): number {
  const v = value.toLowerCase();
  const t = term.toLowerCase();
  if (exact) return v === t ? 1 : 0;
  if (v === t) return 1;
  if (v.startsWith(t)) return 0.8;
  return v.includes(t) ? 0.5 : 0;
}

function searchPersons(c: SandboxCompany, term: string, exact: boolean | undefined, fields: Set<string>, orgId?: number) {
  const out: { result_score: number; item: Record<string, unknown> }[] = [];
  for (const p of c.persons.values()) {
    if (p.is_deleted || (orgId !== undefined && p.org_id !== orgId)) continue;
    let score = 0;
    if (fields.has('name')) score = Math.max(score, matchText(p.name, term, exact));
    if (fields.has('email')) for (const e of p.emails) score = Math.max(score, matchText(e.value, term, exact));
    if (fields.has('phone')) for (const ph of p.phones) score = Math.max(score, matchText(ph.value, term, exact));
    if (score === 0) continue;
    const org = p.org_id === null ? undefined : c.organizations.get(p.org_id);
    out.push({
      result_score: score,
      item: {
        id: p.id,
        type: 'person',
        name: p.name,
        phones: p.phones.map((x) => x.value),
        emails: p.emails.map((x) => x.value),
        visible_to: p.visible_to,
        owner: { id: p.owner_id },
        organization: org ? { id: org.id, name: org.name } : null,
        custom_fields: [],
        notes: [],
      },
    });
  }
  return out.sort((a, b) => b.result_score - a.result_score || (a.item.id as number) - (b.item.id as number));
}

export function v2MetaRoutes(): ApiRoute[] {
  return [
    fieldsRoute('person', '/api/v2/personFields', 'getPersonFieldsV2', ['contacts:read', 'contacts:full', 'admin']),
    fieldsRoute('organization', '/api/v2/organizationFields', 'getOrganizationFieldsV2', ['contacts:read', 'contacts:full', 'admin']),
    fieldsRoute('deal', '/api/v2/dealFields', 'getDealFieldsV2', ['deals:read', 'deals:full', 'admin']),
    {
      method: 'GET',
      path: '/api/v2/persons/search',
      operationId: 'searchPersons',
      spec: 'v2',
      cost: 20,
      scopes: ['search:read', 'contacts:read', 'contacts:full'],
      search: true,
      handler: (req, { company }) => {
        const q = parseOr400(searchQuery, queryObject(req.query));
        termOk(q.term, q.exact_match);
        const fields = new Set((q.fields ?? 'name,email,phone').split(','));
        const { items, next } = pageOf(searchPersons(company, q.term, q.exact_match, fields, q.organization_id), q.limit, q.cursor);
        return ok({ items }, { next_cursor: next });
      },
    },
    {
      method: 'GET',
      path: '/api/v2/itemSearch',
      operationId: 'searchItem',
      spec: 'v2',
      cost: 20,
      scopes: ['search:read'],
      search: true,
      handler: (req, { company }) => {
        const q = parseOr400(searchQuery, queryObject(req.query));
        termOk(q.term, q.exact_match);
        const types = new Set((q.item_types ?? 'person,organization,deal').split(','));
        const all: { result_score: number; item: Record<string, unknown> }[] = [];
        if (types.has('person')) all.push(...searchPersons(company, q.term, q.exact_match, new Set(['name', 'email', 'phone'])));
        if (types.has('organization')) {
          for (const o of company.organizations.values()) {
            const s = o.is_deleted ? 0 : matchText(o.name, q.term, q.exact_match);
            if (s > 0) all.push({ result_score: s, item: { id: o.id, type: 'organization', name: o.name, address: o.address, visible_to: o.visible_to, owner: { id: o.owner_id }, custom_fields: [], notes: [] } });
          }
        }
        if (types.has('deal')) {
          for (const d of company.deals.values()) {
            const s = d.is_deleted ? 0 : matchText(d.title, q.term, q.exact_match);
            if (s > 0) all.push({ result_score: s, item: { id: d.id, type: 'deal', title: d.title, value: d.value, currency: d.currency, status: d.status, visible_to: d.visible_to, owner: { id: d.owner_id }, stage: { id: d.stage_id }, person: d.person_id === null ? null : { id: d.person_id }, organization: d.org_id === null ? null : { id: d.org_id }, custom_fields: [], notes: [] } });
          }
        }
        all.sort((a, b) => b.result_score - a.result_score);
        const { items, next } = pageOf(all, q.limit, q.cursor);
        return ok({ items, related_items: [] }, { next_cursor: next });
      },
    },
    {
      method: 'GET',
      path: '/api/v2/deals/archived',
      operationId: 'getArchivedDeals',
      spec: 'v2',
      cost: 20,
      scopes: ['deals:read', 'deals:full'],
      handler: (req, { company: c }) => {
        const q = parseOr400(v2ListQuerySchema.extend({ sort_by: z.enum(['id', 'update_time']).default('id') }), queryObject(req.query));
        const { items, nextCursor } = listV2(c.deals, { sortBy: q.sort_by, direction: q.sort_direction, limit: q.limit, cursor: q.cursor, filter: (d) => d.is_archived && !d.is_deleted });
        return ok(items.map((d) => dealV2(d)), { next_cursor: nextCursor });
      },
    },
  ];
}
