import { isSupportedCountry } from 'libphonenumber-js/max';
import { isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { defaultSyncConfig, syncConfigSchema, type SyncConfig } from '@/lib/sync/config';
import { readOrganizationMapping, readPersonMapping } from './read-mappings';
import { readStageMapping } from './read-stage-mapping';
import { readWebhookRules } from './read-webhook-rules';
import { listKeys, pipedriveKeys, sectionKeys, syncKeys } from './yaml-format';
import { describeNode, didYouMean, isEmptyNode, YamlReader, type ConfigError, type Located, type MapEntry } from './yaml-reader';

export type { ConfigError } from './yaml-reader';

export type ParseConfigResult =
  | { ok: true; config: SyncConfig; notices: ConfigError[] }
  | { ok: false; errors: ConfigError[] };

const ROOT = 'connectors.pipedrive';

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
  const reader = new YamlReader(lineCounter);
  const notices: ConfigError[] = [];

  for (const problem of document.errors) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    // Syntax errors come before any structure exists, so they carry no path.
    reader.errors.push({
      line,
      column: col,
      path: '',
      message: `the file is not valid YAML: ${problem.message.split('\n')[0] ?? problem.code}`,
    });
  }
  if (reader.errors.length > 0) return { ok: false, errors: reader.errors };

  const root = document.contents as YamlNode | null;
  if (isEmptyNode(root)) {
    reader.fail(null, '', 'the file is empty; start it with "connectors:" and "pipedrive:" underneath');
    return { ok: false, errors: reader.errors };
  }

  const found = collectSettings(reader, root);
  const setting = (key: string) => found.get(key);
  const config = defaultSyncConfig();
  /** zod paths of the built config → where they came from, to place cross-field errors. */
  const locations = new Map<string, Located>();
  const remember = (zodPath: (string | number)[], located: Located) => locations.set(zodPath.join('.'), located);

  const enabled = setting('enabled');
  if (enabled) config.enabled = reader.boolean(enabled) ?? config.enabled;

  const token = setting('api_token');
  if (token) {
    notices.push({
      ...reader.position(token.keyNode),
      path: token.path,
      message: 'api_token was ignored and not stored: Pipebridge connects to Pipedrive with OAuth. Remove the token from the file',
    });
  }

  const domain = setting('company_domain');
  if (domain) {
    const value = reader.string(domain, 'the Pipedrive subdomain, e.g. "yourcompany" for yourcompany.pipedrive.com');
    if (value === null) config.companyDomain = null;
    else if (value !== undefined) {
      const subdomain = value.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\.pipedrive\.com\/?$/, '');
      if (/^[a-z0-9][a-z0-9-]*$/.test(subdomain)) config.companyDomain = subdomain;
      else reader.fail(domain.node, domain.path, `${domain.path} must be the subdomain only, e.g. "yourcompany" for yourcompany.pipedrive.com, got ${JSON.stringify(value)}`);
    }
  }

  const currency = setting('default_currency');
  if (currency) {
    const value = reader.string(currency, 'a three-letter currency code such as EUR');
    if (value !== undefined && value !== null && /^[A-Za-z]{3}$/.test(value.trim())) config.defaultCurrency = value.trim().toUpperCase();
    else if (value !== undefined) reader.fail(currency.node, currency.path, `${currency.path} must be a three-letter ISO 4217 code such as EUR or USD`);
  }

  const country = setting('default_phone_country');
  if (country) {
    const value = reader.string(country, 'a two-letter country code such as FR');
    if (value === null) config.defaultPhoneCountry = null;
    else if (value !== undefined) {
      const code = value.trim().toUpperCase();
      if (isSupportedCountry(code)) config.defaultPhoneCountry = code;
      else reader.fail(country.node, country.path, `${country.path} must be a two-letter country code such as FR or US, got ${JSON.stringify(value)}`);
    }
  }

  const deleteFlag = setting('delete_contact_on_person_delete');
  if (deleteFlag) config.deleteContactOnPersonDelete = reader.boolean(deleteFlag) ?? config.deleteContactOnPersonDelete;

  const replay = setting('replay_history_days');
  if (replay) {
    const { node, path } = replay;
    const days: unknown = node !== null && isScalar(node) ? node.value : null;
    if (typeof days === 'number' && Number.isInteger(days) && days >= 0 && days <= 365) config.replayHistoryDays = days;
    else reader.fail(node, path, `${path} must be a whole number of days from 0 (no replay) to 365, got ${describeNode(node)}`);
  }

  const sync = setting('sync');
  if (sync) {
    for (const entry of reader.entries(sync)) {
      const key = syncKeys.find((candidate) => candidate === entry.key);
      if (key === undefined) {
        reader.fail(entry.keyNode, entry.path, `unknown sync toggle "${entry.key}".${didYouMean(entry.key, syncKeys)} Toggles: ${syncKeys.join(', ')}`);
        continue;
      }
      config.sync[key] = reader.boolean(entry) ?? config.sync[key];
    }
  }

  const lists = setting('lists');
  if (lists) {
    const names = Object.keys(listKeys);
    for (const entry of reader.entries(lists)) {
      const field = Object.entries(listKeys).find(([key]) => key === entry.key)?.[1];
      if (field === undefined) {
        reader.fail(entry.keyNode, entry.path, `unknown list "${entry.key}".${didYouMean(entry.key, names)} Lists: ${names.join(', ')}`);
        continue;
      }
      const id = reader.listId(entry, true);
      if (id !== undefined) config.lists[field] = id;
      remember(['lists', field], entry);
    }
  }

  const personMapping = setting('person_mapping');
  if (personMapping) {
    const read = readPersonMapping(reader, personMapping);
    config.personMapping = read.entries;
    read.at.forEach((at, index) => {
      remember(['personMapping', index], at.key);
      remember(['personMapping', index, 'attribute'], at.attribute);
    });
  }

  const organizationMapping = setting('organization_mapping');
  if (organizationMapping) {
    const read = readOrganizationMapping(reader, organizationMapping);
    config.organizationMapping = read.entries;
    read.at.forEach((at, index) => remember(['organizationMapping', index, 'attribute'], at.attribute));
  }

  const stageMapping = setting('deal_stage_mapping');
  if (stageMapping) {
    const read = readStageMapping(reader, stageMapping);
    config.stageRules = read.rules;
    read.at.forEach((at, index) => remember(['stageRules', index], at));
  }

  const webhooks = setting('webhooks');
  if (webhooks) {
    const read = readWebhookRules(reader, webhooks);
    config.eventRules = read.rules;
    read.at.forEach((at, index) => remember(['eventRules', index], at));
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
      reader.fail(at.node, at.path, `${issue.message}; ${fixFor(segments)}`);
    }
  }

  if (reader.errors.length > 0) {
    return { ok: false, errors: [...reader.errors].sort((a, b) => a.line - b.line || a.column - b.column) };
  }
  return { ok: true, config: checked.success ? checked.data : config, notices };
}

