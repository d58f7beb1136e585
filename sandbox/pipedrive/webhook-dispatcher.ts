import { randomUUID } from 'node:crypto';
import type { SandboxClock } from '../shared/clock';
import type { ChangeEvent, SandboxCompany } from './company';
import type { WebhookRec } from './model';
import { changedFields, webhookData } from './webhook-format';
import { v1Action, webhookV1Body } from './webhook-v1-format';

/** Retries after 3, 30 and 150 s (https://pipedrive.readme.io/docs/guide-for-webhooks-v2). */
export const RETRY_DELAYS_MS = [3_000, 30_000, 150_000];
export const DELIVERY_TIMEOUT_MS = 10_000;
export const BAN_THRESHOLD = 10;
export const BAN_MS = 30 * 60_000;
export const DELETE_AFTER_FAILING_MS = 3 * 864e5;
/** The inspection log keeps the most recent attempts only, so a long demo does not grow without bound. */
const LOG_LIMIT = 20_000;

export interface DeliveryAttempt {
  eventId: string;
  webhookId: number;
  url: string;
  attempt: number;
  at: number;
  outcome: 'delivered' | 'failed' | 'timeout' | 'dropped_banned';
  httpStatus: number | null;
  body: Record<string, unknown>;
}

interface Pending {
  eventId: string;
  webhookId: number;
  companyId: number;
  attempt: number;
  dueAt: number;
  build: (attempt: number) => Record<string, unknown>;
}

interface InFlight {
  pending: Pending;
  deadline: number;
  abort: AbortController;
  done: Promise<void>;
}

function matches(w: WebhookRec, e: ChangeEvent): boolean {
  const action = w.version === '1.0' ? v1Action(e) : e.action;
  return (w.event_object === '*' || w.event_object === e.entity) && (w.event_action === '*' || w.event_action === action);
}

/**
 * Turns changes into webhook v2 deliveries and sends them with real fetch. Timing (retries, the
 * 10 s timeout, bans, the 3-day deletion) runs on the sandbox clock, so a test that advances the
 * clock sees the retry schedule without waiting.
 */
