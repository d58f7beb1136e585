import { describe, expect, it } from 'vitest';
import {
  canonicalSyncConfig,
  eventObjects,
  syncConfigSchema,
  type EventRule,
  type OrganizationMappingEntry,
  type PersonMappingEntry,
  type StageRule,
  type SyncConfig,
} from '@/lib/sync/config';
import { computedPersonFields, standardOrganizationFields, standardPersonFields } from '@/lib/sync/mapping-source';
import { exportConfigYaml } from './export-config-yaml';
import { parseConfigYaml } from './parse-config-yaml';

/** mulberry32: a tiny seeded generator, so every run checks the same configurations. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

function randomConfig(seed: number): SyncConfig {
  const { int, pick, chance } = generator(seed);
  const listOrNull = () => (chance(0.3) ? null : int(1, 500));

  const personMapping: PersonMappingEntry[] = [];
  if (chance(0.7)) personMapping.push({ source: { kind: 'standard', field: 'email' }, attribute: 'email' });
  for (let i = 0; i < int(0, 12); i += 1) {
    const kind = pick(['standard', 'organization', 'computed', 'custom'] as const);
    const attribute = `ATTR_${i}`;
    if (kind === 'standard') personMapping.push({ source: { kind, field: pick(standardPersonFields) }, attribute });
    else if (kind === 'organization') personMapping.push({ source: { kind, field: pick(['name', 'address', 'website'] as const) }, attribute });
    else if (kind === 'computed') personMapping.push({ source: { kind, field: pick(computedPersonFields) }, attribute });
    else personMapping.push({ source: { kind, key: `${'abcdef0123456789'[int(0, 15)]!.repeat(39)}${int(0, 9)}` }, attribute });
  }

  const organizationMapping: OrganizationMappingEntry[] = [];
  for (let i = 0; i < int(0, 5); i += 1) {
    organizationMapping.push(
      chance(0.5)
        ? { source: { kind: 'standard', field: pick(standardOrganizationFields) }, attribute: `attr_${i}` }
        : { source: { kind: 'custom', key: `k${int(0, 3)}` }, attribute: `attr_${i}` },
    );
  }

  const stageRules: StageRule[] = [];
  const stages = new Set<number>();
  for (let i = 0; i < int(0, 8); i += 1) stages.add(int(1, 40));
  for (const stageId of stages) stageRules.push({ match: 'stage', stageId, listId: int(1, 500) });
  if (chance(0.5)) stageRules.push({ match: 'won', pipelineId: null, listId: int(1, 500) });
  if (chance(0.5)) stageRules.push({ match: 'lost', pipelineId: null, listId: int(1, 500) });
  for (const pipelineId of new Set([int(1, 5), int(1, 5)])) {
    if (chance(0.5)) stageRules.push({ match: 'won', pipelineId, listId: int(1, 500) });
    if (chance(0.5)) stageRules.push({ match: 'lost', pipelineId, listId: int(1, 500) });
  }

  const eventRules: EventRule[] = [];
  for (let i = 0; i < int(0, 8); i += 1) {
    const object = pick(eventObjects);
    const action = object === 'deal' ? pick(['create', 'change', 'delete', 'stage_change'] as const) : pick(['create', 'change', 'delete'] as const);
    eventRules.push({ action, object, mergeOnly: action === 'change' && chance(0.3), brevoEvent: `event-${i}_${object}` });
  }

  return canonicalSyncConfig({
    enabled: chance(0.5),
    companyDomain: chance(0.5) ? null : `acme-${int(1, 99)}`,
    sync: { persons: chance(0.8), deals: chance(0.8), organizations: chance(0.8), activities: chance(0.8), leads: chance(0.8) },
    lists: { allContacts: listOrNull(), qualifiedLeads: listOrNull(), customers: listOrNull(), churned: listOrNull(), nurture: listOrNull() },
    personMapping,
    organizationMapping,
    stageRules,
    eventRules,
    defaultPhoneCountry: pick(['FR', 'US', 'DE', 'JP', null]),
    defaultCurrency: pick(['EUR', 'USD', 'JPY', 'GBP']),
    deleteContactOnPersonDelete: chance(0.5),
    replayHistoryDays: int(0, 365),
  });
}

describe('export → import round trip', () => {
  it('returns the same configuration for 200 generated configurations', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const config = randomConfig(seed);
      expect(syncConfigSchema.safeParse(config).success, `seed ${seed} generated an invalid config`).toBe(true);
      const parsed = parseConfigYaml(exportConfigYaml(config));
      if (!parsed.ok) throw new Error(`seed ${seed}: ${JSON.stringify(parsed.errors)}`);
      expect(parsed.config, `seed ${seed}`).toEqual(config);
    }
  });
});
