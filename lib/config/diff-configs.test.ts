import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, type SyncConfig } from '@/lib/sync/config';
import { pipedrivePipelineSchema, pipedriveStageSchema } from '@/lib/sync/types';
import { diffConfigs } from './diff-configs';

function edited(change: (config: SyncConfig) => void): SyncConfig {
  const config = defaultSyncConfig();
  change(config);
  return config;
}

describe('diffConfigs', () => {
  it('reports nothing for identical or merely reordered configurations', () => {
    expect(diffConfigs(defaultSyncConfig(), defaultSyncConfig())).toEqual([]);
    const reordered = edited((config) => {
      config.personMapping.reverse();
      config.eventRules.reverse();
    });
    expect(diffConfigs(defaultSyncConfig(), reordered)).toEqual([]);
  });

  it('describes settings, toggles and lists', () => {
    const after = edited((config) => {
      config.enabled = false;
      config.defaultCurrency = 'EUR';
      config.sync.leads = false;
      config.lists.customers = 62;
    });
    const before = edited((config) => {
      config.lists.churned = 63;
    });
    expect(diffConfigs(before, after, { lists: [{ id: 62, name: 'Customers' }] })).toEqual([
      { section: 'settings', kind: 'changed', message: 'Sync: off (was on)' },
      { section: 'settings', kind: 'changed', message: 'Default currency changes from "USD" to "EUR"' },
      { section: 'sync', kind: 'changed', message: 'Sync of leads is turned off' },
      { section: 'lists', kind: 'added', message: 'The customers list changes from no list to list 62 (Customers)' },
      { section: 'lists', kind: 'removed', message: 'The churned list changes from list 63 to no list' },
    ]);
  });

  it('describes mapping changes by source', () => {
    const after = edited((config) => {
      config.personMapping = config.personMapping.filter((entry) => entry.attribute !== 'LTV');
      config.personMapping[1] = { source: { kind: 'standard', field: 'name' }, attribute: 'FULL_NAME' };
      config.personMapping.push({ source: { kind: 'custom', key: 'abc' }, attribute: 'SEGMENT' });
      config.organizationMapping.push({ source: { kind: 'standard', field: 'industry' }, attribute: 'industry' });
    });
    expect(diffConfigs(defaultSyncConfig(), after).map((change) => change.message)).toEqual([
      'Pipedrive name now fills FULL_NAME instead of FULLNAME',
      'Pipedrive custom_fields.abc will fill SEGMENT',
      'Pipedrive total_revenue no longer fills LTV',
      'organization industry will fill industry',
    ]);
  });

  it('describes stage rules with stage names', () => {
    const before = edited((config) => {
      config.stageRules = [
        { match: 'stage', stageId: 3, listId: 61 },
        { match: 'lost', pipelineId: null, listId: 64 },
      ];
    });
    const after = edited((config) => {
      config.stageRules = [
        { match: 'stage', stageId: 3, listId: 62 },
        { match: 'won', pipelineId: 2, listId: 63 },
      ];
    });
    const stages = [pipedriveStageSchema.parse({ id: 3, name: 'Proposal Made', pipeline_id: 1 })];
    expect(diffConfigs(before, after, { stages }).map((change) => change.message)).toEqual([
      'Contacts with stage 3 (Proposal Made) move from list 61 to list 62',
      'Contacts with won deals in pipeline 2 will join list 63',
      'Contacts with lost deals no longer go to list 64',
    ]);
    const pipelines = [pipedrivePipelineSchema.parse({ id: 2, name: 'Renewals' })];
    expect(diffConfigs(before, after, { pipelines })[1]?.message).toBe('Contacts with won deals in pipeline Renewals will join list 63');
  });

  it('describes event rules added and removed', () => {
    const after = edited((config) => {
      config.eventRules = config.eventRules.filter((rule) => rule.brevoEvent !== 'contact_merged');
      config.eventRules.push({ action: 'stage_change', object: 'deal', mergeOnly: false, brevoEvent: 'deal_moved' });
    });
    expect(diffConfigs(defaultSyncConfig(), after)).toEqual([
      { section: 'webhooks', kind: 'added', message: 'New event rule: stage_changed deal → deal_moved' },
      { section: 'webhooks', kind: 'removed', message: 'Event rule removed: merged person → contact_merged' },
    ]);
  });
});
