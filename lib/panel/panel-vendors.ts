import 'server-only';
import { brevoClientForCompany } from '../accounts/brevo-connection';
import { NoWorkingInstallationError, ReauthorizationRequiredError } from '../auth/tokens';
import { BrevoError, type BrevoClient } from '../brevo';
import { pipedriveForCompany } from '../engine/pipedrive-access';
import { AppError } from '../errors';
import { PipedriveError, type PipedriveClient } from '../pipedrive';

/**
 * Vendor calls made on behalf of a panel viewer. Their failures become AppErrors whose message
 * tells a salesperson (not an admin in settings) what happened; raw vendor errors never reach the
 * iframe.
 */
export async function panelPipedrive<T>(companyId: string, what: string, call: (client: PipedriveClient) => Promise<T>): Promise<T> {
  try {
    return await call(await pipedriveForCompany(companyId));
  } catch (err) {
    if (err instanceof PipedriveError && err.kind === 'not_found') throw new AppError('not_found', `${what} was not found in your Pipedrive company.`, 404);
    if (err instanceof PipedriveError) throw new AppError(`pipedrive_${err.kind}`, `Pipedrive could not be read just now (${what}). ${err.adminMessage}`, 502);
    if (err instanceof NoWorkingInstallationError || err instanceof ReauthorizationRequiredError) {
      throw new AppError('pipedrive_reconnect', "Pipebridge's connection to Pipedrive needs to be renewed: an admin must open Pipebridge's settings and reconnect Pipedrive.", 409);
    }
    throw err;
  }
}

export async function panelBrevo<T>(companyId: string, call: (client: BrevoClient) => Promise<T>): Promise<T> {
  const client = await brevoClientForCompany(companyId);
  if (!client) throw new AppError('brevo_not_connected', 'No Brevo account is connected to Pipebridge yet. An admin can connect one in Pipebridge settings.', 409);
  try {
    return await call(client);
  } catch (err) {
    if (err instanceof BrevoError) {
      const status = err.kind === 'rate_limited' || err.kind === 'transient' ? 503 : 502;
      throw new AppError(`brevo_${err.kind}`, `Brevo did not answer as expected: ${err.message}`, status);
    }
    throw err;
  }
}
