import { pgPool } from '../db/pool';
import type { WebhookSubscription } from '../pipedrive';

/** How far back the usual delivery rate is measured. */
const RATE_WINDOW_MS = 30 * 86_400_000;
/** Never call a webhook silent before this long, however busy it usually is. */
const MIN_SILENCE_MS = 6 * 3_600_000;
/** Silent means this many usual gaps without a delivery. */
const SILENT_GAPS = 5;

export type WebhookProblem = 'silent' | 'missing_in_pipedrive' | 'inactive_in_pipedrive' | 'failing_deliveries';

export interface WebhookHealth {
  pipedriveWebhookId: number;
  object: string;
  action: string;
  subscriptionUrl: string;
  registeredAt: Date;
  /** Last delivery Pipedrive made to this webhook (accepted or repeated). */
  lastDeliveryAt: Date | null;
  /** Last event of this object stored for the company, from any of its webhooks. */
  lastEventAt: Date | null;
  eventsLast30Days: number;
  /** Usual time between events over the last 30 days; null without enough history. */
  usualGapMs: number | null;
  /** What Pipedrive says, when it was asked (`pipedrive` option). */
  pipedrive?: { isActive: boolean; lastHttpStatus: number | null; lastDeliveryTime: string | null } | null;
  problems: WebhookProblem[];
  /** For the dashboard: what is wrong and what happens next, in words. */
  advice: string | null;
}

const ADVICE: Record<WebhookProblem, string> = {
  silent: 'Pipedrive usually sends events for this object but has sent none for a while: the webhook may be banned or deleted. Pipebridge re-checks its webhooks daily, and reconciliation catches up on missed changes.',
  missing_in_pipedrive: 'Pipedrive no longer has this webhook (it deletes webhooks that fail for 3 days). It is recreated at the next daily check, or reconnecting Pipedrive recreates it now.',
  inactive_in_pipedrive: 'Pipedrive reports this webhook as inactive. It is recreated at the next daily check.',
  failing_deliveries: 'Pipedrive reports failed deliveries to this webhook. Events during failures are retried by Pipedrive for about 3 minutes, then lost; reconciliation catches up.',
};

/**
 * Per registered webhook: when it last delivered, the last event stored for its object, and
 * flags for the dashboard. "Silent" compares the time since the last delivery with the
 * webhook's own usual rate, so a quiet account is not flagged but a busy webhook that stopped
 * (a 30-minute ban, a deletion) is. Pass Pipedrive's own listing to also flag webhooks it deleted,
 * deactivated or reports as failing (last_http_status not 2xx).
 */
export async function webhookHealth(companyId: string, opts: { now?: Date; pipedrive?: WebhookSubscription[] } = {}): Promise<WebhookHealth[]> {
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - RATE_WINDOW_MS);
  const [regs, events] = await Promise.all([
    pgPool().query<{ pipedrive_webhook_id: number; event_object: string; event_action: string; subscription_url: string; created_at: Date; last_delivery_at: Date | null }>(
      'SELECT pipedrive_webhook_id, event_object, event_action, subscription_url, created_at, last_delivery_at FROM webhook_registrations WHERE company_id = $1 ORDER BY event_object',
      [companyId],
    ),
    pgPool().query<{ object: string; last_at: Date | null; recent: string; first_recent: Date | null }>(
      `SELECT object, max(received_at) AS last_at,
              count(*) FILTER (WHERE received_at >= $2) AS recent,
              min(received_at) FILTER (WHERE received_at >= $2) AS first_recent
         FROM webhook_events WHERE company_id = $1 AND source = 'pipedrive' GROUP BY object`,
      [companyId, since],
    ),
  ]);
  const byObject = new Map(events.rows.map((r) => [r.object, r]));
  const listed = opts.pipedrive ? new Map(opts.pipedrive.map((w) => [w.id, w])) : undefined;

  return regs.rows.map((reg) => {
    const ev = byObject.get(reg.event_object);
    const recent = Number(ev?.recent ?? 0);
    const lastEventAt = ev?.last_at ?? null;
    const lastSeen = [reg.last_delivery_at, lastEventAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
    // The usual gap between events while it was delivering (the silence itself is not averaged in).
    const usualGapMs = ev?.first_recent && lastEventAt && recent >= 3 ? Math.max(1, Math.round((lastEventAt.getTime() - ev.first_recent.getTime()) / (recent - 1))) : null;
    const silentFor = lastSeen ? now.getTime() - lastSeen.getTime() : 0;
    const problems: WebhookProblem[] = [];
    // Delivered before, then: far longer than usual without anything, or nothing for the whole window.
    if (lastSeen && ((usualGapMs !== null && silentFor > Math.max(MIN_SILENCE_MS, SILENT_GAPS * usualGapMs)) || silentFor > RATE_WINDOW_MS)) problems.push('silent');
    let pipedrive: WebhookHealth['pipedrive'];
    if (listed) {
      const w = listed.get(reg.pipedrive_webhook_id);
      pipedrive = w ? { isActive: !(w.is_active === false || w.is_active === 0), lastHttpStatus: w.last_http_status ?? null, lastDeliveryTime: w.last_delivery_time ?? null } : null;
      if (!w) problems.push('missing_in_pipedrive');
      else {
        if (!pipedrive!.isActive) problems.push('inactive_in_pipedrive');
        const status = w.last_http_status;
        if (status !== null && status !== undefined && (status < 200 || status >= 300)) problems.push('failing_deliveries');
      }
    }
    return {
      pipedriveWebhookId: reg.pipedrive_webhook_id,
      object: reg.event_object,
      action: reg.event_action,
      subscriptionUrl: reg.subscription_url,
      registeredAt: reg.created_at,
      lastDeliveryAt: reg.last_delivery_at,
      lastEventAt,
      eventsLast30Days: recent,
      usualGapMs,
      ...(listed ? { pipedrive } : {}),
      problems,
      advice: problems[0] ? ADVICE[problems[0]] : null,
    };
  });
}
