import { isSupportedCountry } from 'libphonenumber-js/max';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { BREVO_ATTRIBUTE_NAME, BREVO_COMPANY_ATTRIBUTE_NAME, BREVO_EVENT_NAME, suggestEventName, suggestAttributeName } from '@/lib/sync/brevo-names';
import {
  defaultSyncConfig,
  EMAIL_TARGET,
  eventObjects,
  normalizeEventAction,
  syncConfigSchema,
  type EventRule,
  type StageRule,
  type SyncConfig,
} from '@/lib/sync/config';
import {
  knownOrganizationSourceNames,
  knownPersonSourceNames,
  parseOrganizationSource,
  parsePersonSource,
} from '@/lib/sync/mapping-source';
import { closestName } from './closest-name';
import { listKeys, pipedriveKeys, sectionKeys, syncKeys, webhookKeys } from './yaml-format';

/** One problem in a configuration file, placed so an editor can jump to it. */
export interface ConfigError {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where in the file's structure, e.g. `connectors.pipedrive.lists.customers`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export type ParseConfigResult =
  | { ok: true; config: SyncConfig; notices: ConfigError[] }
  | { ok: false; errors: ConfigError[] };

type Located = { node: YamlNode | null; path: string };

const ROOT = 'connectors.pipedrive';

function childPath(path: string, key: string | number, inSequence = false): string {
  if (inSequence) return `${path}[${key}]`;
  const text = String(key);
  const segment = /^[A-Za-z0-9_]+$/.test(text) ? text : JSON.stringify(text);
  if (path === '') return segment;
  return segment.startsWith('"') ? `${path}[${segment}]` : `${path}.${segment}`;
}

function describe(node: YamlNode | null): string {
  if (node === null) return 'nothing';
  if (isScalar(node)) return node.value === null ? 'an empty value' : JSON.stringify(node.value);
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  return 'an alias';
}

function didYouMean(name: string, candidates: readonly string[]): string {
  const guess = closestName(name, candidates);
  return guess === null ? '' : ` Did you mean "${guess}"?`;
}

/**
 * Reads the YAML configuration (the connector spec's format, nested under
 * `connectors.pipedrive`) into a SyncConfig, or explains every problem with its line, column
 * and path. Nothing is half-applied: either the whole file is valid or the caller gets errors.
 *
 * Sections left out keep their defaults, so a file can hold only what differs. The spec's
 * `api_token` is accepted but ignored (Pipebridge authenticates with OAuth and never stores a
 * token from a file); that is returned as a notice.
 */
export function parseConfigYaml(text: string): ParseConfigResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const errors: ConfigError[] = [];
  const notices: ConfigError[] = [];
  const position = (node: YamlNode | null) => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  const fail = (node: YamlNode | null, path: string, message: string) => {
    errors.push({ ...position(node), path, message });
  };

