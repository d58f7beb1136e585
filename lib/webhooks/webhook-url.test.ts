import { describe, expect, it } from 'vitest';
import { assertSafeWebhookUrl, isOurSubscriptionUrl, webhookUrlFor } from './webhook-url';

const id = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

describe('webhook URLs', () => {
  it('one URL per company on the app URL, with or without a trailing slash', () => {
    expect(webhookUrlFor(id, 'https://app.example/')).toBe(`https://app.example/api/webhooks/pipedrive/${id}`);
    expect(webhookUrlFor(id, 'https://app.example')).toBe(`https://app.example/api/webhooks/pipedrive/${id}`);
  });

  it('recognises our subscriptions on any host (an old APP_URL), and only for this company', () => {
    expect(isOurSubscriptionUrl(`https://old.example/api/webhooks/pipedrive/${id}`, id)).toBe(true);
    expect(isOurSubscriptionUrl(`https://old.example/api/webhooks/pipedrive/${id}/`, id)).toBe(true);
    expect(isOurSubscriptionUrl('https://old.example/api/webhooks/pipedrive/00000000-0000-4000-8000-000000000000', id)).toBe(false);
    expect(isOurSubscriptionUrl('https://other.example/hook', id)).toBe(false);
    expect(isOurSubscriptionUrl('not a url', id)).toBe(false);
  });

  it('refuses plain HTTP except on loopback, naming APP_URL', () => {
    expect(() => assertSafeWebhookUrl(`https://app.example/api/webhooks/pipedrive/${id}`)).not.toThrow();
    expect(() => assertSafeWebhookUrl(`http://localhost:3000/api/webhooks/pipedrive/${id}`)).not.toThrow();
    expect(() => assertSafeWebhookUrl(`http://127.0.0.1:9/api/webhooks/pipedrive/${id}`)).not.toThrow();
    expect(() => assertSafeWebhookUrl(`http://app.example/api/webhooks/pipedrive/${id}`)).toThrow(/APP_URL must start with https:\/\/.*http:\/\/app\.example/);
  });
});
