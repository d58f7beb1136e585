import { prisma } from '../db/prisma';
import { getBrevoConnection, type BrevoConnectionView } from './brevo-connection';

export interface ConnectionOverview {
  company: { name: string; domain: string; status: 'active' | 'paused'; pausedReason: string | null };
  pipedrive: { installations: { userName: string; isAdmin: boolean; authMode: 'oauth' | 'api_token'; status: string; lastError: string | null; isYou: boolean }[]; needsReconnect: boolean };
  brevo: BrevoConnectionView;
}

/** What the admin sees first: both connections and whether anything needs them. */
export async function connectionOverview(companyId: string, installationId: string): Promise<ConnectionOverview> {
  const db = prisma();
  const company = await db.company.findUniqueOrThrow({ where: { id: companyId }, include: { installations: { orderBy: { createdAt: 'asc' } } } });
  const installations = company.installations.map((i) => ({
    userName: i.userName,
    isAdmin: i.isAdmin,
    authMode: i.authMode,
    status: i.status,
    lastError: i.lastError,
    isYou: i.id === installationId,
  }));
  return {
    company: { name: company.name, domain: company.companyDomain, status: company.status, pausedReason: company.pausedReason?.replace(/^auth: /, '') ?? null },
    pipedrive: { installations, needsReconnect: installations.some((i) => i.isYou && i.status !== 'active') || company.status === 'paused' },
    brevo: await getBrevoConnection(companyId),
  };
}
