import 'server-only';
import { brevoClientForCompany } from '../accounts/brevo-connection';
import { diffConfigs, exportConfigYaml, parseConfigYaml, type ConfigChange, type ConfigError } from '../config';
import type { ExportContext } from '../config/export-config-yaml';
import type { PrismaClient } from '../generated/prisma/client';
import { loadSyncConfig, saveSyncConfig } from '../engine/config-store';
import { pipedriveForCompany } from '../engine/pipedrive-access';
import { AppError } from '../errors';
import { logger } from '../log';
import { customFieldsOf } from './load-mapping-catalog';

/** A YAML file is limited to what a configuration can plausibly be (the spec's sample is 2 KB). */
export const MAX_CONFIG_YAML_BYTES = 512 * 1024;

export type YamlImportPreview =
  | { ok: true; changes: ConfigChange[]; notices: ConfigError[] }
  | { ok: false; errors: ConfigError[] };

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * Names the export writes as comments (field names next to hashes, list and stage names next to
 * ids). They make the file readable but are not needed to re-import it, so a vendor outage
 * costs the comments only — the export itself always works.
 */
export async function configContext(companyId: string): Promise<ExportContext> {
  const context: ExportContext = {};
  const [pd, brevo] = await Promise.allSettled([
    (async () => {
      const client = await pipedriveForCompany(companyId);
      const [personFields, organizationFields, pipelines, stages] = await Promise.all([collect(client.fields('person')), collect(client.fields('organization')), collect(client.pipelines()), collect(client.stages())]);
      return { personFields, organizationFields, pipelines, stages };
    })(),
    (async () => (await brevoClientForCompany(companyId))?.getLists() ?? [])(),
  ]);
  if (pd.status === 'fulfilled') {
    const asDefinition = (f: { key: string; name: string; fieldType: string; options: string[] }) => ({ field_key: f.key, field_name: f.name, field_type: f.fieldType, options: f.options.map((label, id) => ({ id, label })) });
    context.personFields = customFieldsOf(pd.value.personFields).map(asDefinition);
    context.organizationFields = customFieldsOf(pd.value.organizationFields).map(asDefinition);
    context.pipelines = pd.value.pipelines.map((p) => ({ id: p.id, name: p.name, order_nr: p.order_nr ?? 0 }));
    context.stages = pd.value.stages.map((s) => ({ id: s.id, name: s.name, pipeline_id: s.pipeline_id, order_nr: s.order_nr }));
  } else logger().warn({ err: pd.reason, companyId }, 'config export without Pipedrive names');
  if (brevo.status === 'fulfilled') context.lists = brevo.value;
  else logger().warn({ err: brevo.reason, companyId }, 'config export without Brevo list names');
  return context;
}

/** The company's configuration in the connector spec's YAML format. No secret is ever part of it. */
export async function exportCompanyConfig(db: PrismaClient, companyId: string, context?: ExportContext): Promise<string> {
  const config = await loadSyncConfig(db, companyId);
  return exportConfigYaml(config, context ?? (await configContext(companyId)));
}

function checkSize(text: string): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_YAML_BYTES) throw new AppError('config_too_large', `The file is larger than ${MAX_CONFIG_YAML_BYTES / 1024} KB; a configuration is a few KB. Check that you picked the right file.`, 413);
}

/** Parses the file and compares it with the saved configuration; nothing is saved. */
export async function previewConfigImport(db: PrismaClient, companyId: string, text: string, context: ExportContext = {}): Promise<YamlImportPreview> {
  checkSize(text);
  const parsed = parseConfigYaml(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const current = await loadSyncConfig(db, companyId);
  return { ok: true, changes: diffConfigs(current, parsed.config, context), notices: parsed.notices };
}

/**
 * Saves the file's configuration. The file is parsed again here (never trusting an earlier
 * preview), and an invalid file changes nothing.
 */
export async function applyConfigImport(db: PrismaClient, companyId: string, text: string): Promise<{ changes: ConfigChange[] }> {
  checkSize(text);
  const parsed = parseConfigYaml(text);
  if (!parsed.ok) {
    const first = parsed.errors[0]!;
    throw new AppError('invalid_config_file', `The file has ${parsed.errors.length} error${parsed.errors.length > 1 ? 's' : ''}; nothing was imported. Line ${first.line}: ${first.message}`, 400, parsed.errors);
  }
  const current = await loadSyncConfig(db, companyId);
  const changes = diffConfigs(current, parsed.config);
  await saveSyncConfig(db, companyId, parsed.config);
  logger().info({ companyId, changes: changes.length }, 'configuration imported from YAML');
  return { changes };
}