  for (const problem of document.errors) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    // Syntax errors have no reliable structure yet, so they carry no path.
    errors.push({ line, column: col, path: '', message: `the file is not valid YAML: ${problem.message.split('\n')[0] ?? problem.code}` });
  }
  if (errors.length > 0) return { ok: false, errors };

  // Duplicate keys are found while walking (uniqueKeys is off) so the error can name the path.
  const root = document.contents as YamlNode | null;
  if (root === null || (isScalar(root) && root.value === null)) {
    fail(null, '', 'the file is empty; start it with "connectors:" and "pipedrive:" underneath');
    return { ok: false, errors };
  }

  const entries = (node: YamlNode | null, path: string): { key: string; keyNode: YamlNode; value: YamlNode | null; path: string }[] => {
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isMap(node)) {
      fail(node, path, `${path || 'the file'} must be a mapping of "key: value" lines, got ${describe(node)}`);
      return [];
    }
    const result: { key: string; keyNode: YamlNode; value: YamlNode | null; path: string }[] = [];
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode;
      const raw: unknown = isScalar(keyNode) ? keyNode.value : null;
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        fail(keyNode, path, 'keys must be plain names or numbers');
        continue;
      }
      const key = String(raw);
      if (seen.has(key)) {
        fail(keyNode, childPath(path, key), `"${key}" appears twice in ${path || 'the file'}; keep only one of them`);
        continue;
      }
      seen.add(key);
      const value = (pair.value ?? null) as YamlNode | null;
      if (value !== null && isAlias(value)) {
        fail(value, childPath(path, key), 'YAML aliases (*name) are not supported here; write the value out');
        continue;
      }
      result.push({ key, keyNode, value, path: childPath(path, key) });
    }
    return result;
  };

  // Gather `connectors.pipedrive.*` and the sections the spec shows at the top of the file.
  const found = new Map<string, Located & { keyNode: YamlNode }>();
  const take = (key: string, keyNode: YamlNode, value: YamlNode | null, path: string) => {
    const earlier = found.get(key);
    if (earlier !== undefined) {
      fail(keyNode, path, `"${key}" is set twice (also at ${earlier.path}); keep only one`);
      return;
    }
    found.set(key, { node: value, path, keyNode });
  };
  let sawPipedrive = false;
  for (const top of entries(root, '')) {
    if (top.key === 'connectors') {
      for (const connector of entries(top.value, top.path)) {
        if (connector.key !== 'pipedrive') {
          fail(connector.keyNode, connector.path, `Pipebridge only reads connectors.pipedrive; remove "${connector.key}"`);
          continue;
        }
        sawPipedrive = true;
        for (const setting of entries(connector.value, connector.path)) {
          if (!pipedriveKeys.includes(setting.key)) {
            fail(
              setting.keyNode,
              setting.path,
              `unknown setting "${setting.key}".${didYouMean(setting.key, pipedriveKeys)} Known settings: ${pipedriveKeys.join(', ')}`,
            );
            continue;
          }
          take(setting.key, setting.keyNode, setting.value, setting.path);
        }
      }
    } else if ((sectionKeys as readonly string[]).includes(top.key)) {
      take(top.key, top.keyNode, top.value, top.path);
    } else {
      fail(
        top.keyNode,
        top.path,
        `unknown top-level key "${top.key}".${didYouMean(top.key, ['connectors', ...sectionKeys])} The file starts with "connectors:" and "pipedrive:" underneath`,
      );
    }
  }
  if (!sawPipedrive && found.size === 0 && errors.length === 0) {
    fail(root, '', 'no "connectors: pipedrive:" section found; the settings go underneath it');
  }

  const config = defaultSyncConfig();
  /** zod paths of the built config → where they came from, to place cross-field errors. */
  const locations = new Map<string, Located>();
  const remember = (zodPath: (string | number)[], located: Located) => locations.set(zodPath.join('.'), located);
  const setting = (key: string) => found.get(key);

  const readBoolean = (located: Located): boolean | undefined => {
    const { node, path } = located;
    if (node !== null && isScalar(node) && typeof node.value === 'boolean') return node.value;
    fail(node, path, `${path} must be true or false, got ${describe(node)}`);
    return undefined;
  };
  const readString = (located: Located, what: string): string | null | undefined => {
    const { node, path } = located;
    if (node === null || (isScalar(node) && node.value === null)) return null;
    if (isScalar(node) && typeof node.value === 'string') return node.value;
    fail(node, path, `${path} must be ${what}, got ${describe(node)}`);
    return undefined;
  };
  const readListId = (located: Located, allowEmpty: boolean): number | null | undefined => {
    const { node, path } = located;
    if (node === null || (isScalar(node) && node.value === null)) {
      if (allowEmpty) return null;
    } else if (isScalar(node)) {
      const value = node.value;
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
      if (typeof value === 'string' && /^\s*\d+\s*$/.test(value) && Number(value) > 0) return Number(value);
    }
    fail(
      node,
      path,
      `${path} must be a Brevo list id (a whole number such as 61, shown in Brevo under Contacts > Lists), got ${describe(node)}${allowEmpty ? '; leave it empty to use no list' : ''}`,
    );
    return undefined;
  };

  const enabled = setting('enabled');
  if (enabled) config.enabled = readBoolean(enabled) ?? config.enabled;

  const token = setting('api_token');
  if (token) {
    notices.push({
      ...position(token.keyNode),
      path: token.path,
      message: 'api_token was ignored and not stored: Pipebridge connects to Pipedrive with OAuth. Remove the token from the file',
    });
  }

  const domain = setting('company_domain');
  if (domain) {
    const value = readString(domain, 'the Pipedrive subdomain, e.g. "yourcompany" for yourcompany.pipedrive.com');
    if (value === null) config.companyDomain = null;
    else if (value !== undefined) {
      const subdomain = value.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\.pipedrive\.com\/?$/, '');
      if (/^[a-z0-9][a-z0-9-]*$/.test(subdomain)) config.companyDomain = subdomain;
      else fail(domain.node, domain.path, `${domain.path} must be the subdomain only, e.g. "yourcompany" for yourcompany.pipedrive.com, got ${JSON.stringify(value)}`);
    }
  }

  const currency = setting('default_currency');
  if (currency) {
    const value = readString(currency, 'a three-letter currency code such as EUR');
    if (value !== undefined && value !== null && /^[A-Za-z]{3}$/.test(value.trim())) config.defaultCurrency = value.trim().toUpperCase();
    else if (value !== undefined) fail(currency.node, currency.path, `${currency.path} must be a three-letter ISO 4217 code such as EUR or USD`);
  }

  const country = setting('default_phone_country');
  if (country) {
    const value = readString(country, 'a two-letter country code such as FR');
    if (value === null) config.defaultPhoneCountry = null;
    else if (value !== undefined) {
      const code = value.trim().toUpperCase();
      if (isSupportedCountry(code)) config.defaultPhoneCountry = code;
      else fail(country.node, country.path, `${country.path} must be a two-letter country code such as FR or US, got ${JSON.stringify(value)}`);
    }
  }

  const deleteFlag = setting('delete_contact_on_person_delete');
  if (deleteFlag) config.deleteContactOnPersonDelete = readBoolean(deleteFlag) ?? config.deleteContactOnPersonDelete;

  const replay = setting('replay_history_days');
  if (replay) {
    const { node, path } = replay;
    if (node !== null && isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 0 && node.value <= 365) {
      config.replayHistoryDays = node.value;
    } else {
      fail(node, path, `${path} must be a whole number of days from 0 (no replay) to 365, got ${describe(node)}`);
    }
  }

  const sync = setting('sync');
  if (sync) {
    for (const entry of entries(sync.node, sync.path)) {
      const key = syncKeys.find((candidate) => candidate === entry.key);
      if (key === undefined) {
        fail(entry.keyNode, entry.path, `unknown sync toggle "${entry.key}".${didYouMean(entry.key, syncKeys)} Toggles: ${syncKeys.join(', ')}`);
        continue;
      }
      config.sync[key] = readBoolean({ node: entry.value, path: entry.path }) ?? config.sync[key];
    }
  }

  const lists = setting('lists');
  if (lists) {
    const names = Object.keys(listKeys);
    for (const entry of entries(lists.node, lists.path)) {
      const field = listKeys[entry.key as keyof typeof listKeys] as (typeof listKeys)[keyof typeof listKeys] | undefined;
      if (field === undefined) {
        fail(entry.keyNode, entry.path, `unknown list "${entry.key}".${didYouMean(entry.key, names)} Lists: ${names.join(', ')}`);
        continue;
      }
      const id = readListId({ node: entry.value, path: entry.path }, true);
      if (id !== undefined) config.lists[field] = id;
      remember(['lists', field], { node: entry.value, path: entry.path });
    }
  }

  const personMapping = setting('person_mapping');
  if (personMapping) {
    config.personMapping = [];
    for (const entry of entries(personMapping.node, personMapping.path)) {
      const source = parsePersonSource(entry.key);
      if (source === null) {
        fail(
          entry.keyNode,
          entry.path,
          `unknown Pipedrive source "${entry.key}".${didYouMean(entry.key, knownPersonSourceNames())} Use one of ${knownPersonSourceNames().join(', ')}`,
        );
        continue;
      }
      for (const target of targets(entry.value, entry.path)) {
        const attribute = readAttribute(target, 'contact');
        if (attribute === undefined) continue;
        remember(['personMapping', config.personMapping.length, 'attribute'], target);
        remember(['personMapping', config.personMapping.length], { node: entry.keyNode, path: entry.path });
        config.personMapping.push({ source, attribute });
      }
    }
  }

  const organizationMapping = setting('organization_mapping');
  if (organizationMapping) {
    config.organizationMapping = [];
    for (const entry of entries(organizationMapping.node, organizationMapping.path)) {
      const source = parseOrganizationSource(entry.key);
      if (source === null) {
        fail(
          entry.keyNode,
          entry.path,
          `unknown organization source "${entry.key}".${didYouMean(entry.key, knownOrganizationSourceNames())} Use one of ${knownOrganizationSourceNames().join(', ')}`,
        );
        continue;
      }
      for (const target of targets(entry.value, entry.path)) {
        const attribute = readAttribute(target, 'company');
        if (attribute === undefined) continue;
        remember(['organizationMapping', config.organizationMapping.length, 'attribute'], target);
        config.organizationMapping.push({ source, attribute });
      }
    }
  }

  /**
   * A source normally fills one attribute (`phone: SMS`). YAML keys are unique, so a source
   * that fills several (`phone: [SMS, PHONE_TEXT]`) lists them.
   */
  function targets(node: YamlNode | null, path: string): Located[] {
    if (node === null || !isSeq(node)) return [{ node, path }];
    if (node.items.length === 0) {
      fail(node, path, `${path} lists no attribute; name at least one or remove the line`);
      return [];
    }
    return (node.items as (YamlNode | null)[]).map((item, index) => ({ node: item, path: childPath(path, index, true) }));
  }

  function readAttribute(located: Located, target: 'contact' | 'company'): string | undefined {
    const { node, path } = located;
    const value = node !== null && isScalar(node) && typeof node.value === 'string' ? node.value.trim() : null;
    if (value === null || value === '') {
      fail(node, path, `${path} needs the name of a Brevo ${target} attribute, got ${describe(node)}; remove the line to stop mapping this field`);
      return undefined;
    }
    if (target === 'contact') {
      if (value === EMAIL_TARGET || BREVO_ATTRIBUTE_NAME.test(value)) return value;
      const suggestion = suggestAttributeName(value);
      fail(
        node,
        path,
        `"${value}" is not a Brevo contact attribute name: Brevo attribute names are upper-case letters, digits and underscores${suggestion ? `; write ${suggestion}` : ''}`,
      );
      return undefined;
    }
    if (BREVO_COMPANY_ATTRIBUTE_NAME.test(value)) return value;
    const suggestion = value.trim().replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
    fail(
      node,
      path,
      `"${value}" is not a Brevo company attribute name: company attributes use lower-case internal names${BREVO_COMPANY_ATTRIBUTE_NAME.test(suggestion) ? `; write ${suggestion}` : ''}`,
    );
    return undefined;
  }

  const stageMapping = setting('deal_stage_mapping');
  if (stageMapping) {
    const rules: { rule: StageRule; at: Located }[] = [];
    for (const entry of entries(stageMapping.node, stageMapping.path)) {
      if (entry.key === 'pipelines') {
        for (const pipeline of entries(entry.value, entry.path)) {
          if (!/^\d+$/.test(pipeline.key) || Number(pipeline.key) <= 0) {
            fail(pipeline.keyNode, pipeline.path, `pipelines are keyed by their Pipedrive pipeline id (a number), got "${pipeline.key}"`);
            continue;
          }
          for (const outcome of entries(pipeline.value, pipeline.path)) {
            if (outcome.key !== 'won' && outcome.key !== 'lost') {
              fail(outcome.keyNode, outcome.path, `inside a pipeline only "won" and "lost" can be mapped (stage ids are unique across pipelines, map them directly under deal_stage_mapping), got "${outcome.key}"`);
              continue;
            }
            const listId = readListId({ node: outcome.value, path: outcome.path }, false);
            if (listId === undefined || listId === null) continue;
            rules.push({
              rule: { match: outcome.key, pipelineId: Number(pipeline.key), listId },
              at: { node: outcome.keyNode, path: outcome.path },
            });
          }
        }
        continue;
      }
      const lower = entry.key.toLowerCase();
      if (lower !== 'won' && lower !== 'lost' && !/^\d+$/.test(entry.key)) {
        fail(
          entry.keyNode,
          entry.path,
          `deal_stage_mapping keys are Pipedrive stage ids (numbers), "won", "lost" or "pipelines", got "${entry.key}".${didYouMean(entry.key, ['won', 'lost', 'pipelines'])}`,
        );
        continue;
      }
      const listId = readListId({ node: entry.value, path: entry.path }, false);
      if (listId === undefined || listId === null) continue;
      const at = { node: entry.keyNode, path: entry.path };
      if (lower === 'won' || lower === 'lost') rules.push({ rule: { match: lower, pipelineId: null, listId }, at });
      else if (Number(entry.key) > 0) rules.push({ rule: { match: 'stage', stageId: Number(entry.key), listId }, at });
      else fail(entry.keyNode, entry.path, 'stage ids start at 1');
    }
    // Canonical order (stage rules, then company-wide outcomes, then per-pipeline outcomes), the
    // order the exporter writes, so that export → import returns an identical configuration.
    const order = (rule: StageRule) => (rule.match === 'stage' ? 0 : rule.pipelineId === null ? 1 : 2);
    const combined = rules
      .map((item, index) => ({ ...item, index }))
      .sort((a, b) => order(a.rule) - order(b.rule) || a.index - b.index);
    config.stageRules = combined.map((item) => item.rule);
    combined.forEach((item, index) => remember(['stageRules', index], item.at));
  }

  const webhooks = setting('webhooks');
  if (webhooks) {
    config.eventRules = [];
    const { node, path } = webhooks;
    const items = node === null || (isScalar(node) && node.value === null) ? [] : isSeq(node) ? (node.items as (YamlNode | null)[]) : null;
    if (items === null) fail(node, path, `${path} must be a list of rules ("- event_action: ..."), got ${describe(node)}`);
    (items ?? []).forEach((item, index) => {
      const itemPath = childPath(path, index, true);
      if (item === null || !isMap(item)) {
        fail(item, itemPath, `each webhook rule is a mapping with event_action, event_object and brevo_event, got ${describe(item)}`);
        return;
      }
      const fields = new Map(entries(item, itemPath).map((entry) => [entry.key, entry]));
      for (const entry of fields.values()) {
        if (!(webhookKeys as readonly string[]).includes(entry.key)) {
          fail(entry.keyNode, entry.path, `unknown key "${entry.key}" in a webhook rule.${didYouMean(entry.key, webhookKeys)} A rule has event_action, event_object and brevo_event`);
        }
      }
      const missing = webhookKeys.filter((key) => !fields.has(key));
      if (missing.length > 0) {
        fail(item, itemPath, `webhook rule is missing ${missing.join(' and ')}; a rule has event_action, event_object and brevo_event`);
        return;
      }
      const actionEntry = fields.get('event_action')!;
      const objectEntry = fields.get('event_object')!;
      const eventEntry = fields.get('brevo_event')!;
      const actionText = readString({ node: actionEntry.value, path: actionEntry.path }, 'an action such as added or change');
      const objectText = readString({ node: objectEntry.value, path: objectEntry.path }, 'an object such as person or deal');
      const eventText = readString({ node: eventEntry.value, path: eventEntry.path }, 'a Brevo event name such as deal_updated');
      const action = actionText ? normalizeEventAction(actionText) : null;
      if (actionText !== undefined && action === null) {
        fail(actionEntry.value, actionEntry.path, `unknown event_action ${JSON.stringify(actionText)}; use added, updated, merged or deleted (v1) or create, change, delete (v2), or stage_changed for deals`);
      }
      const object = eventObjects.find((candidate) => candidate === objectText?.trim().toLowerCase());
      if (objectText !== undefined && object === undefined) {
        fail(objectEntry.value, objectEntry.path, `unknown event_object ${JSON.stringify(objectText)}; use one of ${eventObjects.join(', ')}.${didYouMean(objectText ?? '', eventObjects)}`);
      }
      const eventName = eventText?.trim() ?? null;
      if (eventText !== undefined && (eventName === null || !BREVO_EVENT_NAME.test(eventName))) {
        const suggestion = eventName === null ? null : suggestEventName(eventName);
        fail(eventEntry.value, eventEntry.path, `${JSON.stringify(eventText)} is not a valid Brevo event name: use letters, digits, - and _ only (at most 255)${suggestion ? `; write ${suggestion}` : ''}`);
      }
      if (action && object && eventName && BREVO_EVENT_NAME.test(eventName)) {
        const rule: EventRule = { action: action.action, object, mergeOnly: action.mergeOnly, brevoEvent: eventName };
        remember(['eventRules', config.eventRules.length], { node: actionEntry.value, path: actionEntry.path });
        config.eventRules.push(rule);
      }
    });
  }

  // Cross-field rules (one source per attribute, one rule per stage, merge-only on change…)
  // live in the schema; the built config is well-typed, so any issue left is one of those.
  const checked = syncConfigSchema.safeParse(config);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const segments = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
      let located: Located | undefined;
      for (let length = segments.length; length > 0 && located === undefined; length -= 1) {
        located = locations.get(segments.slice(0, length).join('.'));
      }
      const at = located ?? { node: null, path: ROOT };
      fail(at.node, at.path, `${issue.message}; ${fixFor(segments)}`);
    }
  }

  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors };
  }
  return { ok: true, config: checked.success ? checked.data : config, notices };
}

function fixFor(path: (string | number)[]): string {
  switch (path[0]) {
    case 'personMapping':
      return 'map each Brevo attribute from one Pipedrive source only';
    case 'organizationMapping':
      return 'map each company attribute from one source only';
    case 'stageRules':
      return 'give each stage, won and lost one list';
    case 'eventRules':
      return 'merged rules need an updated/change action, stage_changed needs event_object deal';
    default:
      return 'correct the value';
  }
}
