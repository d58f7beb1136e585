import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultSyncConfig } from '@/lib/sync/config';
import { field, hashKey } from '@/lib/sync/testing/records';
import { pipedrivePipelineSchema, pipedriveStageSchema } from '@/lib/sync/types';
import { checkConfigAgainstAccount, type AccountContext } from './check-config-against-account';
import { parseConfigYaml } from './parse-config-yaml';

const leadSourceKey = hashKey('7');
const account: AccountContext = {
  personFields: [
    field({ field_key: leadSourceKey, field_name: 'Lead Source', field_type: 'enum' }),
    field({ field_key: hashKey('8'), field_name: 'Industry', field_type: 'varchar' }),
    field({ field_key: hashKey('9'), field_name: 'industry', field_type: 'varchar' }),
  ],
  organizationFields: [],
  stages: [1, 2, 3].map((id) => pipedriveStageSchema.parse({ id, name: `Stage ${id}`, pipeline_id: 1 })),
  pipelines: [pipedrivePipelineSchema.parse({ id: 1, name: 'Sales' })],
  lists: [60, 61, 62, 63, 64].map((id) => ({ id, name: `List ${id}` })),
};

describe('checkConfigAgainstAccount', () => {
  it('finds the spec sample’s problems in a real account and offers keys for fields written by name', () => {
    const parsed = parseConfigYaml(readFileSync(new URL('./fixtures/connector-spec-sample.yaml', import.meta.url), 'utf8'));
    if (!parsed.ok) throw new Error('sample must import');
    const issues = checkConfigAgainstAccount(parsed.config, account);
    expect(issues.map((issue) => issue.path)).toEqual([
      'connectors.pipedrive.person_mapping["custom_fields.lead_source"]',
      'connectors.pipedrive.person_mapping["custom_fields.industry"]',
      'connectors.pipedrive.person_mapping["custom_fields.company_size"]',
      'connectors.pipedrive.deal_stage_mapping.4',
    ]);
    expect(issues[0]).toMatchObject({ replacement: leadSourceKey });
    expect(issues[0]?.message).toMatch(/field "Lead Source" has the key 7{40}/);
    // Two fields are called "industry": no guess is made.
    expect(issues[1]).not.toHaveProperty('replacement');
    expect(issues[3]?.message).toMatch(/no stage 4/);
  });

  it('reports lists and pipelines that do not exist', () => {
    const config = defaultSyncConfig();
    config.lists.nurture = 99;
    config.stageRules = [{ match: 'won', pipelineId: 5, listId: 98 }];
    expect(checkConfigAgainstAccount(config, account)).toEqual([
      { path: 'connectors.pipedrive.lists.nurture', message: 'Brevo has no list 99; create it or pick an existing list' },
      { path: 'connectors.pipedrive.deal_stage_mapping.pipelines.5.won', message: 'Pipedrive has no pipeline 5; it may have been deleted' },
      { path: 'connectors.pipedrive.deal_stage_mapping.pipelines.5.won', message: 'Brevo has no list 98; create it or pick an existing list' },
    ]);
  });

  it('checks nothing it was not given', () => {
    const config = defaultSyncConfig();
    config.lists.nurture = 99;
    config.personMapping.push({ source: { kind: 'custom', key: 'whatever' }, attribute: 'X' });
    expect(checkConfigAgainstAccount(config, {})).toEqual([]);
  });
});
