import type pg from 'pg';
import { z } from 'zod';
import { BrevoError } from '../brevo/brevo-error';
import { prisma } from '../db/prisma';
import { childLogger } from '../log';
import { planPersonRemoval, planWebhookEvents } from '../sync';
import type { CompanyContext } from './company-context';
import { webhookCompanyContext } from './webhook-context';
import { dealStateOf, leadStateOf, organizationStateOf } from './entity-states';
import { getLink, markDeleted, personsOfOrganizations, saveEntityStates } from './link-store';
import type { JobDefinition } from '../jobs/define-job';
import { webhookProcessQueue } from '../webhooks/process-queue';
import { queueEvents, sendPendingEvents, type QueuedEvent, type SendResult } from './outbox';
import { TrailingSingleFlight } from './single-flight';
import { transitionKey } from './deal-changes';
import { activityEventKey } from './activity-events';
import { queueCompanies } from './companies-job';
import { syncPersonsById } from './incremental';

const log = childLogger({ part: 'webhook-processing' });

/** The first run and the `webhook.process` job's retries (process-queue.ts). */
const MAX_ATTEMPTS = 1 + webhookProcessQueue.retry.limit;

/**
 * Applies stored Pipedrive webhook events to Brevo. All pending events of the same record are
 * applied together, in the order they happened, under an advisory lock, so duplicates and
 * shuffled deliveries converge: an event older than what was already applied changes no state,
 * and each real deal transition (read from the event's own `previous`, which in v2 holds only
 * the fields that changed) is queued once under an idempotency key.
 */
const v2Body = z.object({
  meta: z
    .object({
      action: z.enum(['create', 'change', 'delete']),
      entity: z.string(),
      entity_id: z.union([z.string(), z.number()]).nullish(),
      timestamp: z.union([z.string(), z.number()]).nullish(),
      change_source: z.string().nullish(),
      user_id: z.union([z.string(), z.number()]).nullish(),
      merged_from_id: z.union([z.string(), z.number()]).nullish(),
      merged_to_id: z.union([z.string(), z.number()]).nullish(),
    })
    .loose(),
  data: z.record(z.string(), z.unknown()).nullable().default(null),
  previous: z.record(z.string(), z.unknown()).nullable().default(null),
});
/**
 * Reads a stored payload. Ingest (lib/webhooks/parse-webhook-body.ts) already stores legacy v1
 * deliveries in the v2 shape, so there is one translation of v1, not two.
 */
export function normalizeWebhookBody(payload: unknown): z.infer<typeof v2Body> | null {
  const v2 = v2Body.safeParse(payload);
  return v2.success ? v2.data : null;
}

export interface ProcessOptions {
  /** How long a deal's stage event waits for a predecessor that has not arrived (outbox.ts). */
  settleMs?: number;
  /**
   * Return once the event is applied and send the outbox in the background, handing its promise
   * (which never rejects) to this callback (the LISTEN path): a processor waiting for the events
   * budget would hold up the next contact writes. A failed background flush is logged; what it
   * leaves pending goes with the company's next flush (the event's job when it comes after, which
   * is retried if its flush fails, any later webhook, or the scheduled incremental sync).
   */
  backgroundFlush?: (flush: Promise<void>) => void;
}

/** One outbox flush per company at a time in this process; the callers of a burst share the next one. */
const flushes = new TrailingSingleFlight<SendResult>();

