import { decryptSecret } from '../crypto';
import { pgPool } from '../db/pool';
import { prisma } from '../db/prisma';
import { childLogger } from '../log';
import { brevoClient } from './brevo-connection';

const log = childLogger({ part: 'uninstall' });

/**
 * Removes everything the app holds about a company: its Brevo webhooks (so Brevo stops calling
 * us), its queued jobs, then every row in one cascading delete. Vendor clean-up is best effort:
 * a Brevo outage must not keep a company's data after the customer asked us to delete it.
 */
export async function deleteCompanyData(companyId: string): Promise<{ deleted: boolean }> {
  const db = prisma();
  const conn = await db.brevoConnection.findUnique({ where: { companyId } });
  if (conn && conn.brevoWebhookIds.length > 0) {
    try {
      const client = brevoClient(companyId, decryptSecret(conn.apiKeyEnc), { maxRetries: 1 });
      for (const id of conn.brevoWebhookIds) await client.deleteWebhook(id).catch((err: unknown) => log.warn({ err, companyId, webhookId: id }, 'could not remove Brevo webhook'));
    } catch (err) {
      log.warn({ err, companyId }, 'Brevo clean-up skipped');
    }
  }
  await cancelCompanyJobs(companyId);
  const result = await db.company.deleteMany({ where: { id: companyId } });
  return { deleted: result.count > 0 };
}

/** Every company job carries `companyId` in its payload; waiting ones are dropped. */
export async function cancelCompanyJobs(companyId: string): Promise<number> {
  try {
    const r = await pgPool().query(`DELETE FROM pgboss.job WHERE data->>'companyId' = $1 AND state IN ('created', 'retry')`, [companyId]);
    return r.rowCount ?? 0;
  } catch (err) {
    // No queue schema yet means no jobs to cancel.
    if (/relation "pgboss\.job" does not exist|schema "pgboss" does not exist/.test((err as Error).message)) return 0;
    throw err;
  }
}

/**
 * Pipedrive's uninstall for one user: that installation goes; when it was the company's last,
 * the company and all its data go too. Repeating it changes nothing.
 */
export async function uninstallForUser(pipedriveCompanyId: number, pipedriveUserId: number): Promise<{ installationRemoved: boolean; companyDeleted: boolean }> {
  const db = prisma();
  const company = await db.company.findUnique({ where: { pipedriveCompanyId }, select: { id: true } });
  if (!company) return { installationRemoved: false, companyDeleted: false };
  const removed = await db.installation.deleteMany({ where: { companyId: company.id, pipedriveUserId } });
  const remaining = await db.installation.count({ where: { companyId: company.id } });
  if (remaining > 0) return { installationRemoved: removed.count > 0, companyDeleted: false };
  const { deleted } = await deleteCompanyData(company.id);
  return { installationRemoved: removed.count > 0, companyDeleted: deleted };
}
