import { env } from '../env';

/**
 * Where a person opens a Brevo contact. Brevo's app lives apart from its API
 * (api.brevo.com → app.brevo.com/contact/index/{id}); any other API base is the demo's Brevo
 * sandbox, whose own pages are served beside its API under /_inspector.
 */
export function brevoContactUrl(contactId: number): string {
  const api = new URL(env().BREVO_API_URL);
  if (api.hostname === 'api.brevo.com' || api.hostname === 'api.sendinblue.com') return `https://app.brevo.com/contact/index/${contactId}`;
  return `${api.origin}/_inspector`;
}
