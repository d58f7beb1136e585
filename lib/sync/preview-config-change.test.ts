import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, type SyncConfig } from './config';
import { previewConfigChange } from './preview-config-change';
import { deal, person } from './testing/records';

function withLists(change: (config: SyncConfig) => void): SyncConfig {
  const config = defaultSyncConfig();
  config.lists.allContacts = 60;
  config.stageRules = [{ match: 'stage', stageId: 1, listId: 71 }];
  change(config);
  return config;
}

const records = {
  persons: [
    person({ id: 1, emails: [{ value: 'one@example.com', primary: true }] }),
    person({ id: 2, emails: [{ value: 'two@example.com', primary: true }] }),
    person({ id: 3, emails: [] }),
  ],
  organizations: [],
  deals: [deal({ id: 10, person_id: 1, stage_id: 1 }), deal({ id: 11, person_id: 2, stage_id: 2 })],
  leads: [],
  personFields: [],
  links: new Map(),
};

describe('previewConfigChange', () => {
  it('reports nothing for an unchanged configuration', () => {
    const config = withLists(() => undefined);
    const diff = previewConfigChange({ ...records, before: config, after: config });
    expect(diff.lists).toEqual([]);
    expect(diff.attributes).toEqual([]);
    expect(diff.totals).toMatchObject({ unchanged: 2, creating: 0, updating: 0, skipped: 1 });
  });

  it('shows who joins and leaves when a stage moves to another list', () => {
    const diff = previewConfigChange({
      ...records,
      before: withLists(() => undefined),
      after: withLists((config) => {
        config.stageRules = [
          { match: 'stage', stageId: 1, listId: 72 },
          { match: 'stage', stageId: 2, listId: 72 },
        ];
      }),
    });
    expect(diff.lists).toEqual([
      { listId: 71, joining: 0, leaving: 1, joiningSamples: [], leavingSamples: ['one@example.com'] },
      { listId: 72, joining: 2, leaving: 0, joiningSamples: ['one@example.com', 'two@example.com'], leavingSamples: [] },
    ]);
    expect(diff.skipped).toEqual([expect.objectContaining({ reason: 'no_email', count: 1 })]);
  });

  it('shows attribute changes when the mapping changes', () => {
    const diff = previewConfigChange({
      ...records,
      before: withLists(() => undefined),
      after: withLists((config) => {
        config.personMapping.push({ source: { kind: 'standard', field: 'id' }, attribute: 'PD_ID' });
      }),
    });
    expect(diff.attributes).toEqual([expect.objectContaining({ attribute: 'PD_ID', changing: 2 })]);
  });
});
