import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SandboxClock } from '../shared/clock';
import { SandboxCompany, SandboxError, type ChangeContext } from './company';
import { FaultInjector, type FaultRule, type FaultRuleInput } from './faults';
import { seedCompany, seedOptionsSchema, type SeedOptions, type SeedSummary } from './generator';
import type { ActivityRec, ContactValue, DealRec, OrganizationRec, PersonRec, Plan, WebhookRec } from './model';
import { OAuthState, registerAppSchema, type OAuthApp, type TokenSet } from './oauth-server';
import { RateLimitState, type RateLimitConfig } from './rate-limits';
import { WebhookDispatcher, type DeliveryAttempt } from './webhook-dispatcher';

export const createCompanySchema = z.object({
  name: z.string().optional(),
  domain: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  plan: z.enum(['lite', 'growth', 'premium', 'ultimate']).optional(),
  currency: z.string().length(3).optional(),
  seed: seedOptionsSchema.optional(),
});

export interface CompanyInfo {
  id: number;
  domain: string;
  name: string;
  plan: Plan;
  apiDomain: string;
  adminUserId: number;
  /** An x-api-token of the admin user. */
  apiToken: string;
}

export interface UninstallResult {
  callbackUrl: string;
  status: number | null;
  error?: string;
  removedTokens: number;
  removedWebhooks: number;
}

/** One API request as the sandbox saw it (status null: a held "timeout" fault). */
export interface RequestLogEntry {
  at: number;
  domain: string;
  method: string;
  /** Path below the company base, v1 normalised to /v1/... */
  path: string;
  query: Record<string, string>;
  status: number | null;
  body: unknown;
}

const REQUEST_LOG_LIMIT = 5000;

export interface PersonEdit {
  name?: string;
  first_name?: string;
  last_name?: string;
  emails?: ContactValue[];
  phones?: ContactValue[];
  org_id?: number | null;
  custom_fields?: Record<string, unknown>;
  marketing_status?: PersonRec['marketing_status'];
}

/**
 * The sandbox-only control surface: create and seed companies, act as a user in the Pipedrive UI
 * (changes carry change_source "app"), move the clock, inject faults and inspect state. The same
 * operations are served over HTTP under /_control/ (see control-routes.ts).
 */
export class PipedriveControl {
  readonly companies = new Map<number, SandboxCompany>();
  readonly byDomain = new Map<string, SandboxCompany>();
  readonly oauth: OAuthState;
  readonly rateLimits: RateLimitState;
  readonly faultInjector = new FaultInjector();
  readonly dispatcher: WebhookDispatcher;
  private nextCompanyId = 1001;
  private requests: RequestLogEntry[] = [];
  /** Who is "logged in" on the consent page. */
  loginUser: { companyId: number; userId: number } | undefined;

  constructor(
    readonly clock: SandboxClock,
    readonly baseUrl: () => string,
    rateLimits: RateLimitConfig,
    public autoApprove: boolean,
    fetchImpl: typeof fetch = fetch,
  ) {
    this.oauth = new OAuthState(
      () => clock.now(),
      (id) => this.apiDomain(this.companies.get(id)!),
    );
    this.rateLimits = new RateLimitState(rateLimits, () => clock.now());
    this.dispatcher = new WebhookDispatcher(clock, (id) => this.companies.get(id), fetchImpl);
  }

  apiDomain(c: SandboxCompany): string {
    return `${this.baseUrl()}/d/${c.domain}`;
  }

  company(domain: string): SandboxCompany {
    const c = this.byDomain.get(domain);
    if (!c) throw new SandboxError(404, `No company with domain ${domain}`);
    return c;
  }

  private info(c: SandboxCompany): CompanyInfo {
    const admin = c.adminUserId;
    let token = [...c.apiTokens].find(([, u]) => u === admin)?.[0];
    token ??= this.createApiToken(c.domain, admin);
    return { id: c.id, domain: c.domain, name: c.name, plan: c.plan, apiDomain: this.apiDomain(c), adminUserId: admin, apiToken: token };
  }

  createCompany(input: z.input<typeof createCompanySchema> = {}): CompanyInfo {
    const o = createCompanySchema.parse(input);
    const id = this.nextCompanyId++;
    const domain = o.domain ?? `company${id}`;
    if (this.byDomain.has(domain)) throw new SandboxError(400, `Domain ${domain} is taken`);
    const c = new SandboxCompany(id, domain, o.name ?? `Company ${id}`, o.plan ?? 'growth', () => this.clock.now(), o.currency ?? 'EUR');
    c.onChange((e) => this.dispatcher.enqueue(e));
    this.companies.set(id, c);
    this.byDomain.set(domain, c);
    seedCompany(c, o.seed ?? { persons: 0, organizations: 0, deals: 0, activities: 0, leads: 0 });
    return this.info(c);
  }

  seed(domain: string, opts: SeedOptions): SeedSummary {
    return seedCompany(this.company(domain), opts);
  }

  listCompanies(): CompanyInfo[] {
    return [...this.companies.values()].map((c) => this.info(c));
  }

