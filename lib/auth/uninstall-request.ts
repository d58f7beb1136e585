import { z } from 'zod';
import { uninstallForUser } from '../accounts/delete-company';
import { env } from '../env';
import { AppError, unauthorized } from '../errors';
import { basicAuthMatches } from '../http/basic-auth';

/** Pipedrive's uninstall notice (DELETE on the app's callback URL). */
const uninstallSchema = z.object({
  client_id: z.string(),
  company_id: z.coerce.number().int().positive(),
  user_id: z.coerce.number().int().positive(),
  timestamp: z.union([z.string(), z.number()]).optional(),
});

/**
 * Only Pipedrive knows our client secret, so a Basic `client_id:client_secret` is the proof that
 * the request is Pipedrive's. A repeated notice finds nothing to delete and still answers 200.
 */
export async function handleUninstall(authorization: string | null, body: unknown): Promise<{ installationRemoved: boolean; companyDeleted: boolean }> {
  const { PIPEDRIVE_CLIENT_ID: id, PIPEDRIVE_CLIENT_SECRET: secret } = env();
  if (!id || !secret) throw new AppError('not_configured', 'This server has no Pipedrive OAuth client configured.', 404);
  if (!basicAuthMatches(authorization, id, secret)) throw unauthorized('Uninstall requests must carry the app client credentials.');
  const parsed = uninstallSchema.safeParse(body);
  if (!parsed.success) throw new AppError('invalid_uninstall', `The uninstall notice is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`, 400);
  if (parsed.data.client_id !== id) throw new AppError('wrong_client', 'The uninstall notice names another app.', 400);
  return uninstallForUser(parsed.data.company_id, parsed.data.user_id);
}
