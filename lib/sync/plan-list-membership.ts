import type { StageRule, SyncConfig } from './config';
import type { PipedriveDeal, PipedriveLead } from './types';

export interface ListMembershipInput {
  deals: readonly PipedriveDeal[];
  leads: readonly PipedriveLead[];
  config: Pick<SyncConfig, 'lists' | 'stageRules' | 'sync'>;
  /** The lists this app put the contact in at its last write (from the link record). */
  previousLists: readonly number[];
  /** Brevo's `emailBlacklisted` for the contact. */
  blocklisted: boolean;
}

export interface ListMembershipPlan {
  /** The lists the app holds the contact in after this plan; store it as the next `previousLists`. */
  lists: number[];
  add: number[];
  remove: number[];
  blocklisted: boolean;
  /** Why the contact belongs to each list, for previews ("open deal 12 in stage 3"). */
  reasons: Record<number, string[]>;
}

function closedAt(deal: PipedriveDeal): string {
  return deal.close_time ?? deal.won_time ?? deal.lost_time ?? deal.update_time ?? '';
}

/** Later close first; the higher id breaks ties because Pipedrive ids grow over time. */
function latestClosed(deals: readonly PipedriveDeal[]): PipedriveDeal | undefined {
  let latest: PipedriveDeal | undefined;
  for (const deal of deals) {
    if (deal.status === 'open') continue;
    if (
      latest === undefined ||
      closedAt(deal) > closedAt(latest) ||
      (closedAt(deal) === closedAt(latest) && deal.id > latest.id)
    ) {
      latest = deal;
    }
  }
  return latest;
}

function outcomeRule(rules: readonly StageRule[], outcome: 'won' | 'lost', pipelineId: number): StageRule | undefined {
  return (
    rules.find((rule) => rule.match === outcome && rule.pipelineId === pipelineId) ??
    rules.find((rule) => rule.match === outcome && rule.pipelineId === null)
  );
}

const sorted = (ids: Iterable<number>): number[] => [...new Set(ids)].sort((a, b) => a - b);

/**
 * Decides which Brevo lists a contact belongs in, from their deals and leads, and how that
 * differs from what the app did last time.
 *
 * - all_contacts: every synced contact.
 * - Open deals: every open deal's stage rule applies, so a person with deals in several stages
 *   is in every one of those stage lists; any open deal also means qualified_leads.
 * - Won / lost rules apply to the latest closed deal of each pipeline: a customer who lost an
 *   old deal and won the next one is not put on the win-back list.
 * - customers / churned: a person with a won deal is a customer unless their latest closed deal
 *   (any pipeline) was lost, which makes them churned. The two are exclusive.
 * - nurture: at least one active lead.
 *
 * Only lists the app itself added are ever removed, so lists people joined some other way are
 * left alone; and a list the contact left by hand is not re-added until they stop and start
 * qualifying again. A blocklisted contact is never added to anything (Outfunnel's rule: sync
 * must not resubscribe people who opted out); removals still happen.
 */
export function planListMembership(input: ListMembershipInput): ListMembershipPlan {
  const { config } = input;
  const reasons = new Map<number, string[]>();
  const want = (listId: number | null, reason: string) => {
    if (listId === null) return;
    reasons.set(listId, [...(reasons.get(listId) ?? []), reason]);
  };

  want(config.lists.allContacts, 'all contacts');

  const deals = config.sync.deals ? input.deals.filter((deal) => !deal.is_deleted) : [];
  const openDeals = deals.filter((deal) => deal.status === 'open');
  for (const deal of openDeals) {
    const rule = config.stageRules.find((candidate) => candidate.match === 'stage' && candidate.stageId === deal.stage_id);
    if (rule !== undefined) want(rule.listId, `open deal ${deal.id} in stage ${deal.stage_id}`);
  }
  if (openDeals.length > 0) want(config.lists.qualifiedLeads, `${openDeals.length} open deal(s)`);

  const pipelines = new Set(deals.map((deal) => deal.pipeline_id));
  for (const pipelineId of pipelines) {
    const latest = latestClosed(deals.filter((deal) => deal.pipeline_id === pipelineId));
    if (latest === undefined || latest.status === 'open') continue;
    const rule = outcomeRule(config.stageRules, latest.status, pipelineId);
    if (rule !== undefined) want(rule.listId, `deal ${latest.id} ${latest.status}`);
  }

  const wonDeals = deals.filter((deal) => deal.status === 'won');
  if (wonDeals.length > 0) {
    const latest = latestClosed(deals);
    if (latest?.status === 'lost') want(config.lists.churned, `customer whose latest deal ${latest.id} was lost`);
    else want(config.lists.customers, `${wonDeals.length} won deal(s)`);
  }

  const activeLeads = config.sync.leads ? input.leads.filter((lead) => !lead.is_archived) : [];
  if (activeLeads.length > 0) want(config.lists.nurture, `${activeLeads.length} active lead(s)`);

  const desired = sorted(reasons.keys());
  const previous = new Set(input.previousLists);
  const add = input.blocklisted ? [] : desired.filter((listId) => !previous.has(listId));
  const remove = sorted(input.previousLists).filter((listId) => !reasons.has(listId));
  // A blocklisted contact keeps only what it already had: recording lists it was never added to
  // would stop it from joining them if it is ever allowed back.
  const lists = input.blocklisted ? desired.filter((listId) => previous.has(listId)) : desired;
  return {
    lists,
    add,
    remove,
    blocklisted: input.blocklisted,
    reasons: Object.fromEntries([...reasons.entries()].sort(([a], [b]) => a - b)),
  };
}
