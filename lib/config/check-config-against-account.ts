import type { SyncConfig } from '@/lib/sync/config';
import { formatOrganizationSource, formatPersonSource } from '@/lib/sync/mapping-source';
import type { FieldDefinition, PipedrivePipeline, PipedriveStage } from '@/lib/sync/types';
import { listKeys } from './yaml-format';
import { childPath } from './yaml-reader';

/** What the two accounts hold, fetched by the caller. Absent parts are not checked. */
export interface AccountContext {
  personFields?: readonly FieldDefinition[];
  organizationFields?: readonly FieldDefinition[];
  stages?: readonly PipedriveStage[];
  pipelines?: readonly PipedrivePipeline[];
  /** Brevo lists (`GET /contacts/lists`). */
  lists?: readonly { id: number; name: string }[];
}

export interface AccountIssue {
  /** The YAML path of the setting, as in parse errors. */
  path: string;
  message: string;
  /** For custom fields written by name: the key that would fix it, when exactly one field matches. */
  replacement?: string;
}

const ROOT = 'connectors.pipedrive';

/** "Lead source", "lead_source" and "LeadSource" all compare equal. */
function comparableName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function checkCustomKey(
  key: string,
  fields: readonly FieldDefinition[] | undefined,
  path: string,
  issues: AccountIssue[],
): void {
  if (fields === undefined || fields.some((field) => field.field_key === key)) return;
  const byName = fields.filter((field) => comparableName(field.field_name) === comparableName(key));
  const match = byName.length === 1 ? byName[0] : undefined;
  if (match !== undefined) {
    issues.push({
      path,
      message: `no field has the key "${key}", but the field "${match.field_name}" has the key ${match.field_key}; custom fields are mapped by key, so write custom_fields.${match.field_key}`,
      replacement: match.field_key,
    });
  } else {
    issues.push({
      path,
      message: `no field has the key "${key}"; copy the field's key (a 40-character hash) from Pipedrive's field settings`,
    });
  }
}

/**
 * Checks a configuration against the company's real accounts: stages, pipelines and Brevo
 * lists that do not exist, and custom fields that no field has. The connector spec's sample
 * maps `custom_fields.lead_source`, a field *name*; when a field of that name exists, the issue
 * carries its key so the UI can offer a one-click fix.
 */
export function checkConfigAgainstAccount(config: SyncConfig, account: AccountContext): AccountIssue[] {
  const issues: AccountIssue[] = [];
  const listExists = (id: number) => account.lists === undefined || account.lists.some((list) => list.id === id);

  for (const [key, field] of Object.entries(listKeys)) {
    const id = config.lists[field];
    if (id !== null && !listExists(id)) {
      issues.push({ path: `${ROOT}.lists.${key}`, message: `Brevo has no list ${id}; create it or pick an existing list` });
    }
  }

  for (const entry of config.personMapping) {
    if (entry.source.kind !== 'custom') continue;
    checkCustomKey(entry.source.key, account.personFields, childPath(`${ROOT}.person_mapping`, formatPersonSource(entry.source)), issues);
  }
  for (const entry of config.organizationMapping) {
    if (entry.source.kind !== 'custom') continue;
    checkCustomKey(
      entry.source.key,
      account.organizationFields,
      childPath(`${ROOT}.organization_mapping`, formatOrganizationSource(entry.source)),
      issues,
    );
  }

  for (const rule of config.stageRules) {
    const path =
      rule.match === 'stage'
        ? `${ROOT}.deal_stage_mapping.${rule.stageId}`
        : rule.pipelineId === null
          ? `${ROOT}.deal_stage_mapping.${rule.match}`
          : `${ROOT}.deal_stage_mapping.pipelines.${rule.pipelineId}.${rule.match}`;
    if (rule.match === 'stage' && account.stages !== undefined && !account.stages.some((stage) => stage.id === rule.stageId)) {
      issues.push({ path, message: `Pipedrive has no stage ${rule.stageId}; it may have been deleted` });
    }
    if (rule.match !== 'stage' && rule.pipelineId !== null && account.pipelines !== undefined && !account.pipelines.some((pipeline) => pipeline.id === rule.pipelineId)) {
      issues.push({ path, message: `Pipedrive has no pipeline ${rule.pipelineId}; it may have been deleted` });
    }
    if (!listExists(rule.listId)) issues.push({ path, message: `Brevo has no list ${rule.listId}; create it or pick an existing list` });
  }
  return issues;
}
