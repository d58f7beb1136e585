import type { SyncConfig } from './config';
import { personExtId } from './map-person-to-contact';
import type { ContactDelete, ContactDetach, ContactRelink, SkipOperation } from './types';

export interface PersonRemovalInput {
  personId: number;
  config: Pick<SyncConfig, 'deleteContactOnPersonDelete' | 'sync'>;
  /** `meta.merged_to_id` of the webhook v2 `delete`: set when the person was merged away. */
  mergedToId?: number | null;
  /** The app's link for this person; without one the app never wrote a contact for them. */
  link: { lists: readonly number[] } | null;
}

/**
 * What a deleted Pipedrive person means for Brevo.
 *
 * - Merged away (webhooks v2 send a `delete` with `merged_to_id`): relink to the survivor, never
 *   delete; deleting would drop the contact's campaign history and unsubscribe state.
 * - Deleted, and the company opted in to deletions: delete the contact.
 * - Deleted otherwise (the default): keep the contact, which may still be a subscriber in its
 *   own right, and only take it out of the lists the app put it in.
 */
export function planPersonRemoval(
  input: PersonRemovalInput,
): ContactDelete | ContactDetach | ContactRelink | SkipOperation {
  const extId = personExtId(input.personId);
  const skip = (reason: SkipOperation['reason'], detail: string): SkipOperation => ({
    kind: 'skip',
    entity: 'person',
    entityId: input.personId,
    reason,
    detail,
    warnings: [],
  });
  if (!input.config.sync.persons) return skip('sync_disabled', 'person sync is switched off in the configuration');
  if (input.link === null) return skip('not_linked', 'the app never wrote a Brevo contact for this person');
  if (input.mergedToId !== null && input.mergedToId !== undefined) {
    return {
      kind: 'contact.relink',
      fromPersonId: input.personId,
      toPersonId: input.mergedToId,
      fromExtId: extId,
      toExtId: personExtId(input.mergedToId),
    };
  }
  if (input.config.deleteContactOnPersonDelete) return { kind: 'contact.delete', personId: input.personId, extId };
  return {
    kind: 'contact.detach',
    personId: input.personId,
    extId,
    unlinkListIds: [...new Set(input.link.lists)].sort((a, b) => a - b),
  };
}
