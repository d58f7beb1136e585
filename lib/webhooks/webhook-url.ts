import { env } from '../env';

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
