import 'server-only';
import { z } from 'zod';
import { RateBudgetExhaustedError, type RateLimiter, type RatePolicy } from '@/lib/ratelimit/types';
import { ADMIN_MESSAGES, classifyHttpError, nextBudgetReset, PipedriveError } from './errors';
import { burstPolicy, dailyBudgetPolicy, searchPolicy, TOKEN_COST, type PipedrivePlan } from './rate-policy';
import { activityCreateSchema, activitySchema, type Activity, type ActivityCreate } from './schemas/activity';
import { deletedIdSchema, v1ItemSchema, v1ListSchema, v2ItemSchema, v2ListSchema } from './schemas/common';
import { dealSchema, type Deal } from './schemas/deal';
import { fieldSchema, type FieldDefinition, type FieldEntity } from './schemas/field';
import { leadLabelSchema, leadSchema, type Lead, type LeadLabel } from './schemas/lead';
import { organizationSchema, type Organization } from './schemas/organization';
import { personCreateSchema, personSchema, personUpdateSchema, type Person, type PersonCreate, type PersonUpdate } from './schemas/person';
import { pipelineSchema, stageSchema, type Pipeline, type Stage } from './schemas/pipeline';
import { recentItemSchema, type RecentItem } from './schemas/recents';
import { currentUserSchema, type CurrentUser } from './schemas/user';
import { webhookCreateSchema, webhookSubscriptionSchema, type WebhookCreate, type WebhookSubscription } from './schemas/webhook';

export type PipedriveAuth =
  | {
      kind: 'oauth';
      getAccessToken(): Promise<string>;
      /** Called once after a 401 so the owner can refresh; the request is then retried once. */
      onUnauthorized?(): Promise<void>;
    }
  | { kind: 'api_token'; token: string };

