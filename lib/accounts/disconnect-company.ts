import { decryptSecret } from '../crypto';
import { prisma } from '../db/prisma';
import { oauthConfig } from '../engine/pipedrive-access';
import { childLogger } from '../log';
import { revokeToken } from '../pipedrive';
import { removeWebhooks } from '../webhooks/remove-webhooks';
import { deleteCompanyData } from './delete-company';

const log = childLogger({ part: 'disconnect' });

/**
 * "Disconnect" from inside the app: revoke every installation's Pipedrive grant (which is
 * Pipedrive's uninstall), then delete the company as an uninstall would. Revocation is best
 * effort: the customer asked for their data to go, and it goes even if Pipedrive is down.
 */
export async function disconnectCompany(companyId: string): Promise<{ revoked: number; deleted: boolean }> {
  // Before revoking: an API-token install's webhooks would otherwise keep calling a deleted company.
  await removeWebhooks(companyId).catch((err: unknown) => log.warn({ err, companyId }, 'webhook removal failed; deleting anyway'));
  const installations = await prisma().installation.findMany({ where: { companyId } });
  let revoked = 0;
  for (const inst of installations) {
    if (inst.authMode !== 'oauth' || !inst.refreshTokenEnc) continue;
    try {
      await revokeToken(oauthConfig(), decryptSecret(inst.refreshTokenEnc), 'refresh_token');
      revoked++;
    } catch (err) {
      log.warn({ err, companyId, installationId: inst.id }, 'token revocation failed; deleting anyway');
    }
  }
  const { deleted } = await deleteCompanyData(companyId);
  return { revoked, deleted };
}