export async function processWebhookEvent(companyId: string, webhookEventId: bigint, opts: ProcessOptions = {}): Promise<void> {
  const db = prisma();
  const ev = await db.webhookEvent.findFirst({ where: { id: webhookEventId, companyId } });
  if (!ev) return;
  // A failed event is retried by its job; a processed one may come back as a delayed outbox flush.
  if (ev.status !== 'received' && ev.status !== 'failed') {
    await flushOutbox(companyId, webhookEventId, opts);
    return;
  }
  const pool = (await import('../db/pool')).pgPool();
  const client = await pool.connect();
  let ctx: CompanyContext | null = null;
  let broken = false;
  const lockKey = `${companyId}:${ev.object}:${ev.entityId ?? ev.eventId}`;
  try {
    // One record's events are applied by one worker at a time, in the order they happened.
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    try {
      const pending = await db.webhookEvent.findMany({
        // An event that failed through all its job's retries is left for an admin: retried with
        // every later event of the record, one bad event would block the record for good.
        where: { companyId, object: ev.object, entityId: ev.entityId, OR: [{ status: 'received' }, { status: 'failed', attempts: { lt: MAX_ATTEMPTS } }] },
        orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      });
      if (pending.length === 0) return;
      try {
        ctx = await webhookCompanyContext(companyId);
      } catch (err) {
        await db.webhookEvent.updateMany({ where: { id: { in: pending.map((p) => p.id) } }, data: { status: 'failed', error: (err as Error).message, attempts: { increment: 1 } } });
        throw err;
      }
      const ourUsers = new Set((await db.installation.findMany({ where: { companyId }, select: { pipedriveUserId: true } })).map((i) => String(i.pipedriveUserId)));
      // The newest event already applied to this record: anything older arriving now is stale.
      const applied = await ctx.db.query<{ at: Date | null }>(
        `SELECT max(occurred_at) AS at FROM webhook_events WHERE company_id = $1 AND object = $2 AND entity_id IS NOT DISTINCT FROM $3 AND status = 'processed'`,
        [companyId, ev.object, ev.entityId],
      );
      let appliedUpTo = applied.rows[0]?.at ?? null;
      for (const p of pending) {
        try {
          await applyOne(ctx, client, { eventId: p.eventId, payload: p.payload, receivedAt: p.receivedAt, occurredAt: p.occurredAt, appliedUpTo }, ourUsers);
          await db.webhookEvent.update({ where: { id: p.id }, data: { status: 'processed', processedAt: new Date(), attempts: { increment: 1 }, error: null } });
        } catch (err) {
          await db.webhookEvent.update({ where: { id: p.id }, data: { status: 'failed', error: (err as Error).message, attempts: { increment: 1 } } });
          throw err;
        }
        if (p.occurredAt && (!appliedUpTo || p.occurredAt > appliedUpTo)) appliedUpTo = p.occurredAt;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]).catch(() => (broken = true));
    }
  } finally {
    // A connection that could not unlock is discarded, which releases the lock.
    client.release(broken);
  }
  // Sent after the record lock is released: the outbox serializes its own senders per company.
  if (!ctx) return;
  if (!opts.backgroundFlush) return sendAndReschedule(ctx, webhookEventId, opts);
  opts.backgroundFlush(
    sendAndReschedule(ctx, webhookEventId, opts).catch((err: unknown) =>
      log.warn({ err, companyId, webhookEventId: String(webhookEventId) }, 'background outbox flush failed; the event’s job flushes again'),
    ),
  );
}

/** Sends what is due of the company's outbox; nothing to do costs one query and no vendor call. */
async function flushOutbox(companyId: string, webhookEventId: bigint, opts: ProcessOptions): Promise<void> {
  const pending = await prisma().outboundEvent.count({ where: { companyId, status: 'pending' } });
  if (pending === 0) return;
  await sendAndReschedule(await webhookCompanyContext(companyId), webhookEventId, opts);
}

async function sendAndReschedule(ctx: CompanyContext, webhookEventId: bigint, opts: ProcessOptions): Promise<void> {
  const r = await flushes.run(ctx.companyId, () => sendPendingEvents(ctx, { settleMs: opts.settleMs }));
  if (!r.heldUntil) return;
  // A stage event waits for its predecessor: come back when its wait is over, even if no other
  // webhook arrives in between. Every job that ends with the same earliest hold asks for the same
  // flush, so the key names that moment: one delayed job per hold, however many jobs saw it (a
  // key per company would not do: pg-boss keeps a completed job's singleton slot, and a later
  // hold in that slot would wait for the next scheduled sync). A flush that still finds a later
  // hold schedules that one. The second of margin absorbs clock skew between hosts.
  const { jobSender } = await import('../jobs/runtime');
  const queue = await jobSender();
  await queue.enqueue(webhookProcessQueue as unknown as JobDefinition, { companyId: ctx.companyId, webhookEventId: String(webhookEventId) }, {
    startAfter: new Date(r.heldUntil.getTime() + 1_000),
    singletonKey: `outbox:${ctx.companyId}:${r.heldUntil.getTime()}`,
    singletonSeconds: 3_600,
  });
  log.debug({ companyId: ctx.companyId, heldUntil: r.heldUntil }, 'stage event held for its predecessor; flush scheduled');
}

