import { isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { BREVO_ATTRIBUTE_NAME, BREVO_COMPANY_ATTRIBUTE_NAME, suggestAttributeName } from '@/lib/sync/brevo-names';
import { EMAIL_TARGET, type OrganizationMappingEntry, type PersonMappingEntry } from '@/lib/sync/config';
import {
  knownOrganizationSourceNames,
  knownPersonSourceNames,
  parseOrganizationSource,
  parsePersonSource,
} from '@/lib/sync/mapping-source';
import { childPath, describeNode, didYouMean, type Located, type YamlReader } from './yaml-reader';

/** Where each read entry came from, indexed like the returned array (for schema errors). */
export interface MappingRead<T> {
  entries: T[];
  at: { key: Located; attribute: Located }[];
}

/**
 * A source normally fills one attribute (`phone: SMS`). YAML keys are unique, so a source
 * that fills several (`phone: [SMS, PHONE_TEXT]`) lists them.
 */
function targets(reader: YamlReader, node: YamlNode | null, path: string): Located[] {
  if (node === null || !isSeq(node)) return [{ node, path }];
  if (node.items.length === 0) {
    reader.fail(node, path, `${path} lists no attribute; name at least one or remove the line`);
    return [];
  }
  return (node.items as (YamlNode | null)[]).map((item, index) => ({ node: item, path: childPath(path, index, true) }));
}

function attributeText(reader: YamlReader, located: Located, target: string): string | undefined {
  const { node, path } = located;
  const value = node !== null && isScalar(node) && typeof node.value === 'string' ? node.value.trim() : null;
  if (value === null || value === '') {
    reader.fail(node, path, `${path} needs the name of a Brevo ${target} attribute, got ${describeNode(node)}; remove the line to stop mapping this field`);
    return undefined;
  }
  return value;
}

/** `person_mapping`: Pipedrive source → Brevo contact attribute (upper case) or `email`. */
export function readPersonMapping(reader: YamlReader, section: Located): MappingRead<PersonMappingEntry> {
  const read: MappingRead<PersonMappingEntry> = { entries: [], at: [] };
  for (const entry of reader.entries(section)) {
    const source = parsePersonSource(entry.key);
    if (source === null) {
      reader.fail(
        entry.keyNode,
        entry.path,
        `unknown Pipedrive source "${entry.key}".${didYouMean(entry.key, knownPersonSourceNames())} Use one of ${knownPersonSourceNames().join(', ')}`,
      );
      continue;
    }
    for (const target of targets(reader, entry.node, entry.path)) {
      const attribute = attributeText(reader, target, 'contact');
      if (attribute === undefined) continue;
      if (attribute !== EMAIL_TARGET && !BREVO_ATTRIBUTE_NAME.test(attribute)) {
        const suggestion = suggestAttributeName(attribute);
        reader.fail(
          target.node,
          target.path,
          `"${attribute}" is not a Brevo contact attribute name: Brevo attribute names are upper-case letters, digits and underscores${suggestion ? `; write ${suggestion}` : ''}`,
        );
        continue;
      }
      read.entries.push({ source, attribute });
      read.at.push({ key: { node: entry.keyNode, path: entry.path }, attribute: target });
    }
  }
  return read;
}

/** `organization_mapping`: Pipedrive organization source → Brevo company attribute (lower case). */
export function readOrganizationMapping(reader: YamlReader, section: Located): MappingRead<OrganizationMappingEntry> {
  const read: MappingRead<OrganizationMappingEntry> = { entries: [], at: [] };
  for (const entry of reader.entries(section)) {
    const source = parseOrganizationSource(entry.key);
    if (source === null) {
      reader.fail(
        entry.keyNode,
        entry.path,
        `unknown organization source "${entry.key}".${didYouMean(entry.key, knownOrganizationSourceNames())} Use one of ${knownOrganizationSourceNames().join(', ')}`,
      );
      continue;
    }
    for (const target of targets(reader, entry.node, entry.path)) {
      const attribute = attributeText(reader, target, 'company');
      if (attribute === undefined) continue;
      if (!BREVO_COMPANY_ATTRIBUTE_NAME.test(attribute)) {
        const suggestion = attribute.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
        reader.fail(
          target.node,
          target.path,
          `"${attribute}" is not a Brevo company attribute name: company attributes use lower-case internal names${BREVO_COMPANY_ATTRIBUTE_NAME.test(suggestion) ? `; write ${suggestion}` : ''}`,
        );
        continue;
      }
      read.entries.push({ source, attribute });
      read.at.push({ key: { node: entry.keyNode, path: entry.path }, attribute: target });
    }
  }
  return read;
}
