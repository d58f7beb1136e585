import { env } from '../env';
import { AppError } from '../errors';

/** Where Pipedrive delivers a company's events: one URL per company, on the app's public URL. */
export function webhookUrlFor(companyId: string, appUrl = env().APP_URL): string {
  return `${appUrl.replace(/\/+$/, '')}${webhookPathFor(companyId)}`;
}

export function webhookPathFor(companyId: string): string {
  return `/api/webhooks/pipedrive/${companyId}`;
}

/** A subscription of ours for this company, whatever host it was registered with (APP_URL may have changed). */
export function isOurSubscriptionUrl(url: string, companyId: string): boolean {
  try {
    return new URL(url).pathname.replace(/\/+$/, '') === webhookPathFor(companyId);
  } catch {
    return false;
  }
}

/**
 * Pipedrive sends the Basic password with every delivery, so it must travel over HTTPS; plain
 * HTTP is accepted only for a loopback URL (demo, tests).
 */
export function assertSafeWebhookUrl(url: string): void {
  const u = new URL(url);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !loopback) {
    throw new AppError('insecure_webhook_url', `APP_URL must start with https:// for webhooks (it is ${u.origin}): Pipedrive sends the webhook password with every delivery. Set APP_URL to the app's public HTTPS address.`, 500);
  }
}
