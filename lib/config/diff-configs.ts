import { stageRuleKey, type EventRule, type StageRule, type SyncConfig } from '@/lib/sync/config';
import { formatOrganizationSource, formatPersonSource } from '@/lib/sync/mapping-source';
import type { ExportContext } from './export-config-yaml';
import { eventActionText, listKeys, syncKeys } from './yaml-format';

export interface ConfigChange {
  section: 'settings' | 'sync' | 'lists' | 'person_mapping' | 'organization_mapping' | 'deal_stage_mapping' | 'webhooks';
  kind: 'added' | 'removed' | 'changed';
  /** One sentence for the preview screen. */
  message: string;
}

const show = (value: unknown) => (value === null ? 'none' : typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

/**
 * Summarizes what an edited configuration changes, for the preview shown before saving or
 * importing. Entries are compared by identity (source, stage rule, event rule), so reordering a
 * file reports nothing, while a moved mapping reads as "now fills X instead of Y".
 */
export function diffConfigs(before: SyncConfig, after: SyncConfig, context: ExportContext = {}): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const listLabel = (id: number | null) => {
    if (id === null) return 'no list';
    const name = context.lists?.find((list) => list.id === id)?.name;
    return name ? `list ${id} (${name})` : `list ${id}`;
  };
  const ruleLabel = (rule: StageRule) => {
    if (rule.match !== 'stage') {
      const pipeline = rule.pipelineId === null ? undefined : context.pipelines?.find((candidate) => candidate.id === rule.pipelineId);
      return pipeline ? `${rule.match} deals in pipeline ${pipeline.name}` : `${stageRuleKey(rule).replace(/^(won|lost)/, '$1 deals')}`;
    }
    const stage = context.stages?.find((candidate) => candidate.id === rule.stageId);
    return stage ? `stage ${rule.stageId} (${stage.name})` : `stage ${rule.stageId}`;
  };

  const settings: [string, unknown, unknown][] = [
    ['sync', before.enabled, after.enabled],
    ['company domain', before.companyDomain, after.companyDomain],
    ['default currency', before.defaultCurrency, after.defaultCurrency],
    ['default phone country', before.defaultPhoneCountry, after.defaultPhoneCountry],
    ['delete contacts when persons are deleted', before.deleteContactOnPersonDelete, after.deleteContactOnPersonDelete],
    ['days of history to replay', before.replayHistoryDays, after.replayHistoryDays],
  ];
  for (const [label, old, next] of settings) {
    if (old === next) continue;
    const message =
      typeof next === 'boolean'
        ? `${label[0]!.toUpperCase()}${label.slice(1)}: ${next ? 'on' : 'off'} (was ${old ? 'on' : 'off'})`
        : `${label[0]!.toUpperCase()}${label.slice(1)} changes from ${show(old)} to ${show(next)}`;
    changes.push({ section: 'settings', kind: 'changed', message });
  }

  for (const key of syncKeys) {
    if (before.sync[key] !== after.sync[key]) {
      changes.push({
        section: 'sync',
        kind: 'changed',
        message: `Sync of ${key} is turned ${after.sync[key] ? 'on' : 'off'}`,
      });
    }
  }

  for (const [key, field] of Object.entries(listKeys)) {
    const old = before.lists[field];
    const next = after.lists[field];
    if (old === next) continue;
    changes.push({
      section: 'lists',
      kind: old === null ? 'added' : next === null ? 'removed' : 'changed',
      message: `The ${key} list changes from ${listLabel(old)} to ${listLabel(next)}`,
    });
  }

  const personTargets = (config: SyncConfig) =>
    targetsBySource(config.personMapping.map((entry) => [formatPersonSource(entry.source), entry.attribute]));
  diffMappings('person_mapping', 'Pipedrive', personTargets(before), personTargets(after), changes);
  const companyTargets = (config: SyncConfig) =>
    targetsBySource(config.organizationMapping.map((entry) => [formatOrganizationSource(entry.source), entry.attribute]));
  diffMappings('organization_mapping', 'organization', companyTargets(before), companyTargets(after), changes);

  const rulesBefore = new Map(before.stageRules.map((rule) => [stageRuleKey(rule), rule]));
  const rulesAfter = new Map(after.stageRules.map((rule) => [stageRuleKey(rule), rule]));
  for (const [key, rule] of rulesAfter) {
    const old = rulesBefore.get(key);
    if (old === undefined) {
      changes.push({ section: 'deal_stage_mapping', kind: 'added', message: `Contacts with ${ruleLabel(rule)} will join ${listLabel(rule.listId)}` });
    } else if (old.listId !== rule.listId) {
      changes.push({
        section: 'deal_stage_mapping',
        kind: 'changed',
        message: `Contacts with ${ruleLabel(rule)} move from ${listLabel(old.listId)} to ${listLabel(rule.listId)}`,
      });
    }
  }
  for (const [key, rule] of rulesBefore) {
    if (!rulesAfter.has(key)) {
      changes.push({
        section: 'deal_stage_mapping',
        kind: 'removed',
        message: `Contacts with ${ruleLabel(rule)} no longer go to ${listLabel(rule.listId)}`,
      });
    }
  }

  const eventKey = (rule: EventRule) => `${eventActionText(rule)} ${rule.object} → ${rule.brevoEvent}`;
  const eventsBefore = new Set(before.eventRules.map(eventKey));
  const eventsAfter = new Set(after.eventRules.map(eventKey));
  for (const key of eventsAfter) {
    if (!eventsBefore.has(key)) changes.push({ section: 'webhooks', kind: 'added', message: `New event rule: ${key}` });
  }
  for (const key of eventsBefore) {
    if (!eventsAfter.has(key)) changes.push({ section: 'webhooks', kind: 'removed', message: `Event rule removed: ${key}` });
  }
  return changes;
}

/** One source may fill several attributes (a phone into SMS and into a text copy). */
function targetsBySource(pairs: [string, string][]): Map<string, string> {
  const grouped = new Map<string, string[]>();
  for (const [source, attribute] of pairs) grouped.set(source, [...(grouped.get(source) ?? []), attribute]);
  return new Map([...grouped].map(([source, attributes]) => [source, attributes.sort().join(' and ')]));
}

function diffMappings(
  section: 'person_mapping' | 'organization_mapping',
  noun: string,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
  changes: ConfigChange[],
): void {
  for (const [source, attribute] of after) {
    const old = before.get(source);
    if (old === undefined) changes.push({ section, kind: 'added', message: `${noun} ${source} will fill ${attribute}` });
    else if (old !== attribute) changes.push({ section, kind: 'changed', message: `${noun} ${source} now fills ${attribute} instead of ${old}` });
  }
  for (const [source, attribute] of before) {
    if (!after.has(source)) changes.push({ section, kind: 'removed', message: `${noun} ${source} no longer fills ${attribute}` });
  }
}
