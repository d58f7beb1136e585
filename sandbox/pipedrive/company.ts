import { randomUUID } from 'node:crypto';
import { EntityTable } from './entity-table';
import type {
  ActivityRec,
  ActivityTypeRec,
  ChangeSource,
  DealRec,
  EntityKind,
  FieldDefRec,
  FieldEntity,
  LeadLabelRec,
  LeadRec,
  OrganizationRec,
  PersonRec,
  PipelineRec,
  Plan,
  StageRec,
  UserRec,
  WebhookRec,
} from './model';

/** Who made a change: Pipedrive reports `change_source: api` for API calls and `app` for the UI. */
export interface ChangeContext {
  userId: number;
  source: ChangeSource;
}

/** A change as the webhook dispatcher sees it: record snapshots before and after. */
export interface ChangeEvent {
  companyId: number;
  entity: EntityKind;
  action: 'create' | 'change' | 'delete';
  entityId: string;
  before: object | null;
  after: object | null;
  ctx: ChangeContext;
  timestamp: number;
  mergedToId?: string;
  mergedFromId?: string;
}

/** Explicit creation times, used by the generator to spread records over the past. */
export interface SeedTimes {
  add: number;
  update?: number;
}

export type ChangeListener = (event: ChangeEvent) => void;

export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorInfo = 'Please check developers.pipedrive.com',
  ) {
    super(message);
  }
}

function snapshot<T>(rec: T): T {
  return structuredClone(rec);
}

export class SandboxCompany {
  readonly users = new EntityTable<UserRec>();
  readonly persons = new EntityTable<PersonRec>();
  readonly organizations = new EntityTable<OrganizationRec>();
  readonly deals = new EntityTable<DealRec>();
  readonly activities = new EntityTable<ActivityRec>();
  readonly activityTypes = new EntityTable<ActivityTypeRec>();
  readonly pipelines = new EntityTable<PipelineRec>();
  readonly stages = new EntityTable<StageRec>();
  /** Leads have UUID ids; insertion order is creation order, the default v1 sort. */
  readonly leads = new Map<string, LeadRec>();
  readonly leadLabels = new Map<string, LeadLabelRec>();
  readonly fields: Record<FieldEntity, FieldDefRec[]> = { person: [], organization: [], deal: [] };
  readonly webhooks = new Map<number, WebhookRec>();
  /** Webhook ids are never reused, even after deletions. */
  nextWebhookId = 1;
  /** API tokens (x-api-token) by value → user id. */
  readonly apiTokens = new Map<string, number>();
  private listeners: ChangeListener[] = [];
  /** While seeding, changes are not announced (no webhooks, no snapshots): keeps 100k seeds fast. */
  quiet = false;

  /** Set while `asOf` runs a change in the past. */
  private backdatedTo: number | null = null;

  constructor(
    readonly id: number,
    readonly domain: string,
    readonly name: string,
    public plan: Plan,
    private readonly clockNow: () => number,
    readonly defaultCurrency = 'EUR',
  ) {}

  now(): number {
    return this.backdatedTo ?? this.clockNow();
  }

