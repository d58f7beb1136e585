import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { StageRule, SyncConfig } from '@/lib/sync/config';
import { formatOrganizationSource, formatPersonSource } from '@/lib/sync/mapping-source';
import type { FieldDefinition, PipedrivePipeline, PipedriveStage } from '@/lib/sync/types';
import { eventActionText, listKeys, syncKeys } from './yaml-format';

/** Names the exporter writes as comments next to ids and hashes, when the caller knows them. */
export interface ExportContext {
  personFields?: readonly FieldDefinition[];
  organizationFields?: readonly FieldDefinition[];
  stages?: readonly PipedriveStage[];
  pipelines?: readonly PipedrivePipeline[];
  /** Brevo lists (`GET /contacts/lists`). */
  lists?: readonly { id: number; name: string }[];
}

function scalar(value: string | number | boolean | null, comment?: string | null): Scalar {
  const node = new Scalar(value);
  if (comment) node.comment = ` ${comment}`;
  return node;
}

function map(entries: [string | number, unknown][]): YAMLMap {
  const node = new YAMLMap();
  for (const [key, value] of entries) node.items.push(new Pair(new Scalar(key), value));
  return node;
}

/**
 * `source: ATTRIBUTE` lines; a source that fills several attributes becomes one key with a
 * list, at the place of its first entry (YAML keys must be unique). canonicalSyncConfig orders
 * a configuration the same way, which keeps export → import exact.
 */
function mappingNode(entries: { source: string; attribute: string; comment: string | null }[]): YAMLMap {
  const grouped = new Map<string, { attributes: string[]; comment: string | null }>();
  for (const entry of entries) {
    const group = grouped.get(entry.source) ?? { attributes: [], comment: entry.comment };
    group.attributes.push(entry.attribute);
    grouped.set(entry.source, group);
  }
  const node = new YAMLMap();
  for (const [source, { attributes, comment }] of grouped) {
    if (attributes.length === 1) {
      node.items.push(new Pair(new Scalar(source), scalar(attributes[0]!, comment)));
    } else {
      const list = new YAMLSeq();
      list.flow = true;
      list.items.push(...attributes.map((attribute) => new Scalar(attribute)));
      if (comment) list.comment = ` ${comment}`;
      node.items.push(new Pair(new Scalar(source), list));
    }
  }
  return node;
}

/**
 * Writes a configuration in the connector spec's YAML format, ready to edit and re-import.
 *
 * - No secret is ever written: SyncConfig holds none, and the header says where the Pipedrive
 *   connection lives instead.
 * - Custom fields stay keyed by their 40-character hash (names change and collide; hashes do
 *   not), with the field's name as a comment so people can read the file.
 * - Stage, pipeline and list ids get their names as comments for the same reason.
 */
export function exportConfigYaml(config: SyncConfig, context: ExportContext = {}): string {
  const listName = (id: number | null) => (id === null ? null : (context.lists?.find((list) => list.id === id)?.name ?? null));
  const fieldComment = (fields: readonly FieldDefinition[] | undefined, key: string) => {
    if (fields === undefined) return null;
    const field = fields.find((candidate) => candidate.field_key === key);
    return field === undefined ? 'no Pipedrive field has this key' : `${field.field_name} (${field.field_type})`;
  };
  const stageComment = (stageId: number, listId: number) => {
    const stage = context.stages?.find((candidate) => candidate.id === stageId);
    const pipeline = stage && context.pipelines?.find((candidate) => candidate.id === stage.pipeline_id);
    const from = stage ? (pipeline ? `${pipeline.name} › ${stage.name}` : stage.name) : null;
    const to = listName(listId);
    if (from === null && to === null) return null;
    return `${from ?? `stage ${stageId}`} → ${to ?? `list ${listId}`}`;
  };
  const listComment = (listId: number) => {
    const name = listName(listId);
    return name === null ? null : `→ ${name}`;
  };

  const pipedrive = new YAMLMap();
  const set = (key: string, value: unknown) => pipedrive.items.push(new Pair(new Scalar(key), value));

  set('enabled', config.enabled);
  if (config.companyDomain !== null) set('company_domain', scalar(config.companyDomain, `${config.companyDomain}.pipedrive.com`));
  set('default_currency', config.defaultCurrency);
  if (config.defaultPhoneCountry !== null) set('default_phone_country', config.defaultPhoneCountry);
  set('delete_contact_on_person_delete', config.deleteContactOnPersonDelete);
  set('replay_history_days', config.replayHistoryDays);
  set('sync', map(syncKeys.map((key) => [key, config.sync[key]])));

  set(
    'lists',
    map(
      Object.entries(listKeys).map(([key, field]) => {
        const id = config.lists[field];
        return [key, scalar(id, id === null ? 'not used' : listName(id))];
      }),
    ),
  );

  set(
    'person_mapping',
    mappingNode(
      config.personMapping.map((entry) => ({
        source: formatPersonSource(entry.source),
        attribute: entry.attribute,
        comment: entry.source.kind === 'custom' ? fieldComment(context.personFields, entry.source.key) : null,
      })),
    ),
  );

  set(
    'organization_mapping',
    mappingNode(
      config.organizationMapping.map((entry) => ({
        source: formatOrganizationSource(entry.source),
        attribute: entry.attribute,
        comment: entry.source.kind === 'custom' ? fieldComment(context.organizationFields, entry.source.key) : null,
      })),
    ),
  );

  // Same canonical order the parser produces: stage rules, company-wide outcomes, per pipeline.
  const stageMapping = new YAMLMap();
  const perPipeline = new Map<number, Extract<StageRule, { match: 'won' | 'lost' }>[]>();
  for (const rule of config.stageRules) {
    if (rule.match === 'stage') stageMapping.items.push(new Pair(new Scalar(rule.stageId), scalar(rule.listId, stageComment(rule.stageId, rule.listId))));
  }
  for (const rule of config.stageRules) {
    if (rule.match === 'stage') continue;
    if (rule.pipelineId === null) stageMapping.items.push(new Pair(new Scalar(rule.match), scalar(rule.listId, listComment(rule.listId))));
    else perPipeline.set(rule.pipelineId, [...(perPipeline.get(rule.pipelineId) ?? []), rule]);
  }
  if (perPipeline.size > 0) {
    const pipelines = new YAMLMap();
    for (const [pipelineId, rules] of perPipeline) {
      const key = new Scalar(pipelineId);
      const name = context.pipelines?.find((pipeline) => pipeline.id === pipelineId)?.name;
      if (name) key.commentBefore = ` ${name}`;
      pipelines.items.push(new Pair(key, map(rules.map((rule) => [rule.match, scalar(rule.listId, listComment(rule.listId))]))));
    }
    stageMapping.items.push(new Pair(new Scalar('pipelines'), pipelines));
  }
  set('deal_stage_mapping', stageMapping);

  const webhooks = new YAMLSeq();
  for (const rule of config.eventRules) {
    webhooks.items.push(
      map([
        ['event_action', eventActionText(rule)],
        ['event_object', rule.object],
        ['brevo_event', rule.brevoEvent],
      ]),
    );
  }
  set('webhooks', webhooks);

  const document = new Document();
  document.contents = map([['connectors', map([['pipedrive', pipedrive]])]]);
  document.commentBefore = [
    ' Pipebridge sync configuration (Pipedrive → Brevo).',
    ' The Pipedrive connection is made with OAuth when the app is installed: no token belongs in this file.',
    ' Custom fields are keyed by their Pipedrive field key; the comment shows the field name.',
  ].join('\n');
  return document.toString({ lineWidth: 0 });
}