interface StoredDelivery {
  /** Pipedrive's event id (unique per change; repeated deliveries were merged at ingest). */
  eventId: string;
  payload: unknown;
  receivedAt: Date;
  occurredAt: Date | null;
  /** The newest event of this record already applied when this one is. */
  appliedUpTo: Date | null;
}

/** `locks` is the connection holding the record's lock; person locks are taken on it too, so a job never holds two connections. */
async function applyOne(ctx: CompanyContext, locks: pg.PoolClient, delivery: StoredDelivery, ourUsers: Set<string>): Promise<void> {
  const { receivedAt } = delivery;
  const body = normalizeWebhookBody(delivery.payload);
  if (!body) {
    log.warn({ companyId: ctx.companyId }, 'stored webhook payload has an unknown shape; ignored');
    return;
  }
  const { meta, data, previous } = body;
  const scalar = (v: unknown): string | null => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
  const entityId = scalar(meta.entity_id) ?? scalar(data?.id) ?? scalar(previous?.id) ?? '';
  const object = meta.entity;
  // Pipedrive does not order deliveries: an event older than one already applied describes a
  // past state. It still tells what happened (a transition is a fact), but must not overwrite.
  const stale = delivery.occurredAt !== null && delivery.appliedUpTo !== null && delivery.occurredAt < delivery.appliedUpTo;
  const events: QueuedEvent[] = [];
  const emailOf = async (personId: number) => (await getLink(ctx.db, ctx.companyId, 'person', String(personId)))?.email ?? null;
  // Our own writes to Pipedrive come back as webhooks: they change nothing in Brevo and trigger nothing.
  const echo = meta.change_source === 'api' && meta.user_id !== undefined && meta.user_id !== null && ourUsers.has(String(meta.user_id));

  const personOf = (d: Record<string, unknown> | null) => (typeof d?.person_id === 'number' ? d.person_id : null);
  const dealBefore = object === 'deal' ? await getLink(ctx.db, ctx.companyId, 'deal', entityId) : null;
  const contactPerson = object === 'person' ? Number(entityId) : (personOf(data) ?? personOf(previous));
  if (!echo && contactPerson) {
    const planned = planWebhookEvents({
      body: { meta: { action: meta.action, entity: object, timestamp: meta.timestamp ?? null, merged_from_id: meta.merged_from_id ?? null }, data, previous },
      config: ctx.config,
      contact: { email: await emailOf(contactPerson), personId: contactPerson },
      stages: ctx.stages,
      pipelines: ctx.pipelines,
      receivedAt: receivedAt.toISOString(),
    });
    const at = scalar(data?.update_time) ?? scalar(meta.timestamp) ?? receivedAt.toISOString();
    for (const op of planned.results) {
      if (op.kind !== 'event.send') continue;
      const t = planned.transition;
      if (t && object === 'deal' && op.event.event_properties && 'previous_stage_id' in op.event.event_properties) {
        // The same key as the polling path (deal-changes.ts): a move seen by both is sent once.
        const to = typeof data?.stage_id === 'number' ? data.stage_id : (t.stage?.to ?? 0);
        const seenState = dealBefore && !stale ? (dealBefore.state as { stage_id?: unknown } | null) : null;
        const seenAt = [dealBefore?.sourceUpdatedAt ?? null, delivery.appliedUpTo].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
        events.push({
          key: `${op.event.event_name}:${transitionKey(Number(entityId), t, at)}`,
          object: 'deal',
          pipedriveId: entityId,
          event: op.event,
          stageOrder: {
            dealId: Number(entityId),
            from: t.stage?.from ?? to,
            to,
            seenStage: seenState && typeof seenState.stage_id === 'number' ? seenState.stage_id : null,
            seenAt: seenState && seenAt ? seenAt.toISOString() : null,
          },
        });
      } else if (object === 'activity' && meta.action === 'create') {
        // The same key as the polling and history-replay paths: an activity is logged once.
        events.push({ key: activityEventKey(op.event.event_name, entityId), object: 'activity', pipedriveId: entityId, event: op.event });
      } else {
        // Keyed by the change itself: two edits within one second (update_time has no
        // milliseconds) are two events, a job retried after a crash is still one.
        events.push({ key: `${op.event.event_name}:${object}:${entityId}:${meta.action}:${delivery.eventId}`, object: object as QueuedEvent['object'], pipedriveId: entityId, event: op.event });
      }
    }
  }

  const affected = new Set<number>();
  switch (object) {
    case 'person': {
      if (echo || stale) break;
      if (meta.action === 'delete') {
        const link = await liveContactLink(ctx, entityId);
        const mergedTo = previous?.merged_to_id ?? meta.merged_to_id;
        const op = planPersonRemoval({ personId: Number(entityId), link: link ? { lists: link.listIds } : null, mergedToId: mergedTo === undefined || mergedTo === null ? null : Number(mergedTo), config: ctx.config });
        await applyRemoval(ctx, locks, op, link?.listIds ?? []);
      } else affected.add(Number(entityId));
      break;
    }
    case 'deal': {
      if (stale) {
        // Its person may have been planned from this deal's newer state already; nothing to redo.
        break;
      }
      if (meta.action === 'delete') {
        await markDeleted(ctx.db, ctx.companyId, 'deal', [entityId]);
        const p = personOf(previous);
        if (p) affected.add(p);
      } else {
        const s = dealStateOf(data);
        if (s) {
          await saveEntityStates(ctx.db, ctx.companyId, 'deal', [s.row]);
          if (s.deal.person_id) affected.add(s.deal.person_id);
          if (dealBefore?.relatedPersonId) affected.add(dealBefore.relatedPersonId);
        }
      }
      break;
    }
    case 'organization': {
      if (stale) break;
      if (meta.action === 'delete') await markDeleted(ctx.db, ctx.companyId, 'organization', [entityId]);
      else {
        // Webhook v2 custom fields are typed objects, unlike the API: read the organization again.
        const org = organizationStateOf(await ctx.pipedrive.getOrganization(Number(entityId)));
        if (org) {
          // The company is written by the sync.companies job at Brevo's 100-per-hour company pace:
          // a burst of organization webhooks must not hold the processors behind that budget.
          const companyDue = ctx.config.sync.organizations && !echo;
          await saveEntityStates(ctx.db, ctx.companyId, 'organization', [org.row], { companyDue });
          if (companyDue) await queueCompanies(ctx.companyId);
        }
      }
      for (const id of await personsOfOrganizations(ctx.db, ctx.companyId, [Number(entityId)])) affected.add(id);
      break;
    }
    case 'lead': {
      if (stale) break;
      if (meta.action === 'delete' || data?.is_archived === true) {
        await markDeleted(ctx.db, ctx.companyId, 'lead', [entityId]);
        const before = await getLink(ctx.db, ctx.companyId, 'lead', entityId);
        if (before?.relatedPersonId) affected.add(before.relatedPersonId);
      } else {
        const s = leadStateOf(data);
        if (s) {
          const before = await getLink(ctx.db, ctx.companyId, 'lead', entityId);
          await saveEntityStates(ctx.db, ctx.companyId, 'lead', [s.row]);
          if (s.lead.person_id) affected.add(s.lead.person_id);
          // A lead moved to another person takes the nurture list away from the first one.
          if (before?.relatedPersonId && before.relatedPersonId !== s.lead.person_id) affected.add(before.relatedPersonId);
        }
      }
      break;
    }
    default:
      break;
  }
  // An echo leaves the app's memory up to date (above) but writes nothing to Brevo.
  if (!echo && affected.size > 0 && ctx.config.sync.persons) await syncPersonsExclusively(ctx, locks, [...affected]);
  await queueEvents(ctx.db, ctx.companyId, events);
}

