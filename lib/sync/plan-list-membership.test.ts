import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, type SyncConfig } from './config';
import { planListMembership } from './plan-list-membership';
import { deal, lead } from './testing/records';

function config(): SyncConfig {
  return {
    ...defaultSyncConfig(),
    lists: { allContacts: 60, qualifiedLeads: 61, customers: 62, churned: 63, nurture: 65 },
    stageRules: [
      { match: 'stage', stageId: 1, listId: 71 },
      { match: 'stage', stageId: 2, listId: 72 },
      { match: 'stage', stageId: 9, listId: 79 },
      { match: 'won', pipelineId: null, listId: 80 },
      { match: 'lost', pipelineId: null, listId: 81 },
      { match: 'won', pipelineId: 2, listId: 90 },
    ],
  };
}

const base = { leads: [], previousLists: [], blocklisted: false };

describe('planListMembership', () => {
  it('puts every synced contact in all_contacts', () => {
    expect(planListMembership({ ...base, deals: [], config: config() })).toMatchObject({ lists: [60], add: [60], remove: [] });
  });

  it('puts a person with several open deals in the lists of all their stages', () => {
    const plan = planListMembership({
      ...base,
      config: config(),
      deals: [deal({ id: 1, stage_id: 1 }), deal({ id: 2, stage_id: 2 }), deal({ id: 3, stage_id: 5 })],
    });
    expect(plan.lists).toEqual([60, 61, 71, 72]);
    expect(plan.reasons[71]).toEqual(['open deal 1 in stage 1']);
  });

  it('uses the won rule of the deal’s pipeline before the company-wide one', () => {
    const plan = planListMembership({
      ...base,
      config: config(),
      deals: [
        deal({ id: 1, pipeline_id: 2, stage_id: 9, status: 'won', close_time: '2024-01-01T00:00:00Z' }),
        deal({ id: 2, pipeline_id: 1, status: 'won', close_time: '2024-01-02T00:00:00Z' }),
      ],
    });
    expect(plan.lists).toEqual([60, 62, 80, 90]);
    // A won deal's stage does not count: stage rules are for open deals.
    expect(plan.lists).not.toContain(79);
  });

  it('applies won/lost to the latest closed deal of each pipeline', () => {
    const plan = planListMembership({
      ...base,
      config: config(),
      deals: [
        deal({ id: 1, status: 'lost', close_time: '2024-01-01T00:00:00Z' }),
        deal({ id: 2, status: 'won', close_time: '2024-03-01T00:00:00Z' }),
      ],
    });
    expect(plan.lists).toContain(80);
    expect(plan.lists).not.toContain(81);
    expect(plan.lists).toContain(62);
  });

  it('marks a customer whose latest deal was lost as churned instead of customer', () => {
    const plan = planListMembership({
      ...base,
      config: config(),
      deals: [
        deal({ id: 1, status: 'won', close_time: '2023-01-01T00:00:00Z' }),
        deal({ id: 2, status: 'lost', close_time: '2024-01-01T00:00:00Z' }),
      ],
    });
    expect(plan.lists).toEqual([60, 63, 81]);
  });

  it('breaks close-time ties by the later deal id', () => {
    const plan = planListMembership({
      ...base,
      config: config(),
      deals: [deal({ id: 5, status: 'lost' }), deal({ id: 4, status: 'won' })],
    });
    expect(plan.lists).toContain(81);
  });

  it('puts people with an active lead in the nurture list, not those with only archived leads', () => {
    const active = planListMembership({ ...base, config: config(), deals: [], leads: [lead({ id: 'a' })] });
    expect(active.lists).toContain(65);
    const archived = planListMembership({ ...base, config: config(), deals: [], leads: [lead({ id: 'a', is_archived: true })] });
    expect(archived.lists).not.toContain(65);
  });

  it('adds only new lists and removes only lists the app put the contact in', () => {
    const plan = planListMembership({
      ...base,
      config: config(),
      deals: [deal({ id: 1, stage_id: 2 })],
      previousLists: [60, 71, 61],
    });
    expect(plan).toMatchObject({ lists: [60, 61, 72], add: [72], remove: [71] });
  });

  it('never adds a blocklisted contact to a list but still removes it', () => {
    const plan = planListMembership({
      ...base,
      config: config(),
      deals: [deal({ id: 1, stage_id: 2 })],
      previousLists: [60, 71],
      blocklisted: true,
    });
    expect(plan).toMatchObject({ add: [], remove: [71], blocklisted: true, lists: [60] });
  });

  it('ignores deals and leads whose sync is switched off, and deleted deals', () => {
    const off = config();
    off.sync.deals = false;
    off.sync.leads = false;
    const plan = planListMembership({ ...base, config: off, deals: [deal({ id: 1 })], leads: [lead({ id: 'x' })] });
    expect(plan.lists).toEqual([60]);
    const deleted = planListMembership({ ...base, config: config(), deals: [deal({ id: 1, is_deleted: true })] });
    expect(deleted.lists).toEqual([60]);
  });

  it('plans nothing when no list is configured', () => {
    expect(planListMembership({ ...base, config: defaultSyncConfig(), deals: [deal({ id: 1 })] })).toMatchObject({
      lists: [],
      add: [],
      remove: [],
    });
  });
});