  /**
   * Runs a change as if it had happened at `at`, so a test can give a company recent history (a
   * deal moved yesterday, a call logged last month) that the sandbox clock, which only moves
   * forward, cannot produce. Its times and webhook timestamps are `at`; an update never moves a
   * record's update_time back.
   */
  asOf<T>(at: number, change: () => T): T {
    if (!Number.isFinite(at)) throw new SandboxError(400, `asOf needs a time in milliseconds, got ${at}`);
    const outer = this.backdatedTo;
    this.backdatedTo = at;
    try {
      return change();
    } finally {
      this.backdatedTo = outer;
    }
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  private get announcing(): boolean {
    return !this.quiet && this.listeners.length > 0;
  }

  private emit(event: Omit<ChangeEvent, 'companyId' | 'timestamp'>): void {
    if (!this.announcing) return;
    const full: ChangeEvent = { ...event, companyId: this.id, timestamp: this.now() };
    for (const l of this.listeners) l(full);
  }

  get adminUserId(): number {
    for (const u of this.users.values()) if (u.is_admin) return u.id;
    throw new Error(`company ${this.domain} has no admin user`);
  }

  fieldByKey(entity: FieldEntity, key: string): FieldDefRec | undefined {
    return this.fields[entity].find((f) => f.key === key);
  }

  // ---- generic mutation helpers -------------------------------------------------------------

  private createIn<T extends { id: number; update_time: number }>(
    kind: EntityKind,
    table: EntityTable<T>,
    build: (id: number, add: number, update: number) => T,
    ctx: ChangeContext,
    times?: SeedTimes,
  ): T {
    const now = this.now();
    const rec = build(table.allocateId(), times?.add ?? now, times?.update ?? times?.add ?? now);
    table.insert(rec);
    if (this.announcing) this.emit({ entity: kind, action: 'create', entityId: String(rec.id), before: null, after: snapshot(rec), ctx });
    return rec;
  }

  private updateIn<T extends { id: number; update_time: number; is_deleted?: boolean }>(
    kind: EntityKind,
    table: EntityTable<T>,
    id: number,
    apply: (rec: T) => void,
    ctx: ChangeContext,
    extra: { mergedFromId?: string } = {},
  ): T {
    const rec = table.get(id);
    if (!rec || rec.is_deleted) throw new SandboxError(404, 'Entity was not found', 'Object was not found.');
    const before = this.announcing ? snapshot(rec) : null;
    const prevTime = rec.update_time;
    apply(rec);
    rec.update_time = Math.max(this.now(), prevTime);
    table.touched(rec, prevTime);
    if (this.announcing) this.emit({ entity: kind, action: 'change', entityId: String(id), before, after: snapshot(rec), ctx, ...extra });
    return rec;
  }

  private deleteIn<T extends { id: number; update_time: number; is_deleted: boolean }>(
    kind: EntityKind,
    table: EntityTable<T>,
    id: number,
    ctx: ChangeContext,
    extra: { mergedToId?: string } = {},
  ): T {
    const rec = table.get(id);
    if (!rec || rec.is_deleted) throw new SandboxError(404, 'Entity was not found', 'Object was not found.');
    const before = this.announcing ? snapshot(rec) : null;
    const prevTime = rec.update_time;
    // Pipedrive soft-deletes and purges after 30 days; the sandbox keeps the tombstone.
    rec.is_deleted = true;
    rec.update_time = Math.max(this.now(), prevTime);
    table.touched(rec, prevTime);
    this.emit({ entity: kind, action: 'delete', entityId: String(id), before, after: null, ctx, ...extra });
    return rec;
  }

  // ---- persons ------------------------------------------------------------------------------

  createPerson(input: Omit<PersonRec, 'id' | 'add_time' | 'update_time' | 'is_deleted'>, ctx: ChangeContext, times?: SeedTimes): PersonRec {
    return this.createIn('person', this.persons, (id, add, update) => ({ ...input, id, add_time: add, update_time: update, is_deleted: false }), ctx, times);
  }

  updatePerson(id: number, apply: (p: PersonRec) => void, ctx: ChangeContext): PersonRec {
    return this.updateIn('person', this.persons, id, apply, ctx);
  }

  deletePerson(id: number, ctx: ChangeContext): PersonRec {
    return this.deleteIn('person', this.persons, id, ctx);
  }

  /**
   * Merges person `fromId` into `intoId`, as PUT /v1/persons/{id}/merge does: the survivor keeps
   * its values, empty ones are filled from the merged person, emails/phones are united, and deals,
   * activities and leads move over. Webhooks v2 see a delete (merged_to_id) and a change
   * (merged_from_id).
   */
  mergePersons(fromId: number, intoId: number, ctx: ChangeContext): PersonRec {
    if (fromId === intoId) throw new SandboxError(400, 'Cannot merge a person with itself');
    const from = this.persons.get(fromId);
    const into = this.persons.get(intoId);
    if (!from || from.is_deleted || !into || into.is_deleted) throw new SandboxError(404, 'Entity was not found', 'Object was not found.');
    this.moveRelations('person', fromId, intoId, ctx);
    this.deleteIn('person', this.persons, fromId, ctx, { mergedToId: String(intoId) });
    const survivor = this.updateIn(
      'person',
      this.persons,
      intoId,
      (p) => {
        p.first_name ??= from.first_name;
        p.last_name ??= from.last_name;
        p.org_id ??= from.org_id;
        for (const e of from.emails) if (!p.emails.some((x) => x.value === e.value)) p.emails.push({ ...e, primary: false });
        for (const ph of from.phones) if (!p.phones.some((x) => x.value === ph.value)) p.phones.push({ ...ph, primary: false });
        for (const [k, v] of Object.entries(from.custom_fields)) if (p.custom_fields[k] == null && v != null) p.custom_fields[k] = v;
      },
      ctx,
      { mergedFromId: String(fromId) },
    );
    return survivor;
  }

  /** Merges organization `fromId` into `intoId` (PUT /v1/organizations/{id}/merge); persons, deals, activities and leads move over. */
  mergeOrganizations(fromId: number, intoId: number, ctx: ChangeContext): OrganizationRec {
    if (fromId === intoId) throw new SandboxError(400, 'Cannot merge an organization with itself');
    const from = this.organizations.get(fromId);
    const into = this.organizations.get(intoId);
    if (!from || from.is_deleted || !into || into.is_deleted) throw new SandboxError(404, 'Entity was not found', 'Object was not found.');
    this.moveRelations('organization', fromId, intoId, ctx);
    this.deleteIn('organization', this.organizations, fromId, ctx, { mergedToId: String(intoId) });
    return this.updateIn(
      'organization',
      this.organizations,
      intoId,
      (o) => {
        o.address ??= from.address;
        for (const [k, v] of Object.entries(from.custom_fields)) if (o.custom_fields[k] == null && v != null) o.custom_fields[k] = v;
      },
      ctx,
      { mergedFromId: String(fromId) },
    );
  }

  private moveRelations(kind: 'person' | 'organization', fromId: number, intoId: number, ctx: ChangeContext): void {
    const key = kind === 'person' ? 'person_id' : 'org_id';
    for (const d of this.deals.values()) {
      if (!d.is_deleted && d[key] === fromId) {
        this.updateDeal(d.id, (x) => (x[key] = intoId), ctx);
      }
    }
    for (const a of this.activities.values()) {
      if (!a.is_deleted && a[key] === fromId) {
        this.updateActivity(a.id, (x) => (x[key] = intoId), ctx);
      }
    }
    const leadKey = kind === 'person' ? 'person_id' : 'organization_id';
    for (const l of this.leads.values()) {
      if (!l.is_deleted && l[leadKey] === fromId) {
        this.updateLead(l.id, (x) => (x[leadKey] = intoId), ctx);
      }
    }
    if (kind === 'organization') {
      for (const p of this.persons.values()) {
        if (!p.is_deleted && p.org_id === fromId) {
          this.updatePerson(p.id, (x) => (x.org_id = intoId), ctx);
          }
      }
    }
  }

  // ---- organizations ------------------------------------------------------------------------

  createOrganization(input: Omit<OrganizationRec, 'id' | 'add_time' | 'update_time' | 'is_deleted'>, ctx: ChangeContext, times?: SeedTimes): OrganizationRec {
    return this.createIn('organization', this.organizations, (id, add, update) => ({ ...input, id, add_time: add, update_time: update, is_deleted: false }), ctx, times);
  }

  updateOrganization(id: number, apply: (o: OrganizationRec) => void, ctx: ChangeContext): OrganizationRec {
    return this.updateIn('organization', this.organizations, id, apply, ctx);
  }

  deleteOrganization(id: number, ctx: ChangeContext): OrganizationRec {
    return this.deleteIn('organization', this.organizations, id, ctx);
  }

  // ---- deals --------------------------------------------------------------------------------

  createDeal(input: Omit<DealRec, 'id' | 'add_time' | 'update_time' | 'is_deleted' | 'stage_change_time'>, ctx: ChangeContext, times?: SeedTimes): DealRec {
    this.requireStage(input.stage_id, input.pipeline_id);
    return this.createIn('deal', this.deals, (id, add, update) => ({ ...input, id, add_time: add, update_time: update, stage_change_time: null, is_deleted: false }), ctx, times);
  }

  requireStage(stageId: number, pipelineId?: number): StageRec {
    const stage = this.stages.get(stageId);
    if (!stage || stage.is_deleted) throw new SandboxError(400, `Stage with id ${stageId} does not exist`);
    if (pipelineId !== undefined && stage.pipeline_id !== pipelineId) throw new SandboxError(400, `Stage ${stageId} is not in pipeline ${pipelineId}`);
    return stage;
  }

  updateDeal(id: number, apply: (d: DealRec) => void, ctx: ChangeContext): DealRec {
    return this.updateIn(
      'deal',
      this.deals,
      id,
      (d) => {
        const prevStage = d.stage_id;
        const prevStatus = d.status;
        apply(d);
        if (d.stage_id !== prevStage) {
          const stage = this.requireStage(d.stage_id);
          d.pipeline_id = stage.pipeline_id;
          d.stage_change_time = this.now();
        }
        if (d.status !== prevStatus) {
          const t = this.now();
          d.close_time = d.status === 'open' ? null : t;
          if (d.status === 'won') d.won_time = t;
          if (d.status === 'lost') d.lost_time = t;
        }
      },
      ctx,
    );
  }

  deleteDeal(id: number, ctx: ChangeContext): DealRec {
    return this.deleteIn('deal', this.deals, id, ctx);
  }

  // ---- activities ---------------------------------------------------------------------------

  createActivity(input: Omit<ActivityRec, 'id' | 'add_time' | 'update_time' | 'is_deleted'>, ctx: ChangeContext, times?: SeedTimes): ActivityRec {
    return this.createIn('activity', this.activities, (id, add, update) => ({ ...input, id, add_time: add, update_time: update, is_deleted: false }), ctx, times);
  }

  updateActivity(id: number, apply: (a: ActivityRec) => void, ctx: ChangeContext): ActivityRec {
    return this.updateIn(
      'activity',
      this.activities,
      id,
      (a) => {
        const wasDone = a.done;
        apply(a);
        if (a.done && !wasDone) a.marked_as_done_time = this.now();
        if (!a.done) a.marked_as_done_time = null;
      },
      ctx,
    );
  }

  deleteActivity(id: number, ctx: ChangeContext): ActivityRec {
    return this.deleteIn('activity', this.activities, id, ctx);
  }

  // ---- pipelines and stages -----------------------------------------------------------------

  createPipeline(input: Omit<PipelineRec, 'id' | 'add_time' | 'update_time' | 'is_deleted'>, ctx: ChangeContext): PipelineRec {
    return this.createIn('pipeline', this.pipelines, (id, add, update) => ({ ...input, id, add_time: add, update_time: update, is_deleted: false }), ctx);
  }

  createStage(input: Omit<StageRec, 'id' | 'add_time' | 'update_time' | 'is_deleted'>, ctx: ChangeContext): StageRec {
    if (!this.pipelines.get(input.pipeline_id)) throw new SandboxError(400, `Pipeline with id ${input.pipeline_id} does not exist`);
    return this.createIn('stage', this.stages, (id, add, update) => ({ ...input, id, add_time: add, update_time: update, is_deleted: false }), ctx);
  }

  // ---- leads --------------------------------------------------------------------------------

  createLead(input: Omit<LeadRec, 'id' | 'add_time' | 'update_time' | 'is_deleted'>, ctx: ChangeContext, times?: SeedTimes, id: string = randomUUID()): LeadRec {
    if (input.person_id === null && input.organization_id === null) {
      throw new SandboxError(400, 'A lead must be linked to a person or an organization');
    }
    const now = this.now();
    const rec: LeadRec = { ...input, id, add_time: times?.add ?? now, update_time: times?.update ?? times?.add ?? now, is_deleted: false };
    this.leads.set(id, rec);
    this.emit({ entity: 'lead', action: 'create', entityId: id, before: null, after: snapshot(rec), ctx });
    return rec;
  }

  updateLead(id: string, apply: (l: LeadRec) => void, ctx: ChangeContext): LeadRec {
    const rec = this.leads.get(id);
    if (!rec || rec.is_deleted) throw new SandboxError(404, 'Lead not found', 'Object was not found.');
    const before = snapshot(rec);
    apply(rec);
    rec.update_time = Math.max(this.now(), before.update_time);
    this.emit({ entity: 'lead', action: 'change', entityId: id, before, after: snapshot(rec), ctx });
    return rec;
  }

  deleteLead(id: string, ctx: ChangeContext): LeadRec {
    const rec = this.leads.get(id);
    if (!rec || rec.is_deleted) throw new SandboxError(404, 'Lead not found', 'Object was not found.');
    const before = snapshot(rec);
    rec.is_deleted = true;
    rec.update_time = Math.max(this.now(), before.update_time);
    this.emit({ entity: 'lead', action: 'delete', entityId: id, before, after: null, ctx });
    return rec;
  }
}
