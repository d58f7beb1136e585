import { describe, expect, it } from 'vitest';
import { defaultSyncConfig } from './config';
import { planPersonRemoval } from './plan-person-removal';

describe('planPersonRemoval', () => {
  const keep = defaultSyncConfig();
  const remove = { ...defaultSyncConfig(), deleteContactOnPersonDelete: true };

  it('keeps the contact by default and only leaves the app’s lists', () => {
    expect(planPersonRemoval({ personId: 7, config: keep, link: { lists: [62, 60, 62] } })).toEqual({
      kind: 'contact.detach',
      personId: 7,
      extId: 'pd_person_7',
      unlinkListIds: [60, 62],
    });
  });

  it('deletes the contact when the company asked for it', () => {
    expect(planPersonRemoval({ personId: 7, config: remove, link: { lists: [] } })).toEqual({
      kind: 'contact.delete',
      personId: 7,
      extId: 'pd_person_7',
    });
  });

  it('relinks a merged-away person instead of deleting, whatever the setting', () => {
    expect(planPersonRemoval({ personId: 7, config: remove, link: { lists: [60] }, mergedToId: 9 })).toEqual({
      kind: 'contact.relink',
      fromPersonId: 7,
      toPersonId: 9,
      fromExtId: 'pd_person_7',
      toExtId: 'pd_person_9',
    });
  });

  it('does nothing for persons the app never wrote or when person sync is off', () => {
    expect(planPersonRemoval({ personId: 7, config: remove, link: null })).toMatchObject({ kind: 'skip', reason: 'not_linked' });
    const off = { ...remove, sync: { ...remove.sync, persons: false } };
    expect(planPersonRemoval({ personId: 7, config: off, link: { lists: [] } })).toMatchObject({ kind: 'skip', reason: 'sync_disabled' });
  });
});
