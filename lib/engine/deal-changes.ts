import {
  buildDealStageChangedEvent,
  selectEventRules,
  type DealTransition,
  type PipedriveDeal,
} from '../sync';
import type { CompanyContext } from './company-context';
import { dealStateOf } from './entity-states';
import { saveEntityStates } from './link-store';
import type { QueuedEvent } from './outbox';

/**
 * Applies changed deals to the link store and finds their real transitions (a stage move, or a
 * status turning won/lost) by comparing with what was stored before: a poll sees only the
 * latest version, so the stored version is the "previous". Older versions never overwrite
 * newer ones. Returns the persons whose contacts must be re-planned and the events to send.
 */
export function transitionBetween(prev: PipedriveDeal, next: PipedriveDeal): DealTransition | null {
  const stage = prev.stage_id !== next.stage_id ? { from: prev.stage_id, to: next.stage_id } : null;
  const pipeline = stage && prev.pipeline_id !== next.pipeline_id ? { from: prev.pipeline_id, to: next.pipeline_id } : null;
  const status = (next.status === 'won' || next.status === 'lost') && prev.status !== next.status ? { from: prev.status, to: next.status } : null;
  if (!stage && !status) return null;
  return { dealId: next.id, stage, pipeline, status };
}

/**
 * The idempotency key of a transition. Webhooks and polls write the deal's update_time in
 * different shapes (with or without milliseconds), so the time is normalized: the same move
 * seen by both paths is one event.
 */
export function transitionKey(dealId: number, t: DealTransition, at: string): string {
  const time = new Date(at);
  return `deal:${dealId}:stage:${t.stage?.from ?? '-'}>${t.stage?.to ?? '-'}:status:${t.status?.to ?? '-'}:${Number.isNaN(time.getTime()) ? at : time.toISOString()}`;
}

export async function applyDealChanges(
  ctx: CompanyContext,
  rawDeals: readonly unknown[],
  emailOf: (personId: number) => Promise<string | null>,
): Promise<{ affectedPersons: Set<number>; events: QueuedEvent[] }> {
  const parsed = rawDeals.flatMap((d) => dealStateOf(d) ?? []);
  const affectedPersons = new Set<number>();
  const events: QueuedEvent[] = [];
  if (parsed.length === 0) return { affectedPersons, events };
  const prevRows = await ctx.db.query<{ pipedrive_id: string; state: PipedriveDeal }>(
    `SELECT pipedrive_id, state FROM record_links WHERE company_id = $1 AND object = 'deal' AND pipedrive_id = ANY($2::text[])`,
    [ctx.companyId, parsed.map((p) => String(p.deal.id))],
  );
  const prev = new Map(prevRows.rows.map((r) => [Number(r.pipedrive_id), r.state]));
  const fresh = parsed.filter(({ deal }) => {
    const before = prev.get(deal.id);
    return !before?.update_time || !deal.update_time || new Date(deal.update_time) >= new Date(before.update_time);
  });
  for (const { deal } of fresh) {
    const before = prev.get(deal.id);
    if (deal.person_id) affectedPersons.add(deal.person_id);
    if (before?.person_id) affectedPersons.add(before.person_id);
    if (!before || !deal.update_time) continue;
    const t = transitionBetween(before, deal);
    if (!t) continue;
    // Automations only hear about what happened after the company connected.
    if (ctx.eventsSince && new Date(deal.update_time) < ctx.eventsSince) continue;
    const rules = selectEventRules(ctx.config, { action: 'change', object: 'deal', merged: false, stageChanged: true }).filter((r) => r.action === 'stage_change');
    if (rules.length === 0 || !deal.person_id) continue;
    const email = await emailOf(deal.person_id);
    for (const rule of rules) {
      const op = buildDealStageChangedEvent({ deal, transition: t, contact: { email, personId: deal.person_id }, stages: ctx.stages, pipelines: ctx.pipelines, occurredAt: deal.update_time, eventName: rule.brevoEvent });
      if (op.kind !== 'event.send') continue;
      events.push({
        key: `${rule.brevoEvent}:${transitionKey(deal.id, t, deal.update_time)}`,
        object: 'deal',
        pipedriveId: String(deal.id),
        event: op.event,
        stageOrder: { dealId: deal.id, from: t.stage?.from ?? deal.stage_id, to: deal.stage_id, seenStage: before.stage_id, seenAt: before.update_time ?? null },
      });
    }
  }
  await saveEntityStates(ctx.db, ctx.companyId, 'deal', fresh.map((f) => f.row));
  return { affectedPersons, events };
}
