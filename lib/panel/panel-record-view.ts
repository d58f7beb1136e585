import 'server-only';
import { prisma } from '../db/prisma';
import { loadSyncConfig } from '../engine/config-store';
import { formatPersonSource } from '../sync';
import { brevoContactUrl } from './brevo-contact-url';
import { contactStatus } from './contact-status';
import type { PanelList, PanelRecordQuery, PanelRecordView } from './panel-api-schemas';
import { panelBrevo, panelPipedrive } from './panel-vendors';
import type { PanelContext } from './verify-panel-token';
import { resolvePanelPerson } from './resolve-panel-person';

const RECENT = 10;

/**
 * Everything the panel shows for a person or deal, read for the viewer's company only. Pipedrive
 * is asked only when the database cannot answer (a deal the sync has not seen, a person without
 * a contact), because every panel open would otherwise spend the company's API budget.
 */
export async function loadPanelRecordView(panel: PanelContext, q: PanelRecordQuery): Promise<PanelRecordView> {
  const { companyId } = panel;
  const db = prisma();
  const base: PanelRecordView = { resource: q.resource, recordId: q.id, state: 'no_person', explanation: null, person: null, contact: null, availableLists: [], lastSyncedAt: null, issues: [], events: [], canSync: false };

  const { personId } = await resolvePanelPerson(companyId, q);
  const recordKeys = [{ object: q.resource, pipedriveId: String(q.id) } as const, ...(personId !== null && q.resource !== 'person' ? [{ object: 'person', pipedriveId: String(personId) } as const] : [])];
  const [issues, link, brevoConnected] = await Promise.all([
    db.recordIssue.findMany({ where: { companyId, status: { not: 'resolved' }, OR: recordKeys }, orderBy: { updatedAt: 'desc' }, take: RECENT }),
    personId === null ? null : db.recordLink.findUnique({ where: { companyId_object_pipedriveId: { companyId, object: 'person', pipedriveId: String(personId) } } }),
    db.brevoConnection.count({ where: { companyId } }).then((n) => n > 0),
  ]);
  const events = await db.outboundEvent.findMany({
    where: { companyId, OR: [...recordKeys, ...(link?.email ? [{ email: link.email }] : [])] },
    orderBy: { occurredAt: 'desc' },
    take: RECENT,
  });
  const view: PanelRecordView = {
    ...base,
    issues: issues.map((i) => ({ object: i.object, severity: i.severity, code: i.code, reason: i.reason, status: i.status, updatedAt: i.updatedAt.toISOString() })),
    events: events.map((e) => ({ name: e.eventName, object: e.object, status: e.status, occurredAt: e.occurredAt.toISOString(), sentAt: e.sentAt?.toISOString() ?? null, error: e.error })),
    lastSyncedAt: link?.lastSyncedAt?.toISOString() ?? null,
  };

  if (personId === null) return { ...view, state: 'no_person', explanation: 'This deal has no contact person, so there is no Brevo contact to show. Link a person to the deal to sync them to Brevo.' };
  if (!brevoConnected) return { ...view, state: 'brevo_not_connected', person: { id: personId, name: null, email: link?.email ?? null }, explanation: 'No Brevo account is connected to Pipebridge yet. An admin can connect one in Pipebridge settings.' };

  const linked = link && !link.deletedAt ? link : null;
  if (!linked?.email) {
    // No email known to the sync: ask Pipedrive whether the person has one at all.
    const person = await panelPipedrive(companyId, `Person ${personId}`, (pd) => pd.getPerson(personId));
    const email = person.emails.find((e) => e.primary && e.value.trim())?.value ?? person.emails.find((e) => e.value.trim())?.value ?? null;
    const who = { id: personId, name: person.name ?? null, email };
    if (!email) {
      return {
        ...view,
        state: 'no_email',
        person: who,
        explanation: `${person.name ?? 'This person'} has no email address in Pipedrive. Brevo contacts are identified by email, so Pipebridge cannot create one. Add an email address to the person and Pipebridge will sync them.`,
      };
    }
    return { ...view, state: 'not_synced', person: who, canSync: true, explanation: `${email} is not in Brevo yet. Pipebridge creates the contact at the next sync; use "Sync now" to do it right away.` };
  }

  const person = { id: personId, name: null, email: linked.email };
  if (linked.brevoContactId === null) {
    return { ...view, state: 'not_synced', person, canSync: true, explanation: `${linked.email} is not in Brevo yet. Use "Sync now" to create the contact.` };
  }
  const contactId = Number(linked.brevoContactId);
  const [contact, lists, config] = await Promise.all([
    panelBrevo(companyId, (brevo) => brevo.getContact(contactId, 'contact_id')),
    panelBrevo(companyId, (brevo) => brevo.getLists()),
    loadSyncConfig(db, companyId),
  ]);
  if (!contact) {
    return { ...view, state: 'contact_missing', person, canSync: true, explanation: `The Brevo contact for ${linked.email} was deleted in Brevo. "Sync now" creates it again.` };
  }
  const byId = new Map<number, PanelList>(lists.map((l) => [l.id, { id: l.id, name: l.name }]));
  const memberOf = contact.listIds.map((id) => byId.get(id) ?? { id, name: `List #${id}` });
  // Brevo keeps the email as the contact's identifier, not among its attributes.
  const valueOf = (attribute: string) => (attribute.toLowerCase() === 'email' ? (contact.email ?? '') : formatValue(contact.attributes[attribute]));
  const mapped = config.personMapping.map((m) => ({ name: m.attribute, value: valueOf(m.attribute), pipedriveField: formatPersonSource(m.source) }));
  // Without a mapping the company syncs nothing but identifiers; show what Brevo holds instead.
  const attributes = mapped.length > 0 ? mapped : Object.entries(contact.attributes).map(([name, v]) => ({ name, value: formatValue(v), pipedriveField: null }));
  const status = contactStatus(contact);
  return {
    ...view,
    state: 'synced',
    person: { ...person, email: contact.email ?? linked.email },
    canSync: true,
    contact: {
      id: contact.id,
      email: contact.email ?? null,
      status: status.status,
      statusDetail: status.detail,
      lists: memberOf,
      attributes,
      brevoUrl: brevoContactUrl(contact.id),
      modifiedAt: contact.modifiedAt,
    },
    availableLists: lists.filter((l) => !contact.listIds.includes(l.id)).map((l) => ({ id: l.id, name: l.name })),
  };
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (Array.isArray(v)) return v.map((x) => formatValue(x)).join(', ');
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
