import 'server-only';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { brevoClientForCompany } from '../accounts/brevo-connection';
import { diffConfigs, type ConfigChange } from '../config';
import type { ExportContext } from '../config/export-config-yaml';
import { prisma } from '../db/prisma';
import { loadSyncConfig, saveSyncConfig } from '../engine/config-store';
import { AppError } from '../errors';
import { logger } from '../log';
import { cachedBrevoRead } from './brevo-catalog-cache';
import { changesContacts, dryRunConfig, type DryRunResult } from './dry-run-config';
import { canonicalSyncConfig, syncConfigSchema, type SyncConfig } from '../sync';

const shape = syncConfigSchema.shape;

/**
 * The sections one settings page edits. A page sends only its own sections, so two admins
 * editing different pages never overwrite each other; `baseVersion` catches two admins on the
 * same page.
 */
export const configPatchSchema = z
  .object({
    enabled: shape.enabled,
    sync: shape.sync,
    lists: shape.lists,
    personMapping: shape.personMapping,
    organizationMapping: shape.organizationMapping,
    stageRules: shape.stageRules,
    eventRules: shape.eventRules,
    defaultPhoneCountry: shape.defaultPhoneCountry,
    defaultCurrency: shape.defaultCurrency,
    deleteContactOnPersonDelete: shape.deleteContactOnPersonDelete,
    replayHistoryDays: shape.replayHistoryDays,
  })
  .partial()
  .strict();
export type ConfigPatch = z.infer<typeof configPatchSchema>;

/** A short fingerprint of a configuration, independent of the order of its rules. */
export function configVersion(config: SyncConfig): string {
  return createHash('sha256').update(JSON.stringify(canonicalSyncConfig(config))).digest('hex').slice(0, 16);
}

export interface ConfigPreview {
  changes: ConfigChange[];
  version: string;
  /** For changes that alter contacts: what they would do, or why the dry run could not run. */
  dryRun: DryRunResult | { error: string } | null;
}

/** Names of lists, for readable previews; a Brevo outage only costs the names, not the preview. */
async function previewContext(companyId: string): Promise<ExportContext> {
  try {
    const brevo = await brevoClientForCompany(companyId);
    return brevo ? { lists: await cachedBrevoRead(companyId, 'lists', () => brevo.getLists()) } : {};
  } catch (err) {
    logger().warn({ err, companyId }, 'preview without Brevo list names');
    return {};
  }
}

function merge(current: SyncConfig, patch: ConfigPatch): SyncConfig {
  const merged = syncConfigSchema.safeParse({ ...current, ...patch });
  if (!merged.success) {
    const issues = merged.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new AppError('invalid_config', `The change is not valid: ${issues[0]?.path ?? ''} ${issues[0]?.message ?? ''}`.trim(), 400, issues);
  }
  return merged.data;
}

async function currentFor(companyId: string, baseVersion: string | undefined): Promise<SyncConfig> {
  const current = await loadSyncConfig(prisma(), companyId);
  if (baseVersion !== undefined && configVersion(current) !== baseVersion) {
    throw new AppError('config_changed', 'Someone else saved the configuration since you opened this page. Reload to see their change; your edits are still on the page.', 409);
  }
  return current;
}

/** What saving the patch would change, without saving anything. */
export async function previewConfigChange(companyId: string, patch: ConfigPatch, baseVersion?: string): Promise<ConfigPreview> {
  const current = await currentFor(companyId, baseVersion);
  const next = merge(current, patch);
  const changes = diffConfigs(current, next, await previewContext(companyId));
  let dryRun: ConfigPreview['dryRun'] = null;
  if (changes.length > 0 && changesContacts(patch)) {
    // A failed dry run does not block the save: the admin sees why and decides.
    dryRun = await dryRunConfig(companyId, next).catch((err: unknown) => {
      if (err instanceof AppError) return { error: err.message };
      throw err;
    });
  }
  return { changes, version: configVersion(current), dryRun };
}

/** Saves the patch (after the admin confirmed the preview) and returns the new version. */
export async function applyConfigChange(companyId: string, patch: ConfigPatch, baseVersion?: string): Promise<{ version: string; config: SyncConfig }> {
  const current = await currentFor(companyId, baseVersion);
  const next = merge(current, patch);
  await saveSyncConfig(prisma(), companyId, next);
  const saved = await loadSyncConfig(prisma(), companyId);
  logger().info({ companyId, sections: Object.keys(patch) }, 'configuration saved from settings');
  return { version: configVersion(saved), config: saved };
}

/** The configuration a settings page starts from, with its version for the stale-write check. */
export async function loadConfigForEditing(companyId: string): Promise<{ config: SyncConfig; version: string }> {
  const config = await loadSyncConfig(prisma(), companyId);
  return { config, version: configVersion(config) };
}