/**
 * Re-plans persons' contacts with no other worker planning the same persons meanwhile. Two deals
 * of one person changed at once are applied by two workers; without this, the one that read the
 * deals first could write its older list set last.
 */
async function syncPersonsExclusively(ctx: CompanyContext, locks: pg.PoolClient, personIds: readonly number[], opts: { lockAlso?: readonly number[]; before?: () => Promise<void> } = {}): Promise<void> {
  const keys = [...new Set([...personIds, ...(opts.lockAlso ?? [])])].sort((a, b) => a - b).map((id) => `${ctx.companyId}:contact:${id}`);
  // Taken in id order, and always after the record lock, so two workers cannot deadlock.
  for (const key of keys) await locks.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
  try {
    await opts.before?.();
    await syncPersonsById(ctx, personIds, null);
  } finally {
    // If this fails the connection is broken; the record lock's release then discards it, which frees every lock.
    for (const key of keys) await locks.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
  }
}

/** The person's contact link when the app wrote a contact and has not let go of it. */
async function liveContactLink(ctx: CompanyContext, personId: string): Promise<{ listIds: number[] } | null> {
  const r = await ctx.db.query<{ list_ids: number[] }>(
    `SELECT list_ids FROM record_links WHERE company_id = $1 AND object = 'person' AND pipedrive_id = $2 AND deleted_at IS NULL AND last_hash IS NOT NULL`,
    [ctx.companyId, personId],
  );
  const row = r.rows[0];
  return row ? { listIds: row.list_ids } : null;
}

