import { describe, expect, it } from 'vitest';
import { defaultSyncConfig, type SyncConfig } from './config';
import { missingMultipleChoiceOptions, planAttributeProvisioning } from './plan-attribute-provisioning';
import { field, hashKey } from './testing/records';

const setKey = hashKey('s');
const enumKey = hashKey('t');
const moneyKey = hashKey('u');
const personFields = [
  field({ field_key: setKey, field_name: 'Interests', field_type: 'set', options: [{ id: 1, label: 'Email' }, { id: 2, label: 'Events' }] }),
  field({ field_key: enumKey, field_name: 'Tier', field_type: 'enum', options: [{ id: 3, label: 'Gold' }] }),
  field({ field_key: moneyKey, field_name: 'Budget', field_type: 'monetary' }),
];

function config(): Pick<SyncConfig, 'personMapping'> {
  return {
    personMapping: [
      ...defaultSyncConfig().personMapping,
      { source: { kind: 'custom', key: setKey }, attribute: 'INTERESTS' },
      { source: { kind: 'custom', key: enumKey }, attribute: 'TIER' },
      { source: { kind: 'custom', key: moneyKey }, attribute: 'BUDGET' },
      { source: { kind: 'standard', field: 'birthday' }, attribute: 'BIRTHDAY' },
    ],
  };
}

describe('planAttributeProvisioning', () => {
  it('creates every missing attribute with a type that holds the mapped values, skipping built-ins', () => {
    const plan = planAttributeProvisioning(config(), personFields, []);
    expect(plan.create.map((attribute) => [attribute.name, attribute.type])).toEqual([
      ['FULLNAME', 'text'],
      ['COMPANY', 'text'],
      ['WON_DEALS', 'float'],
      ['LOST_DEALS', 'float'],
      ['OPEN_DEALS', 'float'],
      ['CLOSED_DEALS', 'float'],
      ['LTV', 'float'],
      ['INTERESTS', 'multiple-choice'],
      ['TIER', 'text'],
      ['BUDGET', 'float'],
      ['BIRTHDAY', 'date'],
    ]);
    expect(plan.create.find((attribute) => attribute.name === 'INTERESTS')?.options).toEqual(['Email', 'Events']);
    expect(plan.conflicts).toEqual([]);
  });

  it('leaves existing compatible attributes alone and reports incompatible ones', () => {
    const plan = planAttributeProvisioning(config(), personFields, [
      { name: 'FULLNAME', type: 'text' },
      { name: 'LTV', type: 'text' },
      { name: 'WON_DEALS', type: 'date' },
    ]);
    expect(plan.create.map((attribute) => attribute.name)).not.toContain('FULLNAME');
    expect(plan.create.map((attribute) => attribute.name)).not.toContain('LTV');
    expect(plan.conflicts).toEqual([
      expect.objectContaining({ name: 'WON_DEALS', expected: 'float', actual: 'date' }),
    ]);
    expect(plan.conflicts[0]?.message).toMatch(/won_deals_count needs float/);
  });

  it('lists options a multiple-choice attribute still lacks', () => {
    const plan = planAttributeProvisioning(config(), personFields, [
      { name: 'INTERESTS', type: 'multiple-choice', multiCategoryOptions: ['email'] },
    ]);
    expect(plan.addOptions).toEqual([{ name: 'INTERESTS', options: ['Events'] }]);
  });

  it('compares options without regard to case', () => {
    expect(
      missingMultipleChoiceOptions({ name: 'X', type: 'multiple-choice', options: ['A', 'b'], sources: [] }, ['a', 'B']),
    ).toEqual([]);
  });
});