export interface PipedriveClientOptions {
  /** `api_domain` of the installation, e.g. https://acme.pipedrive.com (no /api suffix). */
  apiDomain: string;
  auth: PipedriveAuth;
  /** Shared by every worker: the burst and daily budgets live under `budgetKey`. */
  limiter: RateLimiter;
  /** Key of the company's daily token budget (shared by every installation of the company). */
  budgetKey: string;
  /** Key of the per-token burst window; defaults to budgetKey. Use the installation id when a company has several. */
  burstKey?: string;
  fetch?: typeof fetch;
  /** pino-compatible; retries, 429s and budget pauses are logged at warn (never tokens). */
  log?: { warn(obj: Record<string, unknown>, msg: string): void };
  plan?: PipedrivePlan;
  seats?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Retries of transient failures and burst 429s (default 4). */
  maxRetries?: number;
  /** First backoff step (default 500 ms, doubled per attempt, capped at 30 s). */
  backoffBaseMs?: number;
  /** How long to wait for the shared burst budget before giving up (default 60 s). */
  maxRateWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type QueryValue = string | number | boolean | undefined | null;

interface RequestSpec<S extends z.ZodType> {
  operation: string;
  method: Method;
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  cost: number;
  search?: boolean;
  schema: S;
}

export interface V2ListParams {
  /** Inclusive lower bound on update_time. */
  updatedSince?: Date | string;
  /** Exclusive upper bound on update_time. */
  updatedUntil?: Date | string;
  sortBy?: 'id' | 'update_time' | 'add_time';
  sortDirection?: 'asc' | 'desc';
  ids?: number[];
  ownerId?: number;
  /** Page size, at most 500 (default 500). */
  limit?: number;
  /** Resume from a checkpointed cursor. */
  cursor?: string;
  /** At most 15 custom-field keys to return. */
  customFields?: string[];
}

export interface Page<T> {
  items: T[];
  /** null on the last page. */
  nextCursor: string | null;
}

function iso(d: Date | string | undefined): string | undefined {
  if (d === undefined) return undefined;
  const date = typeof d === 'string' ? new Date(d) : d;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function v2ListQuery(p: V2ListParams): Record<string, QueryValue> {
  if (p.ids && p.ids.length > 100) throw new RangeError('ids: at most 100 per request');
  if (p.customFields && p.customFields.length > 15) throw new RangeError('customFields: at most 15 keys');
  return {
    updated_since: iso(p.updatedSince),
    updated_until: iso(p.updatedUntil),
    sort_by: p.sortBy,
    sort_direction: p.sortDirection,
    ids: p.ids?.join(','),
    owner_id: p.ownerId,
    limit: Math.min(500, p.limit ?? 500),
    cursor: p.cursor,
    custom_fields: p.customFields?.join(','),
  };
}

/** /v1/recents reaches at most about one month back. */
export const RECENTS_MAX_AGE_MS = 30 * 864e5;

const UNKNOWN_DAILY_POLICY: RatePolicy = { capacity: 1e12, refillPerSecond: 1e12 / 86_400 };
/** Pause once fewer tokens remain than the costliest operation (a merge or archived-leads page: 40). */
export const DAILY_RESERVE_TOKENS = 40;

const IDEMPOTENT = new Set<Method>(['GET', 'PUT', 'PATCH', 'DELETE']);

function headerNumber(h: Headers, name: string): number | undefined {
  const v = h.get(name);
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The only door to Pipedrive. API v2 first; v1 for leads, recents, users, webhooks and merges.
 * Every request first spends the company's shared budgets (daily tokens by x-token-cost, then
 * the per-token burst), then feeds the rate headers back so every worker slows down before a 429.
 */
export class PipedriveClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private burst: RatePolicy;
  private readonly daily: RatePolicy;

  constructor(private readonly o: PipedriveClientOptions) {
    this.base = o.apiDomain.replace(/\/+$/, '');
    if (!/^https?:\/\//.test(this.base)) throw new TypeError(`apiDomain must be an absolute URL, got ${o.apiDomain}`);
    this.fetchImpl = o.fetch ?? fetch;
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.burst = burstPolicy(o.plan, o.auth.kind);
    // Without a known plan the local daily bucket does not gate: the company's real remaining
    // budget comes from the response headers (and a daily 429) instead of a guess.
    this.daily = o.plan ? dailyBudgetPolicy(o.plan, o.seats) : UNKNOWN_DAILY_POLICY;
  }

  private get keys() {
    const burst = this.o.burstKey ?? this.o.budgetKey;
    return { daily: `${this.o.budgetKey}:daily`, burst: `${burst}:burst`, search: `${burst}:search` };
  }

  private warn(spec: RequestSpec<z.ZodType>, msg: string, extra: Record<string, unknown> = {}): void {
    this.o.log?.warn({ pipedrive: { operation: spec.operation, method: spec.method, path: spec.path, budgetKey: this.o.budgetKey, ...extra } }, msg);
  }

  private async spendBudget(spec: RequestSpec<z.ZodType>): Promise<void> {
    try {
      // The daily budget is never waited for: when it is spent the company's work pauses.
      await this.o.limiter.acquire(this.keys.daily, this.daily, spec.cost, 0);
    } catch (e) {
      if (e instanceof RateBudgetExhaustedError) {
        throw new PipedriveError({ kind: 'budget_exhausted', operation: spec.operation, message: 'daily token budget spent', adminMessage: ADMIN_MESSAGES.budget(e.retryAt), retryAt: e.retryAt, cause: e });
      }
      throw e;
    }
    try {
      await this.o.limiter.acquire(this.keys.burst, this.burst, 1, this.o.maxRateWaitMs ?? 60_000);
      if (spec.search) await this.o.limiter.acquire(this.keys.search, searchPolicy(), 1, this.o.maxRateWaitMs ?? 60_000);
    } catch (e) {
      if (e instanceof RateBudgetExhaustedError) {
        throw new PipedriveError({ kind: 'rate_limited', operation: spec.operation, message: 'burst budget blocked', adminMessage: ADMIN_MESSAGES.rateLimited, retryAt: e.retryAt, cause: e });
      }
      throw e;
    }
  }

  /** Feeds x-ratelimit-* and the daily-budget headers back to the shared limiter. */
  private async observe(h: Headers): Promise<void> {
    const now = this.now();
    const limit = headerNumber(h, 'x-ratelimit-limit');
    if (limit !== undefined && limit > 0 && limit !== this.burst.capacity) this.burst = { capacity: limit, refillPerSecond: limit / 2 };
    const remaining = headerNumber(h, 'x-ratelimit-remaining');
    const reset = headerNumber(h, 'x-ratelimit-reset');
    if (remaining !== undefined) await this.o.limiter.observe(this.keys.burst, this.burst, { remaining, resetAt: new Date(now + (reset ?? 2) * 1000) });
    const dailyRemaining = headerNumber(h, 'x-daily-ratelimit-token-remaining');
    if (dailyRemaining !== undefined) {
      const reset = nextBudgetReset(now);
      // Stop just before the budget runs dry, so no worker spends a request on a 429.
      const o = dailyRemaining < DAILY_RESERVE_TOKENS ? { remaining: 0, resetAt: reset, blockedUntil: reset } : { remaining: dailyRemaining, resetAt: reset };
      await this.o.limiter.observe(this.keys.daily, this.daily, o);
    }
  }

  private async authHeaders(): Promise<Record<string, string>> {
    if (this.o.auth.kind === 'api_token') return { 'x-api-token': this.o.auth.token };
    return { authorization: `Bearer ${await this.o.auth.getAccessToken()}` };
  }

  private backoff(attempt: number): number {
    const base = this.o.backoffBaseMs ?? 500;
    return Math.min(30_000, base * 2 ** attempt) * (0.5 + Math.random() / 2);
  }

  private url(path: string, query?: Record<string, QueryValue>): string {
    const u = new URL(`${this.base}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** Sends one request with budgets, retries and classification; returns the parsed body. */
  private async send<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S>> {
    const maxRetries = this.o.maxRetries ?? 4;
    let authRetried = false;
    for (let attempt = 0; ; attempt++) {
      await this.spendBudget(spec);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.o.timeoutMs ?? 30_000);
      let res: Response;
      let raw: string;
      try {
        res = await this.fetchImpl(this.url(spec.path, spec.query), {
          method: spec.method,
          headers: { accept: 'application/json', ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }), ...(await this.authHeaders()) },
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          signal: controller.signal,
        });
        raw = await res.text();
      } catch (e) {
        clearTimeout(timer);
        const err = new PipedriveError({ kind: 'transient', operation: spec.operation, message: controller.signal.aborted ? 'request timed out' : `network error: ${(e as Error).message}`, adminMessage: ADMIN_MESSAGES.transient, cause: e });
        // A POST may have been applied before the connection broke: never repeat it blindly.
        if (IDEMPOTENT.has(spec.method) && attempt < maxRetries) {
          this.warn(spec, 'Pipedrive request failed, retrying', { attempt, error: err.message });
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw err;
      }
      clearTimeout(timer);
      await this.observe(res.headers);
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      if (res.ok && body !== undefined && (body as { success?: unknown }).success !== false) {
        const parsed = spec.schema.safeParse(body);
        if (parsed.success) return parsed.data;
        throw new PipedriveError({ kind: 'invalid', operation: spec.operation, status: res.status, message: `unexpected response shape: ${z.prettifyError(parsed.error)}`, adminMessage: 'Pipedrive answered in a format this app does not understand. Please contact support.' });
      }
      if (res.ok) {
        // A 200 with a body that is not JSON (cut off or garbled): a transport problem.
        const err = body === undefined
          ? new PipedriveError({ kind: 'transient', operation: spec.operation, status: res.status, message: 'malformed JSON in response', adminMessage: ADMIN_MESSAGES.transient })
          : classifyHttpError({ operation: spec.operation, status: 400, body, rawBody: raw, headers: res.headers, now: this.now() });
        if (err.kind === 'transient' && IDEMPOTENT.has(spec.method) && attempt < maxRetries) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw err;
      }
      const err = classifyHttpError({ operation: spec.operation, status: res.status, body, rawBody: raw, headers: res.headers, now: this.now() });
      if (err.kind === 'auth' && this.o.auth.kind === 'oauth' && this.o.auth.onUnauthorized && !authRetried) {
        authRetried = true;
        await this.o.auth.onUnauthorized();
        continue;
      }
      if (err.kind === 'budget_exhausted') {
        this.warn(spec, 'Pipedrive daily budget spent, pausing the company', { retryAt: err.retryAt?.toISOString() });
        await this.o.limiter.observe(this.keys.daily, this.daily, { remaining: 0, blockedUntil: err.retryAt });
        throw err;
      }
      if (err.kind === 'rate_limited' && err.retryAt && attempt < maxRetries) {
        this.warn(spec, 'Pipedrive rate limit hit, waiting for the reset', { attempt, retryAt: err.retryAt.toISOString() });
        // A 429 was not processed, so even a POST can be repeated once the window resets.
        await this.o.limiter.observe(this.keys.burst, this.burst, { remaining: 0, blockedUntil: err.retryAt });
        continue;
      }
      if (err.kind === 'transient' && IDEMPOTENT.has(spec.method) && attempt < maxRetries) {
        this.warn(spec, 'Pipedrive answered with a server error, retrying', { attempt, status: res.status });
        const retryAfter = headerNumber(res.headers, 'retry-after');
        await this.sleep(retryAfter !== undefined ? retryAfter * 1000 : this.backoff(attempt));
        continue;
      }
      throw err;
    }
  }

  // ---- pagination ------------------------------------------------------------------------------

  /** Cursor pages of a v2 list, to the page whose next_cursor is null. */
  private async *v2Pages<T extends z.ZodType>(operation: string, path: string, query: Record<string, QueryValue>, item: T, cost: number = TOKEN_COST.v2List): AsyncGenerator<Page<z.output<T>>, void, undefined> {
    let cursor = typeof query.cursor === 'string' ? query.cursor : undefined;
    const schema = v2ListSchema(item);
    do {
      const page = await this.send({ operation, method: 'GET', path, query: { ...query, cursor }, cost, schema });
      const next = page.additional_data?.next_cursor ?? null;
      yield { items: page.data, nextCursor: next };
      cursor = next ?? undefined;
    } while (cursor);
  }

  /** start/limit pages of a v1 list, following next_start while more_items_in_collection. */
  private async *v1Pages<T extends z.ZodType>(operation: string, path: string, query: Record<string, QueryValue>, item: T, cost: number): AsyncGenerator<z.output<T>[], void, undefined> {
    let start = 0;
    const limit = 500;
    for (;;) {
      const page = await this.send({ operation, method: 'GET', path, query: { ...query, start, limit }, cost, schema: v1ListSchema(item) });
      yield page.data;
      if (!page.more) return;
      start = page.nextStart ?? start + page.data.length;
    }
  }

  private async *flatten<T>(pages: AsyncIterable<Page<T> | T[]>): AsyncGenerator<T, void, undefined> {
    for await (const p of pages) yield* Array.isArray(p) ? p : p.items;
  }

  // ---- API v2 reads --------------------------------------------------------------------------

  personPages(p: V2ListParams & { orgId?: number; includeMarketingStatus?: boolean } = {}): AsyncGenerator<Page<Person>, void, undefined> {
    return this.v2Pages('list persons', '/api/v2/persons', { ...v2ListQuery(p), org_id: p.orgId, include_fields: p.includeMarketingStatus ? 'marketing_status' : undefined }, personSchema);
  }

  persons(p: Parameters<PipedriveClient['personPages']>[0] = {}): AsyncGenerator<Person, void, undefined> {
    return this.flatten(this.personPages(p));
  }

  organizationPages(p: V2ListParams = {}): AsyncGenerator<Page<Organization>, void, undefined> {
    return this.v2Pages('list organizations', '/api/v2/organizations', v2ListQuery(p), organizationSchema);
  }

  organizations(p: V2ListParams = {}): AsyncGenerator<Organization, void, undefined> {
    return this.flatten(this.organizationPages(p));
  }

  dealPages(p: V2ListParams & { personId?: number; orgId?: number; pipelineId?: number; stageId?: number; status?: ('open' | 'won' | 'lost' | 'deleted')[] } = {}): AsyncGenerator<Page<Deal>, void, undefined> {
    return this.v2Pages('list deals', '/api/v2/deals', { ...v2ListQuery(p), person_id: p.personId, org_id: p.orgId, pipeline_id: p.pipelineId, stage_id: p.stageId, status: p.status?.join(',') }, dealSchema);
  }

  deals(p: Parameters<PipedriveClient['dealPages']>[0] = {}): AsyncGenerator<Deal, void, undefined> {
    return this.flatten(this.dealPages(p));
  }

  activityPages(p: V2ListParams & { dealId?: number; personId?: number; orgId?: number; leadId?: string; done?: boolean } = {}): AsyncGenerator<Page<Activity>, void, undefined> {
    return this.v2Pages('list activities', '/api/v2/activities', { ...v2ListQuery(p), custom_fields: undefined, deal_id: p.dealId, person_id: p.personId, org_id: p.orgId, lead_id: p.leadId, done: p.done }, activitySchema);
  }

  activities(p: Parameters<PipedriveClient['activityPages']>[0] = {}): AsyncGenerator<Activity, void, undefined> {
    return this.flatten(this.activityPages(p));
  }

  pipelines(): AsyncGenerator<Pipeline, void, undefined> {
    return this.flatten(this.v2Pages('list pipelines', '/api/v2/pipelines', { limit: 500 }, pipelineSchema, TOKEN_COST.v2ListSmall));
  }

  stages(p: { pipelineId?: number } = {}): AsyncGenerator<Stage, void, undefined> {
    return this.flatten(this.v2Pages('list stages', '/api/v2/stages', { limit: 500, pipeline_id: p.pipelineId }, stageSchema, TOKEN_COST.v2ListSmall));
  }

  /** Field definitions (v2 Fields API) with their 40-character keys and option ids. */
  fields(entity: FieldEntity): AsyncGenerator<FieldDefinition, void, undefined> {
    const path = { person: '/api/v2/personFields', organization: '/api/v2/organizationFields', deal: '/api/v2/dealFields' }[entity];
    return this.flatten(this.v2Pages(`list ${entity} fields`, path, { limit: 500 }, fieldSchema, TOKEN_COST.v2Fields));
  }

  /**
   * The highest id of persons, organizations or deals (one page of one record, sorted by id
   * descending), or null when there are none. v2 lists carry no totals; with the ids a backfill
   * has read, this estimates how much is left.
   */
  async highestId(entity: 'persons' | 'organizations' | 'deals'): Promise<number | null> {
    const idOnly = z.object({ id: z.number().int() }).loose();
    const page = await this.send({ operation: `highest ${entity} id`, method: 'GET', path: `/api/v2/${entity}`, query: { sort_by: 'id', sort_direction: 'desc', limit: 1 }, cost: TOKEN_COST.v2List, schema: v2ListSchema(idOnly) });
    return page.data[0]?.id ?? null;
  }

  async getPerson(id: number, opts: { includeMarketingStatus?: boolean } = {}): Promise<Person> {
    const r = await this.send({ operation: `get person ${id}`, method: 'GET', path: `/api/v2/persons/${id}`, query: { include_fields: opts.includeMarketingStatus ? 'marketing_status' : undefined }, cost: TOKEN_COST.v2Get, schema: v2ItemSchema(personSchema) });
    return r.data;
  }

  async getOrganization(id: number): Promise<Organization> {
    return (await this.send({ operation: `get organization ${id}`, method: 'GET', path: `/api/v2/organizations/${id}`, cost: TOKEN_COST.v2Get, schema: v2ItemSchema(organizationSchema) })).data;
  }

  async getDeal(id: number): Promise<Deal> {
    return (await this.send({ operation: `get deal ${id}`, method: 'GET', path: `/api/v2/deals/${id}`, cost: TOKEN_COST.v2Get, schema: v2ItemSchema(dealSchema) })).data;
  }

  async getActivity(id: number): Promise<Activity> {
    return (await this.send({ operation: `get activity ${id}`, method: 'GET', path: `/api/v2/activities/${id}`, cost: TOKEN_COST.v2Get, schema: v2ItemSchema(activitySchema) })).data;
  }

  /** Person search (v2); the search burst limit is 10 requests per 2 s. */
  searchPersons(term: string, opts: { fields?: ('name' | 'email' | 'phone' | 'notes' | 'custom_fields')[]; exactMatch?: boolean } = {}): AsyncGenerator<{ id: number; name: string; emails: string[] }, void, undefined> {
    const item = z.object({ result_score: z.number(), item: z.object({ id: z.number().int(), name: z.string(), emails: z.array(z.string()).nullish() }).loose() });
    const schema = z.object({ success: z.literal(true), data: z.object({ items: z.array(item) }), additional_data: z.object({ next_cursor: z.string().nullish() }).nullish() });
    const send = (cursor?: string) =>
      this.send({ operation: 'search persons', method: 'GET', path: '/api/v2/persons/search', query: { term, fields: opts.fields?.join(','), exact_match: opts.exactMatch, limit: 100, cursor }, cost: TOKEN_COST.v2Search, search: true, schema });
    return (async function* () {
      let cursor: string | undefined;
      do {
        const page = await send(cursor);
        for (const r of page.data.items) yield { id: r.item.id, name: r.item.name, emails: r.item.emails ?? [] };
        cursor = page.additional_data?.next_cursor ?? undefined;
      } while (cursor);
    })();
  }

  // ---- API v2 writes -------------------------------------------------------------------------

  /** PATCH a person, e.g. to write an unsubscribe back as marketing_status. */
  async updatePerson(id: number, patch: PersonUpdate): Promise<Person> {
    const body = personUpdateSchema.parse(patch);
    return (await this.send({ operation: `update person ${id}`, method: 'PATCH', path: `/api/v2/persons/${id}`, body, cost: TOKEN_COST.v2Write, schema: v2ItemSchema(personSchema) })).data;
  }

  async createPerson(input: PersonCreate): Promise<Person> {
    const body = personCreateSchema.parse(input);
    return (await this.send({ operation: 'create person', method: 'POST', path: '/api/v2/persons', body, cost: TOKEN_COST.v2Write, schema: v2ItemSchema(personSchema) })).data;
  }

  async deletePerson(id: number): Promise<void> {
    await this.send({ operation: `delete person ${id}`, method: 'DELETE', path: `/api/v2/persons/${id}`, cost: TOKEN_COST.v2Delete, schema: v2ItemSchema(deletedIdSchema) });
  }

  async createActivity(input: ActivityCreate): Promise<Activity> {
    const body = activityCreateSchema.parse(input);
    return (await this.send({ operation: 'create activity', method: 'POST', path: '/api/v2/activities', body, cost: TOKEN_COST.v2Write, schema: v2ItemSchema(activitySchema) })).data;
  }

  // ---- API v1 (leads, recents, users, webhooks, merges) -----------------------------------------

  /** Leads (v1 only). `updatedSince` (update_time >=) is newer than the October 2025 spec. */
  leads(p: { archived?: boolean; ownerId?: number; personId?: number; organizationId?: number; updatedSince?: Date | string } = {}): AsyncGenerator<Lead, void, undefined> {
    const path = p.archived ? '/api/v1/leads/archived' : '/api/v1/leads';
    const query = { owner_id: p.ownerId, person_id: p.personId, organization_id: p.organizationId, updated_since: iso(p.updatedSince) };
    return this.flatten(this.v1Pages(p.archived ? 'list archived leads' : 'list leads', path, query, leadSchema, p.archived ? TOKEN_COST.v1ArchivedLeads : TOKEN_COST.v1Leads));
  }

  /** Archived deals, which the normal deal list leaves out since 2025-07-15. */
  archivedDeals(p: Pick<V2ListParams, 'sortBy' | 'sortDirection' | 'limit' | 'cursor'> = {}): AsyncGenerator<Deal, void, undefined> {
    return this.flatten(this.v2Pages('list archived deals', '/api/v2/deals/archived', { sort_by: p.sortBy, sort_direction: p.sortDirection, limit: Math.min(500, p.limit ?? 500), cursor: p.cursor }, dealSchema, TOKEN_COST.v2ArchivedDeals));
  }

  async getLead(id: string): Promise<Lead> {
    return (await this.send({ operation: `get lead ${id}`, method: 'GET', path: `/api/v1/leads/${encodeURIComponent(id)}`, cost: TOKEN_COST.v1Lead, schema: v1ItemSchema(leadSchema) })).data;
  }

  async leadLabels(): Promise<LeadLabel[]> {
    return (await this.send({ operation: 'list lead labels', method: 'GET', path: '/api/v1/leadLabels', cost: TOKEN_COST.v1LeadLabels, schema: v1ItemSchema(z.array(leadLabelSchema)) })).data;
  }

  /** Changes since a time at most one month back (older: use v2 lists with updatedSince). */
  recents(p: { since: Date; items?: ('activity' | 'deal' | 'person' | 'organization' | 'pipeline' | 'stage' | 'user')[] }): AsyncGenerator<RecentItem, void, undefined> {
    if (this.now() - p.since.getTime() > RECENTS_MAX_AGE_MS) {
      // Spend no request on a call Pipedrive refuses; the caller falls back to v2 lists.
      throw new PipedriveError({ kind: 'invalid', operation: 'list recents', message: 'since is more than a month back', adminMessage: 'Internal: /v1/recents only reaches one month back; use the v2 lists with updatedSince.' });
    }
    const since = p.since.toISOString().slice(0, 19).replace('T', ' ');
    return this.flatten(this.v1Pages('list recents', '/api/v1/recents', { since_timestamp: since, items: p.items?.join(',') }, recentItemSchema, TOKEN_COST.v1Recents));
  }

  async me(): Promise<CurrentUser> {
    return (await this.send({ operation: 'get current user', method: 'GET', path: '/api/v1/users/me', cost: TOKEN_COST.v1Me, schema: v1ItemSchema(currentUserSchema) })).data;
  }

  async listWebhooks(): Promise<WebhookSubscription[]> {
    return (await this.send({ operation: 'list webhooks', method: 'GET', path: '/api/v1/webhooks', cost: TOKEN_COST.v1Webhooks, schema: v1ItemSchema(z.array(webhookSubscriptionSchema)) })).data;
  }

  async createWebhook(input: WebhookCreate): Promise<WebhookSubscription> {
    const body = webhookCreateSchema.parse(input);
    return (await this.send({ operation: 'create webhook', method: 'POST', path: '/api/v1/webhooks', body, cost: TOKEN_COST.v1WebhookCreate, schema: v1ItemSchema(webhookSubscriptionSchema) })).data;
  }

  async deleteWebhook(id: number): Promise<void> {
    await this.send({ operation: `delete webhook ${id}`, method: 'DELETE', path: `/api/v1/webhooks/${id}`, cost: TOKEN_COST.v1WebhookDelete, schema: z.object({ success: z.literal(true) }) });
  }

  /** Merges organization `fromId` into `intoId`; its persons and deals move to the survivor. */
  async mergeOrganizations(fromId: number, intoId: number): Promise<{ id: number }> {
    return (await this.send({ operation: `merge organization ${fromId}`, method: 'PUT', path: `/api/v1/organizations/${fromId}/merge`, body: { merge_with_id: intoId }, cost: TOKEN_COST.v1Merge, schema: v1ItemSchema(z.object({ id: z.number().int() })) })).data;
  }

  /** Merges person `fromId` into `intoId` (the survivor wins conflicts). */
  async mergePersons(fromId: number, intoId: number): Promise<{ id: number }> {
    return (await this.send({ operation: `merge person ${fromId}`, method: 'PUT', path: `/api/v1/persons/${fromId}/merge`, body: { merge_with_id: intoId }, cost: TOKEN_COST.v1Merge, schema: v1ItemSchema(z.object({ id: z.number().int() }).loose()) })).data;
  }
}