/**
 * Finds the settings under `connectors.pipedrive`, plus the sections the connector spec shows
 * as separate snippets at the top of the file (`person_mapping:`, `webhooks:`, ...).
 */
function collectSettings(reader: YamlReader, root: YamlNode | null): Map<string, MapEntry> {
  const found = new Map<string, MapEntry>();
  const take = (entry: MapEntry) => {
    const earlier = found.get(entry.key);
    if (earlier !== undefined) {
      reader.fail(entry.keyNode, entry.path, `"${entry.key}" is set twice (also at ${earlier.path}); keep only one`);
      return;
    }
    found.set(entry.key, entry);
  };
  let sawPipedrive = false;
  for (const top of reader.entries({ node: root, path: '' })) {
    if (top.key === 'connectors') {
      for (const connector of reader.entries(top)) {
        if (connector.key !== 'pipedrive') {
          reader.fail(connector.keyNode, connector.path, `Pipebridge only reads connectors.pipedrive; remove "${connector.key}"`);
          continue;
        }
        sawPipedrive = true;
        for (const setting of reader.entries(connector)) {
          if (pipedriveKeys.includes(setting.key)) take(setting);
          else {
            reader.fail(
              setting.keyNode,
              setting.path,
              `unknown setting "${setting.key}".${didYouMean(setting.key, pipedriveKeys)} Known settings: ${pipedriveKeys.join(', ')}`,
            );
          }
        }
      }
    } else if ((sectionKeys as readonly string[]).includes(top.key)) {
      take(top);
    } else if (top.key === 'pipedrive' || pipedriveKeys.includes(top.key)) {
      // The usual result of pasting the spec's sample after its indentation was lost.
      reader.fail(
        top.keyNode,
        top.path,
        `"${top.key}" belongs under connectors.pipedrive; indent it (two spaces per level) below "connectors:" and "pipedrive:"`,
      );
    } else {
      reader.fail(
        top.keyNode,
        top.path,
        `unknown top-level key "${top.key}".${didYouMean(top.key, ['connectors', ...sectionKeys])} The file starts with "connectors:" and "pipedrive:" underneath`,
      );
    }
  }
  if (!sawPipedrive && found.size === 0 && reader.errors.length === 0) {
    reader.fail(root, '', 'no "connectors: pipedrive:" section found; the settings go underneath it');
  }
  return found;
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
      return 'list each rule once; merged rules need an updated/change action, stage_changed needs event_object deal';
    default:
      return 'correct the value';
  }
}
