import { isMap, isSeq, type Node as YamlNode } from 'yaml';
import { BREVO_EVENT_NAME, suggestEventName } from '@/lib/sync/brevo-names';
import { eventObjects, normalizeEventAction, type EventRule } from '@/lib/sync/config';
import { webhookKeys } from './yaml-format';
import { childPath, describeNode, didYouMean, isEmptyNode, type Located, type YamlReader } from './yaml-reader';

/**
 * `webhooks`: a list of `{event_action, event_object, brevo_event}`. Actions may use the v1 names
 * of the connector spec (added/updated/merged/deleted) or the v2 ones; both are stored as v2.
 */
export function readWebhookRules(reader: YamlReader, section: Located): { rules: EventRule[]; at: Located[] } {
  const read: { rules: EventRule[]; at: Located[] } = { rules: [], at: [] };
  const { node, path } = section;
  if (isEmptyNode(node)) return read;
  if (node === null || !isSeq(node)) {
    reader.fail(node, path, `${path} must be a list of rules ("- event_action: ..."), got ${describeNode(node)}`);
    return read;
  }
  (node.items as (YamlNode | null)[]).forEach((item, index) => {
    const itemPath = childPath(path, index, true);
    if (item === null || !isMap(item)) {
      reader.fail(item, itemPath, `each webhook rule is a mapping with event_action, event_object and brevo_event, got ${describeNode(item)}`);
      return;
    }
    const fields = new Map(reader.entries({ node: item, path: itemPath }).map((entry) => [entry.key, entry]));
    for (const entry of fields.values()) {
      if (!(webhookKeys as readonly string[]).includes(entry.key)) {
        reader.fail(
          entry.keyNode,
          entry.path,
          `unknown key "${entry.key}" in a webhook rule.${didYouMean(entry.key, webhookKeys)} A rule has event_action, event_object and brevo_event`,
        );
      }
    }
    const actionEntry = fields.get('event_action');
    const objectEntry = fields.get('event_object');
    const eventEntry = fields.get('brevo_event');
    if (actionEntry === undefined || objectEntry === undefined || eventEntry === undefined) {
      const missing = webhookKeys.filter((key) => !fields.has(key));
      reader.fail(item, itemPath, `webhook rule is missing ${missing.join(' and ')}; a rule has event_action, event_object and brevo_event`);
      return;
    }

    const actionText = reader.string(actionEntry, 'an action such as added or change');
    const action = actionText ? normalizeEventAction(actionText) : null;
    if (actionText !== undefined && action === null) {
      reader.fail(
        actionEntry.node,
        actionEntry.path,
        `unknown event_action ${JSON.stringify(actionText)}; use added, updated, merged or deleted (v1) or create, change, delete (v2), or stage_changed for deals`,
      );
    }
    const objectText = reader.string(objectEntry, 'an object such as person or deal');
    const object = eventObjects.find((candidate) => candidate === objectText?.trim().toLowerCase());
    if (objectText !== undefined && object === undefined) {
      reader.fail(
        objectEntry.node,
        objectEntry.path,
        `unknown event_object ${JSON.stringify(objectText)}; use one of ${eventObjects.join(', ')}.${didYouMean(objectText ?? '', eventObjects)}`,
      );
    }
    const eventText = reader.string(eventEntry, 'a Brevo event name such as deal_updated');
    const eventName = eventText?.trim() ?? null;
    const validName = eventName !== null && BREVO_EVENT_NAME.test(eventName);
    if (eventText !== undefined && !validName) {
      const suggestion = eventName === null ? null : suggestEventName(eventName);
      reader.fail(
        eventEntry.node,
        eventEntry.path,
        `${JSON.stringify(eventText)} is not a valid Brevo event name: use letters, digits, - and _ only (at most 255)${suggestion ? `; write ${suggestion}` : ''}`,
      );
    }
    if (action && object && eventName !== null && validName) {
      read.rules.push({ action: action.action, object, mergeOnly: action.mergeOnly, brevoEvent: eventName });
      read.at.push(actionEntry);
    }
  });
  return read;
}