  createApiToken(domain: string, userId?: number): string {
    const c = this.company(domain);
    const token = randomBytes(20).toString('hex');
    c.apiTokens.set(token, userId ?? c.adminUserId);
    return token;
  }

  addUser(domain: string, input: { name: string; email: string; isAdmin?: boolean }): number {
    const c = this.company(domain);
    const now = this.clock.now();
    const id = c.users.allocateId();
    c.users.insert({ id, name: input.name, email: input.email, is_admin: input.isAdmin ?? false, active_flag: true, add_time: now, update_time: now });
    return id;
  }

  // ---- OAuth ---------------------------------------------------------------------------------

  registerApp(input: z.input<typeof registerAppSchema>): OAuthApp {
    return this.oauth.registerApp(input);
  }

  setLoginUser(domain: string, userId?: number): void {
    const c = this.company(domain);
    this.loginUser = { companyId: c.id, userId: userId ?? c.adminUserId };
  }

  setAutoApprove(on: boolean): void {
    this.autoApprove = on;
  }

  issueTokens(input: { clientId: string; domain: string; userId?: number }): TokenSet {
    const c = this.company(input.domain);
    return this.oauth.issueTokens(input.clientId, c.id, input.userId ?? c.adminUserId);
  }

  /**
   * Uninstalls an app for a user as Pipedrive does: tokens and the app's webhooks of that user go,
   * and a DELETE with Basic client_id:client_secret is sent to the app's callback URL.
   */
  async uninstall(input: { clientId: string; domain: string; userId?: number }): Promise<UninstallResult> {
    const c = this.company(input.domain);
    const app = this.oauth.apps.get(input.clientId);
    if (!app) throw new SandboxError(404, `No app ${input.clientId}`);
    const userId = input.userId ?? c.adminUserId;
    return this.finishUninstall(app, c, userId, this.oauth.revokeInstallation(app.clientId, c.id, userId));
  }

