import 'server-only';
import { prisma } from '../db/prisma';
import type { PanelRecordQuery } from './panel-api-schemas';
import { panelPipedrive } from './panel-vendors';

/**
 * The person whose Brevo contact the panel shows: the person itself, or a deal's person. A deal
 * the sync already knows gives its person from `record_links`; otherwise Pipedrive is asked,
 * with the company's own credentials, so an id from another company is simply not found.
 */
export async function resolvePanelPerson(companyId: string, q: PanelRecordQuery): Promise<{ personId: number | null }> {
  if (q.resource === 'person') return { personId: q.id };
  const link = await prisma().recordLink.findUnique({
    where: { companyId_object_pipedriveId: { companyId, object: 'deal', pipedriveId: String(q.id) } },
    select: { relatedPersonId: true, deletedAt: true },
  });
  if (link && !link.deletedAt && link.relatedPersonId !== null) return { personId: link.relatedPersonId };
  const deal = await panelPipedrive(companyId, `Deal ${q.id}`, (pd) => pd.getDeal(q.id));
  return { personId: deal.person_id ?? null };
}
