import 'server-only';
import { prisma } from '../db/prisma';
import { AppError, notFound } from '../errors';
import { logger } from '../log';
import type { PanelListChange } from './panel-api-schemas';
import { panelBrevo } from './panel-vendors';
import { resolvePanelPerson } from './resolve-panel-person';
import type { PanelContext } from './verify-panel-token';

/**
 * Adds the shown contact to a Brevo list, or removes it, at a user's request from the panel. The
 * contact comes from the viewer's company's own link and the list must be one of that company's
 * Brevo account, so the request can name nothing outside it.
 */
export async function changePanelListMembership(panel: PanelContext, change: PanelListChange): Promise<{ listId: number; listName: string; action: 'add' | 'remove' }> {
  const { companyId } = panel;
  const { personId } = await resolvePanelPerson(companyId, change);
  if (personId === null) throw new AppError('no_person', 'This deal has no contact person, so there is no Brevo contact to put in a list.', 409);
  const link = await prisma().recordLink.findUnique({ where: { companyId_object_pipedriveId: { companyId, object: 'person', pipedriveId: String(personId) } } });
  if (!link || link.deletedAt || link.brevoContactId === null) {
    throw new AppError('not_synced', 'This person is not in Brevo yet, so they cannot be put in a list. Use "Sync now" first.', 409);
  }
  const contactId = Number(link.brevoContactId);
  const list = await panelBrevo(companyId, async (brevo) => (await brevo.getLists()).find((l) => l.id === change.listId));
  if (!list) throw notFound(`Brevo list ${change.listId}`);
  const result = await panelBrevo(companyId, (brevo) => (change.action === 'add' ? brevo.addContactsToList(list.id, { ids: [contactId] }) : brevo.removeContactsFromList(list.id, { ids: [contactId] })));
  if (result.failed.length > 0) {
    throw new AppError(
      change.action === 'add' ? 'already_in_list' : 'not_in_list',
      change.action === 'add' ? `The contact is already in "${list.name}" (or no longer in Brevo).` : `The contact is not in "${list.name}" (or no longer in Brevo).`,
      409,
    );
  }
  if (change.action === 'remove' && link.listIds.includes(list.id)) {
    // `list_ids` holds the lists the sync put the contact in; after a manual removal the sync must
    // not believe the contact is still there.
    await prisma().recordLink.update({ where: { id: link.id }, data: { listIds: link.listIds.filter((id) => id !== list.id) } });
  }
  logger().info({ companyId, pipedriveUserId: panel.pipedriveUserId, personId, listId: list.id, action: change.action }, 'panel list membership changed');
  return { listId: list.id, listName: list.name, action: change.action };
}