export class WebhookDispatcher {
  private queue: Pending[] = [];
  private inFlight = new Set<InFlight>();
  private readonly attempts: DeliveryAttempt[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: SandboxClock,
    private readonly companyById: (id: number) => SandboxCompany | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  start(pollMs = 100): void {
    this.timer = setInterval(() => this.pump(), pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const f of this.inFlight) f.abort.abort();
  }

  /** Listener for SandboxCompany.onChange. */
  enqueue(e: ChangeEvent): void {
    const company = this.companyById(e.companyId);
    if (!company) return;
    for (const w of company.webhooks.values()) {
      if (!matches(w, e)) continue;
      const eventId = randomUUID();
      if (w.version === '1.0') {
        this.schedule(w, company, eventId, webhookV1Body(e, w, company));
        continue;
      }
      const data = e.after ? webhookData(e.entity, e.after, company) : null;
      const before = e.before ? webhookData(e.entity, e.before, company) : null;
      const previous = e.action === 'create' ? null : e.action === 'delete' ? before : before && data ? changedFields(before, data) : null;
      const host = `${company.domain}.pipedrive.com`;
      const build = (attempt: number): Record<string, unknown> => ({
        meta: {
          action: e.action,
          entity: e.entity,
          company_id: String(company.id),
          correlation_id: randomUUID(),
          entity_id: e.entityId,
          id: eventId,
          is_bulk_edit: false,
          timestamp: new Date(e.timestamp).toISOString(),
          type: w.type,
          user_id: String(e.ctx.userId),
          version: '2.0',
          webhook_id: String(w.id),
          webhook_owner_id: String(w.owner_id),
          change_source: e.ctx.source,
          attempt,
          host,
          ...(e.entity === 'user' ? {} : { permitted_user_ids: [...company.users.values()].map((u) => String(u.id)) }),
          ...(e.mergedToId ? { merged_to_id: e.mergedToId } : {}),
          ...(e.mergedFromId ? { merged_from_id: e.mergedFromId } : {}),
        },
        data,
        previous,
      });
      this.schedule(w, company, eventId, build);
    }
    queueMicrotask(() => this.pump());
  }

  private schedule(w: WebhookRec, company: SandboxCompany, eventId: string, build: (attempt: number) => Record<string, unknown>): void {
    const now = this.clock.now();
    if (w.banned_until !== null && w.banned_until > now) {
      // During a ban the event is lost, and no retries are kept.
      this.record({ eventId, webhookId: w.id, url: w.subscription_url, attempt: 1, at: now, outcome: 'dropped_banned', httpStatus: null, body: build(1) });
      return;
    }
    this.queue.push({ eventId, webhookId: w.id, companyId: company.id, attempt: 1, dueAt: now, build });
  }

  /** Starts due deliveries and times out overdue ones. Safe to call any time. */
  pump(): void {
    const now = this.clock.now();
    for (const f of this.inFlight) if (f.deadline <= now) f.abort.abort();
    const due = this.queue.filter((p) => p.dueAt <= now);
    if (due.length === 0) return;
    this.queue = this.queue.filter((p) => p.dueAt > now);
    for (const p of due) this.send(p);
  }

  private send(p: Pending): void {
    const company = this.companyById(p.companyId);
    const w = company?.webhooks.get(p.webhookId);
    if (!company || !w) return;
    const body = p.build(p.attempt);
    const abort = new AbortController();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Pipedrive Webhooks (sandbox)' };
    if (w.http_auth_user !== null) headers.authorization = `Basic ${Buffer.from(`${w.http_auth_user}:${w.http_auth_password ?? ''}`).toString('base64')}`;
    const realTimeout = setTimeout(() => abort.abort(), DELIVERY_TIMEOUT_MS);
    const flight: InFlight = {
      pending: p,
      deadline: this.clock.now() + DELIVERY_TIMEOUT_MS,
      abort,
      done: Promise.resolve(),
    };
    flight.done = this.fetchImpl(w.subscription_url, { method: 'POST', headers, body: JSON.stringify(body), signal: abort.signal, redirect: 'manual' })
      .then(
        async (res) => {
          await res.arrayBuffer().catch(() => undefined);
          this.settle(company, w, p, body, res.status >= 200 && res.status < 300 ? 'delivered' : 'failed', res.status);
        },
        () => this.settle(company, w, p, body, abort.signal.aborted ? 'timeout' : 'failed', null),
      )
      .finally(() => {
        clearTimeout(realTimeout);
        this.inFlight.delete(flight);
      });
    this.inFlight.add(flight);
  }

  private settle(company: SandboxCompany, w: WebhookRec, p: Pending, body: Record<string, unknown>, outcome: 'delivered' | 'failed' | 'timeout', status: number | null): void {
    const now = this.clock.now();
    this.record({ eventId: p.eventId, webhookId: w.id, url: w.subscription_url, attempt: p.attempt, at: now, outcome, httpStatus: status, body });
    w.last_delivery_time = now;
    w.last_http_status = status;
    if (outcome === 'delivered') {
      w.failure_counter = 0;
      w.failing_since = null;
      return;
    }
    w.failing_since ??= now;
    if (now - w.failing_since >= DELETE_AFTER_FAILING_MS) {
      // No successful delivery for 3 days: Pipedrive deletes the webhook.
      company.webhooks.delete(w.id);
      this.queue = this.queue.filter((q) => q.webhookId !== w.id);
      return;
    }
    if (p.attempt === 1) {
      w.failure_counter++;
      if (w.failure_counter >= BAN_THRESHOLD) {
        w.banned_until = now + BAN_MS;
        w.failure_counter = 0;
        this.queue = this.queue.filter((q) => q.webhookId !== w.id);
        return;
      }
    }
    const delay = RETRY_DELAYS_MS[p.attempt - 1];
    if (delay !== undefined) this.queue.push({ ...p, attempt: p.attempt + 1, dueAt: now + delay });
  }

  private record(a: DeliveryAttempt): void {
    this.attempts.push(a);
    if (this.attempts.length > LOG_LIMIT) this.attempts.splice(0, this.attempts.length - LOG_LIMIT);
  }

  get log(): readonly DeliveryAttempt[] {
    return this.attempts;
  }

  pendingCount(): number {
    return this.queue.length + this.inFlight.size;
  }

  /** Next time a queued retry becomes due (for tests that advance the clock step by step). */
  nextDueAt(): number | undefined {
    return this.queue.reduce<number | undefined>((m, p) => (m === undefined || p.dueAt < m ? p.dueAt : m), undefined);
  }

  /** Delivers everything due now and waits for the answers (retries scheduled later stay queued). */
  async flush(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      this.pump();
      if (this.inFlight.size === 0) return;
      await Promise.all([...this.inFlight].map((f) => f.done));
    }
  }

  dropWebhook(webhookId: number): void {
    this.queue = this.queue.filter((q) => q.webhookId !== webhookId);
  }
}
