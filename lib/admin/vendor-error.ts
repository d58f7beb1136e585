import { BrevoError } from '../brevo';
import { NoWorkingInstallationError, ReauthorizationRequiredError } from '../auth/tokens';
import { AppError } from '../errors';
import { PipedriveError } from '../pipedrive';

/**
 * Turns a failure of Brevo or Pipedrive during an admin action into an AppError whose message
 * says what happened and what to do. Settings pages show it next to the form they came from, so
 * the admin keeps what they typed and knows whether to retry, reconnect or fix a key.
 */
export function vendorError(err: unknown, action: string): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof BrevoError) {
    switch (err.kind) {
      case 'auth':
      case 'permission':
      case 'ip_not_allowed':
        return new AppError(`brevo_${err.kind}`, `Brevo refused to ${action}: ${err.message} Check the Brevo key on the Overview page.`, 409);
      case 'rate_limited':
        return new AppError('brevo_rate_limited', `Brevo is rate-limiting this account, so Pipebridge could not ${action}. Try again in a minute; nothing was changed.`, 429);
      case 'transient':
        return new AppError('brevo_unavailable', `Brevo is not answering right now, so Pipebridge could not ${action}. Try again in a minute; nothing was changed.`, 503);
      default:
        return new AppError(`brevo_${err.kind}`, `Brevo refused to ${action}: ${err.message}`, 422);
    }
  }
  if (err instanceof PipedriveError) {
    if (err.kind === 'auth' || err.kind === 'permission') return new AppError('pipedrive_reconnect', `Pipedrive refused to let Pipebridge ${action}. ${err.adminMessage}`, 409);
    if (err.kind === 'budget_exhausted' || err.kind === 'rate_limited') return new AppError(`pipedrive_${err.kind}`, err.adminMessage, 429);
    if (err.kind === 'transient') return new AppError('pipedrive_unavailable', `Pipedrive is not answering right now, so Pipebridge could not ${action}. Try again in a minute; nothing was changed.`, 503);
    return new AppError(`pipedrive_${err.kind}`, err.adminMessage, 422);
  }
  if (err instanceof ReauthorizationRequiredError || err instanceof NoWorkingInstallationError) {
    return new AppError('pipedrive_reconnect', `Pipebridge could not ${action}: the Pipedrive connection has expired. Reconnect Pipedrive (Overview → Reconnect) and try again.`, 409);
  }
  // fetch() failing before any answer (DNS, refused connection) is the vendor being unreachable.
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) {
    return new AppError('vendor_unreachable', `Pipebridge could not reach Pipedrive or Brevo to ${action}. Try again in a minute; nothing was changed.`, 503);
  }
  return err;
}

/** Runs a vendor call and rethrows its failure as an admin-facing AppError. */
export async function withVendorErrors<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw vendorError(err, action);
  }
}
