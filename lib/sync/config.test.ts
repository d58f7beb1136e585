import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, normalizeEventAction, selectEventRules, syncConfigSchema, type SyncConfig } from './config';

function issues(config: SyncConfig): string[] {
  const result = syncConfigSchema.safeParse(config);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('defaultSyncConfig', () => {
  it('is valid and follows the connector spec', () => {
    const config = defaultSyncConfig();
    expect(issues(config)).toEqual([]);
    expect(config.sync).toEqual({ persons: true, deals: true, organizations: true, activities: true, leads: true });
    expect(config.personMapping.map((entry) => entry.attribute)).toEqual([
      'email',
      'FULLNAME',
      'FIRSTNAME',
      'LASTNAME',
      'SMS',
      'COMPANY',
      'WON_DEALS',
      'LOST_DEALS',
      'OPEN_DEALS',
      'CLOSED_DEALS',
      'LTV',
    ]);
    expect(config.eventRules.map((rule) => rule.brevoEvent)).toEqual([
      'contact_created',
      'contact_updated',
      'deal_created',
      'deal_updated',
      'contact_merged',
      'activity_logged',
    ]);
    expect(config.replayHistoryDays).toBe(0);
    expect(config.deleteContactOnPersonDelete).toBe(false);
  });

  it('returns a fresh object each time', () => {
    const a = defaultSyncConfig();
    a.sync.persons = false;
    expect(defaultSyncConfig().sync.persons).toBe(true);
  });
});

describe('syncConfigSchema', () => {
  it('rejects two sources writing the same attribute', () => {
    const config = defaultSyncConfig();
    config.personMapping.push({ source: { kind: 'standard', field: 'job_title' }, attribute: 'FIRSTNAME' });
    expect(issues(config)).toEqual(['personMapping.11.attribute: attribute FIRSTNAME is already filled by first_name']);
  });

  it('rejects lower-case attribute names other than the email target', () => {
    const config = defaultSyncConfig();
    config.personMapping.push({ source: { kind: 'standard', field: 'job_title' }, attribute: 'job_title' });
    expect(issues(config)[0]).toMatch(/personMapping\.11\.attribute/);
  });

  it('allows only the email source to fill the email identifier', () => {
    const config = defaultSyncConfig();
    config.personMapping[1] = { source: { kind: 'standard', field: 'name' }, attribute: 'email' };
    expect(issues(config).join()).toMatch(/only the email source/);
  });

  it('rejects duplicate stage rules, invalid event names, unknown countries and bad currencies', () => {
    const config = defaultSyncConfig();
    config.stageRules = [
      { match: 'won', pipelineId: null, listId: 1 },
      { match: 'won', pipelineId: null, listId: 2 },
      { match: 'won', pipelineId: 3, listId: 2 },
    ];
    config.eventRules[0]!.brevoEvent = 'contact created';
    config.defaultPhoneCountry = 'XX';
    config.defaultCurrency = 'euro';
    const found = issues(config).join('\n');
    expect(found).toMatch(/stageRules\.1: won has two rules/);
    expect(found).not.toMatch(/stageRules\.2/);
    expect(found).toMatch(/eventRules\.0\.brevoEvent/);
    expect(found).toMatch(/defaultPhoneCountry/);
    expect(found).toMatch(/defaultCurrency/);
  });

  it('limits merge-only rules to change and stage_change rules to deals', () => {
    const config = defaultSyncConfig();
    config.eventRules = [
      { action: 'create', object: 'person', mergeOnly: true, brevoEvent: 'a' },
      { action: 'stage_change', object: 'person', mergeOnly: false, brevoEvent: 'b' },
    ];
    expect(issues(config)).toHaveLength(2);
  });
});

describe('normalizeEventAction', () => {
  it('maps v1 names to v2 actions and merged to change-with-merge', () => {
    expect(normalizeEventAction('added')).toEqual({ action: 'create', mergeOnly: false });
    expect(normalizeEventAction('updated')).toEqual({ action: 'change', mergeOnly: false });
    expect(normalizeEventAction('merged')).toEqual({ action: 'change', mergeOnly: true });
    expect(normalizeEventAction('deleted')).toEqual({ action: 'delete', mergeOnly: false });
    expect(normalizeEventAction(' Change ')).toEqual({ action: 'change', mergeOnly: false });
    expect(normalizeEventAction('stage_changed')).toEqual({ action: 'stage_change', mergeOnly: false });
    expect(normalizeEventAction('touched')).toBeNull();
  });
});

describe('selectEventRules', () => {
  const config = defaultSyncConfig();
  config.eventRules.push({ action: 'stage_change', object: 'deal', mergeOnly: false, brevoEvent: 'deal_stage_changed' });
  const names = (webhook: Parameters<typeof selectEventRules>[1]) => selectEventRules(config, webhook).map((rule) => rule.brevoEvent);

  it('fires plain change rules for every change and merge rules only for merges', () => {
    expect(names({ action: 'change', object: 'person', merged: false })).toEqual(['contact_updated']);
    expect(names({ action: 'change', object: 'person', merged: true })).toEqual(['contact_updated', 'contact_merged']);
  });

  it('fires stage_change rules only for a real stage move', () => {
    expect(names({ action: 'change', object: 'deal', merged: false })).toEqual(['deal_updated']);
    expect(names({ action: 'change', object: 'deal', merged: false, stageChanged: true })).toEqual([
      'deal_updated',
      'deal_stage_changed',
    ]);
  });

  it('sends nothing for objects whose sync is off or unknown objects', () => {
    const off = defaultSyncConfig();
    off.sync.activities = false;
    expect(selectEventRules(off, { action: 'create', object: 'activity', merged: false })).toEqual([]);
    expect(selectEventRules(config, { action: 'create', object: 'product', merged: false })).toEqual([]);
    expect(names({ action: 'create', object: 'activity', merged: false })).toEqual(['activity_logged']);
  });
});