async function detachContact(ctx: CompanyContext, personId: number, extId: string, unlinkListIds: readonly number[]): Promise<void> {
  try {
    if (unlinkListIds.length) await ctx.brevo.updateContact(extId, { unlinkListIds: [...unlinkListIds] }, 'ext_id');
  } catch (err) {
    // No contact under this ext_id any more (deleted in Brevo, or a merge survivor's sync already
    // took it over by email): there is nothing left to detach.
    if (!(err instanceof BrevoError && err.kind === 'not_found')) throw err;
  }
  await ctx.db.query(`UPDATE record_links SET list_ids = '{}', last_hash = NULL, deleted_at = now(), updated_at = now() WHERE company_id = $1 AND object = 'person' AND pipedrive_id = $2`, [ctx.companyId, String(personId)]);
}

async function applyRemoval(ctx: CompanyContext, locks: pg.PoolClient, op: ReturnType<typeof planPersonRemoval>, linkedLists: readonly number[]): Promise<void> {
  switch (op.kind) {
    case 'contact.delete':
      await ctx.brevo.deleteContact(op.extId, 'ext_id');
      await markDeleted(ctx.db, ctx.companyId, 'person', [String(op.personId)]);
      return;
    case 'contact.detach':
      await detachContact(ctx, op.personId, op.extId, op.unlinkListIds);
      return;
    case 'contact.relink': {
      // Under both persons' contact locks: a sync of the survivor running meanwhile would
      // otherwise write its own link between the check and the re-pointing.
      await syncPersonsExclusively(ctx, locks, [op.toPersonId], {
        lockAlso: [op.fromPersonId],
        before: async () => {
          const survivor = await liveContactLink(ctx, String(op.toPersonId));
          if (!survivor) {
            // The survivor inherits the contact; the sync below writes the merged data into it.
            await ctx.db.query(`DELETE FROM record_links WHERE company_id = $1 AND object = 'person' AND pipedrive_id = $2`, [ctx.companyId, String(op.toPersonId)]);
            await ctx.db.query(`UPDATE record_links SET pipedrive_id = $3, last_hash = NULL, updated_at = now() WHERE company_id = $1 AND object = 'person' AND pipedrive_id = $2`, [ctx.companyId, String(op.fromPersonId), String(op.toPersonId)]);
          } else {
            // Both had contacts: the survivor's carries on. The merged-away one is kept (its campaign
            // history and consent are Brevo's) but leaves the app's lists, or its automations would
            // go on for deals that now belong to the survivor.
            await detachContact(ctx, op.fromPersonId, op.fromExtId, [...new Set(linkedLists)].sort((a, b) => a - b));
          }
        },
      });
      return;
    }
    default:
      return;
  }
}
