import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalSyncConfig, defaultSyncConfig, type SyncConfig } from '@/lib/sync/config';
import { field, hashKey } from '@/lib/sync/testing/records';
import { pipedrivePipelineSchema, pipedriveStageSchema } from '@/lib/sync/types';
import { exportConfigYaml, type ExportContext } from './export-config-yaml';
import { parseConfigYaml } from './parse-config-yaml';

const sourceKey = hashKey('9');
const industryKey = hashKey('f');

function fullConfig(): SyncConfig {
  const base = defaultSyncConfig();
  return {
    ...base,
    enabled: false,
    companyDomain: 'acme',
    defaultCurrency: 'EUR',
    defaultPhoneCountry: 'DE',
    deleteContactOnPersonDelete: true,
    replayHistoryDays: 14,
    sync: { persons: true, deals: true, organizations: false, activities: true, leads: false },
    lists: { allContacts: 60, qualifiedLeads: 61, customers: 62, churned: null, nurture: 65 },
    personMapping: [
      ...base.personMapping.slice(0, 5),
      // The same source twice, kept together as the file writes it.
      { source: { kind: 'standard', field: 'phone' }, attribute: 'PHONE_TEXT' },
      ...base.personMapping.slice(5),
      { source: { kind: 'custom', key: sourceKey }, attribute: 'LEAD_SOURCE' },
      { source: { kind: 'organization', field: 'website' }, attribute: 'WEBSITE' },
    ],
    organizationMapping: [
      { source: { kind: 'standard', field: 'name' }, attribute: 'name' },
      { source: { kind: 'custom', key: industryKey }, attribute: 'industry' },
    ],
    stageRules: [
      { match: 'stage', stageId: 1, listId: 71 },
      { match: 'stage', stageId: 12, listId: 72 },
      { match: 'won', pipelineId: null, listId: 80 },
      { match: 'lost', pipelineId: null, listId: 81 },
      { match: 'won', pipelineId: 2, listId: 90 },
      { match: 'lost', pipelineId: 2, listId: 91 },
    ],
    eventRules: [
      ...base.eventRules,
      { action: 'delete', object: 'deal', mergeOnly: false, brevoEvent: 'deal_deleted' },
      { action: 'stage_change', object: 'deal', mergeOnly: false, brevoEvent: 'deal_stage_changed' },
    ],
  };
}

const context: ExportContext = {
  personFields: [field({ field_key: sourceKey, field_name: 'Lead source', field_type: 'enum' })],
  organizationFields: [],
  stages: [pipedriveStageSchema.parse({ id: 1, name: 'Lead In', pipeline_id: 1 })],
  pipelines: [pipedrivePipelineSchema.parse({ id: 1, name: 'Sales' }), pipedrivePipelineSchema.parse({ id: 2, name: 'Renewals' })],
  lists: [{ id: 71, name: 'Fresh leads' }],
};

describe('exportConfigYaml', () => {
  it('round-trips: export then import gives the same configuration', () => {
    for (const config of [defaultSyncConfig(), fullConfig()]) {
      const parsed = parseConfigYaml(exportConfigYaml(config, context));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      expect(parsed.config).toEqual(config);
      expect(parsed.notices).toEqual([]);
    }
  });

  it('round-trips any order into the canonical order, and a source filling several attributes', () => {
    const config = fullConfig();
    config.stageRules.reverse();
    config.personMapping.reverse();
    const text = exportConfigYaml(config);
    expect(text).toContain('phone: [ PHONE_TEXT, SMS ]');
    const parsed = parseConfigYaml(text);
    expect(parsed.ok && parsed.config).toEqual(canonicalSyncConfig(config));
    expect(canonicalSyncConfig(fullConfig())).toEqual(fullConfig());
  });

  it('round-trips an empty mapping, no rules and no events', () => {
    const config = { ...defaultSyncConfig(), personMapping: [], organizationMapping: [], eventRules: [] };
    const parsed = parseConfigYaml(exportConfigYaml(config));
    expect(parsed.ok && parsed.config).toEqual(config);
  });

  it('round-trips the connector spec sample, api_token excepted', () => {
    const sample = readFileSync(new URL('./fixtures/connector-spec-sample.yaml', import.meta.url), 'utf8');
    const first = parseConfigYaml(sample);
    if (!first.ok) throw new Error('sample must import');
    const exported = exportConfigYaml(first.config);
    expect(exported).not.toMatch(/^\s*api_token\s*:/m);
    expect(exported).not.toContain('token-that-must-not-be-kept');
    const second = parseConfigYaml(exported);
    expect(second.ok && second.config).toEqual(first.config);
  });

  it('keeps hash keys and shows field, stage, pipeline and list names as comments', () => {
    const text = exportConfigYaml(fullConfig(), context);
    expect(text).toContain(`custom_fields.${sourceKey}: LEAD_SOURCE # Lead source (enum)`);
    expect(text).toContain(`custom_fields.${industryKey}: industry # no Pipedrive field has this key`);
    expect(text).toContain('1: 71 # Sales › Lead In → Fresh leads');
    expect(text).toContain('# Renewals');
    expect(text).toContain('churned: null # not used');
    expect(text).toContain('event_action: merged');
    expect(text).toContain('event_action: stage_changed');
  });

  it('writes the nested connectors.pipedrive layout of the spec', () => {
    const text = exportConfigYaml(defaultSyncConfig());
    expect(text).toMatch(/^connectors:\n {2}pipedrive:\n {4}enabled: true$/m);
    expect(text).toMatch(/^ {4}person_mapping:\n {6}email: email$/m);
  });
});
