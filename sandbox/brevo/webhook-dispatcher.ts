import type { BrevoAccount } from './brevo-account';
import type { MarketingEvent } from './marketing-event';
import { webhookPayload } from './webhook-payload';
import type { WebhookRecord } from './types';

const BATCH_WINDOW_MS = 5 * 60_000;

export interface WebhookDelivery {
  webhookId: number;
  url: string;
  events: string[];
  body: unknown;
  status: number | null;
  error?: string;
  at: number;
}

/**
 * Sends marketing webhooks for an account's contact events. Deliveries run in the background (an API call
 * never waits on a receiver) and are recorded; `idle()` lets tests wait for them without sleeping.
 * Batched webhooks collect events until `flushBatches()` (Brevo flushes every 5 minutes).
 */
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private pending = new Set<Promise<void>>();
  private batches = new Map<number, { webhook: WebhookRecord; items: Record<string, unknown>[]; openedAt: number }>();

  constructor(
    private readonly account: BrevoAccount,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  dispatch(e: MarketingEvent): void {
    for (const hook of this.account.webhooks.values()) {
      if (hook.type !== 'marketing' || !hook.events.includes(e.kind)) continue;
      const body = webhookPayload(hook.id, e, this.account.marketingKey);
      if (hook.batched) {
        const b = this.batches.get(hook.id) ?? { webhook: hook, items: [], openedAt: this.account.now() };
        b.items.push(body);
        this.batches.set(hook.id, b);
      } else this.send(hook, body);
    }
  }

  /** Sends every batched webhook's waiting events, at most 500 per request as Brevo does. */
  flushBatches(): void {
    for (const id of [...this.batches.keys()]) this.flushOne(id);
  }

  /**
   * Sends the batches whose 5-minute window (developers.brevo.com/docs/batch-webhooks) has passed on the
   * sandbox clock. The server calls it on each request to the account, so advancing the clock is enough.
   */
  flushDue(): void {
    const now = this.account.now();
    for (const [id, b] of [...this.batches]) if (now - b.openedAt >= BATCH_WINDOW_MS) this.flushOne(id);
  }

  private flushOne(id: number): void {
    const b = this.batches.get(id);
    if (!b) return;
    this.batches.delete(id);
    for (let i = 0; i < b.items.length; i += 500) this.send(b.webhook, b.items.slice(i, i + 500));
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private send(hook: WebhookRecord, body: unknown): void {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.auth?.type === 'bearer') headers.authorization = `Bearer ${hook.auth.token}`;
    for (const h of hook.headers ?? []) headers[h.key] = h.value;
    const record: WebhookDelivery = {
      webhookId: hook.id,
      url: hook.url,
      events: Array.isArray(body) ? body.map((b) => String((b as { event?: unknown }).event)) : [String((body as { event?: unknown }).event)],
      body,
      status: null,
      at: this.account.now(),
    };
    this.deliveries.push(record);
    const p = this.fetchImpl(hook.url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        record.status = res.status;
        await res.arrayBuffer();
      })
      .catch((err: unknown) => {
        record.error = err instanceof Error ? err.message : String(err);
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}