  async finishUninstall(app: OAuthApp, c: SandboxCompany, userId: number, removedTokens: number): Promise<UninstallResult> {
    let removedWebhooks = 0;
    for (const w of [...c.webhooks.values()]) {
      if (w.client_id === app.clientId && w.user_id === userId) {
        c.webhooks.delete(w.id);
        this.dispatcher.dropWebhook(w.id);
        removedWebhooks++;
      }
    }
    const result: UninstallResult = { callbackUrl: app.redirectUri, status: null, removedTokens, removedWebhooks };
    try {
      const res = await fetch(app.redirectUri, {
        method: 'DELETE',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}` },
        body: JSON.stringify({ client_id: app.clientId, company_id: c.id, user_id: userId, timestamp: new Date(this.clock.now()).toISOString() }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      result.status = res.status;
    } catch (e) {
      result.error = (e as Error).message;
    }
    return result;
  }

  // ---- acting as a user in the Pipedrive UI (change_source "app") -----------------------------

  private uiCtx(c: SandboxCompany, userId?: number): ChangeContext {
    return { userId: userId ?? c.adminUserId, source: 'app' };
  }

  /** `at` (epoch ms, optional): when the change happened, for history in the past (SandboxCompany.asOf). */
  moveDeal(domain: string, dealId: number, stageId: number, userId?: number, at?: number): DealRec {
    const c = this.company(domain);
    return this.at(c, at, () => c.updateDeal(dealId, (d) => (d.stage_id = stageId), this.uiCtx(c, userId)));
  }

  setDealStatus(domain: string, dealId: number, status: DealRec['status'], userId?: number, at?: number): DealRec {
    const c = this.company(domain);
    return this.at(c, at, () => c.updateDeal(dealId, (d) => (d.status = status), this.uiCtx(c, userId)));
  }

  createDeal(domain: string, input: { title: string; stageId: number; personId?: number | null; orgId?: number | null; value?: number; currency?: string; at?: number }, userId?: number): DealRec {
    const c = this.company(domain);
    const ctx = this.uiCtx(c, userId);
    const stage = c.requireStage(input.stageId);
    return this.at(c, input.at, () =>
      c.createDeal(
        {
          title: input.title, owner_id: ctx.userId, person_id: input.personId ?? null, org_id: input.orgId ?? null, pipeline_id: stage.pipeline_id, stage_id: stage.id, value: input.value ?? 0, currency: input.currency ?? c.defaultCurrency,
          is_archived: false, status: 'open', probability: null, lost_reason: null, visible_to: 3, close_time: null, won_time: null, lost_time: null, expected_close_date: null, label_ids: [], custom_fields: {},
        },
        ctx,
      ),
    );
  }

  private at<T>(c: SandboxCompany, at: number | undefined, change: () => T): T {
    return at === undefined ? change() : c.asOf(at, change);
  }

  createPerson(domain: string, input: { name: string; emails?: string[]; phones?: string[]; org_id?: number | null }, userId?: number): PersonRec {
    const c = this.company(domain);
    const toContacts = (xs: string[] = []) => xs.map((value, i) => ({ value, primary: i === 0, label: 'work' }));
    const [first, ...rest] = input.name.split(' ');
    return c.createPerson(
      { name: input.name, first_name: first ?? null, last_name: rest.join(' ') || null, owner_id: userId ?? c.adminUserId, org_id: input.org_id ?? null, emails: toContacts(input.emails), phones: toContacts(input.phones), visible_to: 3, label_ids: [], custom_fields: {}, marketing_status: 'no_consent' },
      this.uiCtx(c, userId),
    );
  }

  editPerson(domain: string, id: number, edit: PersonEdit, userId?: number): PersonRec {
    const c = this.company(domain);
    return c.updatePerson(
      id,
      (p) => {
        const { custom_fields, ...plain } = edit;
        Object.assign(p, plain);
        if (edit.name === undefined && (edit.first_name !== undefined || edit.last_name !== undefined)) p.name = [p.first_name, p.last_name].filter(Boolean).join(' ');
        if (custom_fields) Object.assign(p.custom_fields, custom_fields);
      },
      this.uiCtx(c, userId),
    );
  }

  deletePerson(domain: string, id: number, userId?: number): PersonRec {
    const c = this.company(domain);
    return c.deletePerson(id, this.uiCtx(c, userId));
  }

  mergePersons(domain: string, fromId: number, intoId: number, userId?: number): PersonRec {
    const c = this.company(domain);
    return c.mergePersons(fromId, intoId, this.uiCtx(c, userId));
  }

  mergeOrganizations(domain: string, fromId: number, intoId: number, userId?: number): OrganizationRec {
    const c = this.company(domain);
    return c.mergeOrganizations(fromId, intoId, this.uiCtx(c, userId));
  }

  logActivity(domain: string, input: { subject: string; type?: string; dealId?: number; personId?: number; done?: boolean; note?: string; at?: number }, userId?: number): ActivityRec {
    const c = this.company(domain);
    const deal = input.dealId === undefined ? undefined : c.deals.get(input.dealId);
    const ctx = this.uiCtx(c, userId);
    return this.at(c, input.at, () => c.createActivity(
      {
        subject: input.subject, type: input.type ?? 'call', owner_id: ctx.userId, creator_user_id: ctx.userId, deal_id: input.dealId ?? null, lead_id: null, person_id: input.personId ?? deal?.person_id ?? null, org_id: deal?.org_id ?? null,
        due_date: new Date(c.now()).toISOString().slice(0, 10), due_time: null, duration: null, busy: false, done: input.done ?? true, marked_as_done_time: input.done === false ? null : c.now(), public_description: null, priority: null, note: input.note ?? null,
      },
      ctx,
    ));
  }

  // ---- clock, faults, rate limits -------------------------------------------------------------

  /** Moves the sandbox clock and runs what became due (webhook retries, timeouts). */
  async advanceClock(ms: number): Promise<number> {
    this.clock.advance(ms);
    await this.dispatcher.flush();
    return this.clock.now();
  }

  injectFault(rule: FaultRuleInput): void {
    this.faultInjector.add(rule);
  }

  clearFaults(): void {
    this.faultInjector.clear();
  }

  faults(): FaultRule[] {
    return this.faultInjector.pending();
  }

  setRateLimits(config: RateLimitConfig): void {
    this.rateLimits.config = config;
  }

  budget(domain: string): { used: number; limit: number } {
    const c = this.company(domain);
    return { used: this.rateLimits.budgetUsed(c.id), limit: this.rateLimits.dailyBudget(c.plan, c.users.size) };
  }

  // ---- webhooks and inspection ---------------------------------------------------------------

  recordRequest(entry: RequestLogEntry): void {
    this.requests.push(entry);
    if (this.requests.length > REQUEST_LOG_LIMIT) this.requests.splice(0, this.requests.length - REQUEST_LOG_LIMIT);
  }

  /** The last API requests (at most 5000), optionally of one company. */
  requestLog(domain?: string): RequestLogEntry[] {
    return this.requests.filter((r) => domain === undefined || r.domain === domain);
  }

  clearRequestLog(): void {
    this.requests = [];
  }

  deliveries(): DeliveryAttempt[] {
    return [...this.dispatcher.log];
  }

  async flushWebhooks(): Promise<void> {
    await this.dispatcher.flush();
  }

  webhooks(domain: string): WebhookRec[] {
    return [...this.company(domain).webhooks.values()].map((w) => ({ ...w }));
  }

  stats(domain: string): Record<string, number> {
    const c = this.company(domain);
    const live = (it: Iterable<{ is_deleted: boolean }>) => [...it].filter((r) => !r.is_deleted).length;
    return {
      users: c.users.size,
      persons: live(c.persons.values()),
      organizations: live(c.organizations.values()),
      deals: live(c.deals.values()),
      activities: live(c.activities.values()),
      leads: live(c.leads.values()),
      pipelines: c.pipelines.size,
      stages: c.stages.size,
      webhooks: c.webhooks.size,
    };
  }

  person(domain: string, id: number): PersonRec | undefined {
    return this.company(domain).persons.get(id);
  }

  deal(domain: string, id: number): DealRec | undefined {
    return this.company(domain).deals.get(id);
  }
}
