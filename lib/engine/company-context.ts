import type pg from 'pg';
import { brevoClientForCompany } from '../accounts/brevo-connection';
import type { BrevoClient } from '../brevo';
import { pgPool } from '../db/pool';
import { prisma } from '../db/prisma';
import type { PipedriveClient } from '../pipedrive';
import {
  planAttributeProvisioning,
  type BrevoAttributeType,
  type FieldDefinition,
  type PipedrivePipeline,
  type PipedriveStage,
  type SyncConfig,
} from '../sync';
import { loadSyncConfig } from './config-store';
import { pipedriveForCompany } from './pipedrive-access';

/**
 * Everything a sync step needs about one company, loaded once per job: its configuration, a
 * Pipedrive and a Brevo client spending the company's shared budgets, and the small metadata
 * (field definitions, pipelines, stages, Brevo attribute types) that every record is mapped with.
 */
export interface CompanyContext {
  companyId: string;
  config: SyncConfig;
  eventsSince: Date | null;
  pipedrive: PipedriveClient;
  brevo: BrevoClient;
  db: pg.Pool;
  personFields: FieldDefinition[];
  organizationFields: FieldDefinition[];
  pipelines: PipedrivePipeline[];
  stages: PipedriveStage[];
  brevoAttributeTypes: Record<string, BrevoAttributeType>;
  /** Pipedrive requests made for metadata (the benchmark counts them). */
  metadataRequests: number;
}

/**
 * Pipedrive's update times have whole seconds, so a change made in the very second the company
 * connected must count as after it: the cut-off is rounded down to its second.
 */
export function eventsCutoff(eventsSince: Date | null | undefined): Date | null {
  return eventsSince ? new Date(Math.floor(eventsSince.getTime() / 1000) * 1000) : null;
}

export class SyncUnavailableError extends Error {
  constructor(
    readonly companyId: string,
    message: string,
  ) {
    super(message);
    this.name = 'SyncUnavailableError';
  }
}

export async function loadCompanyContext(companyId: string, opts: { provisionAttributes?: boolean } = {}): Promise<CompanyContext> {
  const db = prisma();
  const company = await db.company.findUnique({ where: { id: companyId }, include: { syncSettings: true } });
  if (!company) throw new SyncUnavailableError(companyId, 'The company was uninstalled.');
  if (company.status === 'paused') throw new SyncUnavailableError(companyId, company.pausedReason ?? 'Sync is paused.');
  const brevo = await brevoClientForCompany(companyId);
  if (!brevo) throw new SyncUnavailableError(companyId, 'Brevo is not connected yet: an admin must enter a Brevo API key.');
  const config = await loadSyncConfig(db, companyId);
  const pipedrive = await pipedriveForCompany(companyId);

  const fieldsOf = async (entity: 'person' | 'organization') => {
    const out: FieldDefinition[] = [];
    for await (const f of pipedrive.fields(entity)) out.push({ field_key: f.field_code, field_name: f.field_name, field_type: f.field_type, options: (f.options ?? []).map((o) => ({ id: o.id, label: o.label })) });
    return out;
  };
  const pipelinesOf = async () => {
    const out: PipedrivePipeline[] = [];
    for await (const p of pipedrive.pipelines()) out.push({ id: p.id, name: p.name, order_nr: p.order_nr ?? 0 });
    return out;
  };
  const stagesOf = async () => {
    const out: PipedriveStage[] = [];
    for await (const s of pipedrive.stages()) out.push({ id: s.id, name: s.name, pipeline_id: s.pipeline_id, order_nr: s.order_nr ?? 0 });
    return out;
  };
  // Independent reads, at once: every job starts with them, and one after the other they were
  // a second of round trips before a backfill read its first page.
  const [personFields, organizationFields, pipelines, stages, attributes] = await Promise.all([
    fieldsOf('person'),
    config.sync.organizations ? fieldsOf('organization') : Promise.resolve([]),
    pipelinesOf(),
    stagesOf(),
    brevo.getAttributes(),
  ]);
  const brevoAttributeTypes: Record<string, BrevoAttributeType> = {};
  for (const a of attributes) if (a.type) brevoAttributeTypes[a.name] = a.type as BrevoAttributeType;
  if (opts.provisionAttributes ?? true) {
    // Mapped attributes that Brevo lacks are created with a type that fits the Pipedrive field.
    const plan = planAttributeProvisioning(config, personFields, attributes.map((a) => ({ name: a.name, type: a.type as BrevoAttributeType | undefined, multiCategoryOptions: a.multiCategoryOptions })));
    await Promise.all(
      plan.create.map(async (attr) => {
        await brevo.createAttribute(attr.name, { type: attr.type, ...(attr.type === 'multiple-choice' ? { multiCategoryOptions: attr.options } : {}) });
        brevoAttributeTypes[attr.name] = attr.type;
      }),
    );
  }
  return {
    companyId,
    config,
    eventsSince: eventsCutoff(company.syncSettings?.eventsSince),
    pipedrive,
    brevo,
    db: pgPool(),
    personFields,
    organizationFields,
    pipelines,
    stages,
    brevoAttributeTypes,
    metadataRequests: config.sync.organizations ? 4 : 3,
  };
}
