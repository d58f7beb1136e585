import type { SyncConfig } from './config';
import { diffContacts, type ContactDiff, type CurrentContact } from './diff-contacts';
import { planContactSync, type ContactSyncInput } from './plan-contact-sync';

export interface ConfigChangePreviewInput extends Omit<ContactSyncInput, 'config'> {
  before: SyncConfig;
  after: SyncConfig;
  sampleSize?: number;
}

/**
 * What a configuration edit would do to the contacts, before it is saved: "N contacts would
 * join list X, M would leave, K would be skipped (no email)". Both configurations are planned
 * over the same records and the plan under the old one stands in for Brevo's current state,
 * so the preview needs no Brevo call and shows only the effect of the edit itself.
 */
export function previewConfigChange(input: ConfigChangePreviewInput): ContactDiff {
  const { before, after, sampleSize, ...records } = input;
  const old = planContactSync({ ...records, config: before });
  const current: CurrentContact[] = [...old.writes, ...old.unchanged].map((contact) => ({
    email: contact.email,
    extId: contact.extId,
    attributes: contact.attributes,
    listIds: contact.lists,
  }));
  // Under the new configuration every list of the old plan counts as put there by the app, so
  // lists the edit stops using show up as leaving.
  const links = new Map(
    [...old.writes, ...old.unchanged].map((contact) => [
      contact.personId,
      {
        personId: contact.personId,
        lastHash: null,
        lists: contact.lists,
        blocklisted: records.links.get(contact.personId)?.blocklisted ?? false,
      },
    ]),
  );
  const next = planContactSync({ ...records, links, config: after });
  return diffContacts(current, [...next.writes, ...next.unchanged, ...next.skipped], sampleSize === undefined ? {} : { sampleSize });
}
