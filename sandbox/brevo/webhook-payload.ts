import type { MarketingEvent } from './marketing-event';

/** Brevo's local-time strings: `date_event`/`date_sent` are `YYYY-MM-DD HH:mm:ss`, `date` is in CET/CEST. */
function localStamp(t: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(t));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

const CAMPAIGN_EVENT: Partial<Record<MarketingEvent['kind'], string>> = { unsubscribed: 'unsubscribed', hardBounce: 'hard_bounce', spam: 'spam' };

/**
 * One marketing webhook body in Brevo's shapes: campaign events (unsubscribed, hard_bounce, spam) carry
 * campaign fields and epoch seconds; contact events (contact_updated, contact_deleted, list_addition) carry
 * `key`, `date` and `list_id`/`content`. Event names are snake_case although subscriptions are camelCase.
 */
export function webhookPayload(webhookId: number, e: MarketingEvent, marketingKey: string, timeZone = 'Europe/Paris'): Record<string, unknown> {
  const ts = Math.floor(e.at / 1000);
  const campaignEvent = CAMPAIGN_EVENT[e.kind];
  if (campaignEvent) {
    const sentAt = e.at - 3_600_000;
    return {
      id: webhookId,
      camp_id: e.campaignId ?? 1,
      email: e.email ?? '',
      'campaign name': `Sandbox campaign ${e.campaignId ?? 1}`,
      date_sent: localStamp(sentAt, timeZone),
      date_event: localStamp(e.at, timeZone),
      event: campaignEvent,
      ...(e.reason && e.kind !== 'unsubscribed' ? { reason: e.reason } : {}),
      tag: '',
      sending_ip: '185.41.28.109',
      ...(e.kind === 'unsubscribed' ? { list_id: e.listIds } : {}),
      ts_sent: Math.floor(sentAt / 1000),
      ts_event: ts,
      ts,
    };
  }
  const base = { id: webhookId, email: e.email ?? '', key: marketingKey, date: localStamp(e.at, 'Europe/Paris'), ts };
  switch (e.kind) {
    case 'contactUpdated':
      return { ...base, event: 'contact_updated', content: [e.changes ?? {}] };
    case 'contactDeleted':
      return { ...base, event: 'contact_deleted', list_id: e.listIds };
    default:
      return { ...base, event: 'list_addition', list_id: e.listIds };
  }
}
