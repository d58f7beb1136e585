import { z } from 'zod';
import { prisma } from '../db/prisma';
import { childLogger } from '../log';
import { planPersonRemoval, planWebhookEvents } from '../sync';
import { loadCompanyContext, type CompanyContext } from './company-context';
import { dealStateOf, leadStateOf, organizationStateOf } from './entity-states';
import { getLink, markDeleted, personsOfOrganizations, saveEntityStates } from './link-store';
import { queueEvents, sendPendingEvents, type QueuedEvent } from './outbox';
import { transitionKey } from './deal-changes';
import { syncOrganizations } from './sync-organizations';
import { syncPersonsById } from './incremental';

const log = childLogger({ part: 'webhook-processing' });

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
const v1Body = z.object({ meta: z.object({ action: z.string(), object: z.string(), id: z.union([z.string(), z.number()]).nullish(), timestamp: z.union([z.string(), z.number()]).nullish(), change_source: z.string().nullish(), user_id: z.union([z.string(), z.number()]).nullish() }).loose(), current: z.record(z.string(), z.unknown()).nullable().optional(), previous: z.record(z.string(), z.unknown()).nullable().optional() });

const V1_ACTIONS: Record<string, 'create' | 'change' | 'delete'> = { added: 'create', updated: 'change', merged: 'change', deleted: 'delete' };

/** Reads a stored payload as v2 (older v1 webhooks are translated). */
export function normalizeWebhookBody(payload: unknown): z.infer<typeof v2Body> | null {
  const v2 = v2Body.safeParse(payload);
  if (v2.success) return v2.data;
  const v1 = v1Body.safeParse(payload);
  if (!v1.success) return null;
  const action = V1_ACTIONS[v1.data.meta.action];
  if (!action) return null;
  const current = v1.data.current ?? null;
  const previous = v1.data.previous ?? null;
  // v1 `previous` is the whole old object: keep only what changed, as v2 does.
  const changed = previous && current ? Object.fromEntries(Object.entries(previous).filter(([k, v]) => JSON.stringify(current[k]) !== JSON.stringify(v))) : previous;
  return {
    meta: { action, entity: v1.data.meta.object, entity_id: v1.data.meta.id ?? (current?.id as number | undefined), timestamp: v1.data.meta.timestamp, change_source: v1.data.meta.change_source, user_id: v1.data.meta.user_id, merged_from_id: v1.data.meta.action === 'merged' ? (previous?.id as number | undefined) : undefined },
    data: action === 'delete' ? null : current,
    previous: action === 'create' ? null : changed,
  };
}

export async function processWebhookEvent(companyId: string, webhookEventId: bigint): Promise<void> {
  const db = prisma();
  const ev = await db.webhookEvent.findFirst({ where: { id: webhookEventId, companyId } });
  if (!ev || ev.status !== 'received') return;
  const pool = (await import('../db/pool')).pgPool();
  const client = await pool.connect();
  try {
    // One record's events are applied by one worker at a time, in order.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`${companyId}:${ev.object}:${ev.entityId ?? ev.eventId}`]);
    const pending = await db.webhookEvent.findMany({
      where: { companyId, object: ev.object, entityId: ev.entityId, status: 'received' },
      orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
    });
    if (pending.length === 0) return;
    let ctx: CompanyContext;
    try {
      ctx = await loadCompanyContext(companyId, { provisionAttributes: false });
    } catch (err) {
      await db.webhookEvent.updateMany({ where: { id: { in: pending.map((p) => p.id) } }, data: { status: 'failed', error: (err as Error).message, attempts: { increment: 1 } } });
      throw err;
    }
    const ourUsers = new Set((await db.installation.findMany({ where: { companyId }, select: { pipedriveUserId: true } })).map((i) => String(i.pipedriveUserId)));
    for (const p of pending) {
      try {
        await applyOne(ctx, p.payload, p.receivedAt, ourUsers);
        await db.webhookEvent.update({ where: { id: p.id }, data: { status: 'processed', processedAt: new Date(), attempts: { increment: 1 }, error: null } });
      } catch (err) {
        await db.webhookEvent.update({ where: { id: p.id }, data: { status: 'failed', error: (err as Error).message, attempts: { increment: 1 } } });
        throw err;
      }
    }
    await sendPendingEvents(ctx);
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    client.release();
  }
}

async function applyOne(ctx: CompanyContext, payload: unknown, receivedAt: Date, ourUsers: Set<string>): Promise<void> {
  const body = normalizeWebhookBody(payload);
  if (!body) {
    log.warn({ companyId: ctx.companyId }, 'stored webhook payload has an unknown shape; ignored');
    return;
  }
  const { meta, data, previous } = body;
  const scalar = (v: unknown): string | null => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
  const entityId = scalar(meta.entity_id) ?? scalar(data?.id) ?? scalar(previous?.id) ?? '';
  const object = meta.entity;
  const events: QueuedEvent[] = [];
  const emailOf = async (personId: number) => (await getLink(ctx.db, ctx.companyId, 'person', String(personId)))?.email ?? null;
  // Our own writes to Pipedrive come back as webhooks: they change nothing and trigger nothing.
  const echo = meta.change_source === 'api' && meta.user_id !== undefined && meta.user_id !== null && ourUsers.has(String(meta.user_id));

  const personOf = (d: Record<string, unknown> | null) => (typeof d?.person_id === 'number' ? d.person_id : null);
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
      const key =
        op.event.event_name && planned.transition && object === 'deal'
          ? `${op.event.event_name}:${transitionKey(Number(entityId), planned.transition, at)}`
          : `${op.event.event_name}:${object}:${entityId}:${meta.action}:${at}`;
      events.push({ key, object: object as QueuedEvent['object'], pipedriveId: entityId, event: op.event });
    }
  }

  const affected = new Set<number>();
  switch (object) {
    case 'person': {
      if (meta.action === 'delete') {
        const link = await getLink(ctx.db, ctx.companyId, 'person', entityId);
        const mergedTo = previous?.merged_to_id ?? meta.merged_to_id;
        const op = planPersonRemoval({ personId: Number(entityId), link: link ? { lists: link.listIds } : null, mergedToId: mergedTo === undefined || mergedTo === null ? null : Number(mergedTo), config: ctx.config });
        await applyRemoval(ctx, op);
      } else affected.add(Number(entityId));
      break;
    }
    case 'deal': {
      if (meta.action === 'delete') {
        await markDeleted(ctx.db, ctx.companyId, 'deal', [entityId]);
        const p = personOf(previous);
        if (p) affected.add(p);
      } else {
        const s = dealStateOf(data);
        if (s) {
          const before = await getLink(ctx.db, ctx.companyId, 'deal', entityId);
          const stale = before?.sourceUpdatedAt && s.row.sourceUpdatedAt && s.row.sourceUpdatedAt < before.sourceUpdatedAt;
          if (!stale) await saveEntityStates(ctx.db, ctx.companyId, 'deal', [s.row]);
          if (s.deal.person_id) affected.add(s.deal.person_id);
          if (before?.relatedPersonId) affected.add(before.relatedPersonId);
        }
      }
      break;
    }
    case 'organization': {
      if (meta.action === 'delete') await markDeleted(ctx.db, ctx.companyId, 'organization', [entityId]);
      else {
        // Webhook v2 custom fields are typed objects, unlike the API: read the organization again.
        const org = organizationStateOf(await ctx.pipedrive.getOrganization(Number(entityId)));
        if (org) {
          await saveEntityStates(ctx.db, ctx.companyId, 'organization', [org.row]);
          if (ctx.config.sync.organizations) await syncOrganizations(ctx, [org.org], { runId: null });
        }
      }
      for (const id of await personsOfOrganizations(ctx.db, ctx.companyId, [Number(entityId)])) affected.add(id);
      break;
    }
    case 'lead': {
      if (meta.action === 'delete' || data?.is_archived === true) {
        await markDeleted(ctx.db, ctx.companyId, 'lead', [entityId]);
        const before = await getLink(ctx.db, ctx.companyId, 'lead', entityId);
        if (before?.relatedPersonId) affected.add(before.relatedPersonId);
      } else {
        const s = leadStateOf(data);
        if (s) {
          await saveEntityStates(ctx.db, ctx.companyId, 'lead', [s.row]);
          if (s.lead.person_id) affected.add(s.lead.person_id);
        }
      }
      break;
    }
    default:
      break;
  }
  if (affected.size > 0 && ctx.config.sync.persons) await syncPersonsById(ctx, [...affected], null);
  await queueEvents(ctx.db, ctx.companyId, events);
}

async function applyRemoval(ctx: CompanyContext, op: ReturnType<typeof planPersonRemoval>): Promise<void> {
  switch (op.kind) {
    case 'contact.delete':
      await ctx.brevo.deleteContact(op.extId, 'ext_id');
      await markDeleted(ctx.db, ctx.companyId, 'person', [String(op.personId)]);
      return;
    case 'contact.detach':
      if (op.unlinkListIds.length) await ctx.brevo.updateContact(op.extId, { unlinkListIds: op.unlinkListIds }, 'ext_id');
      await ctx.db.query(`UPDATE record_links SET list_ids = '{}', last_hash = NULL, deleted_at = now(), updated_at = now() WHERE company_id = $1 AND object = 'person' AND pipedrive_id = $2`, [ctx.companyId, String(op.personId)]);
      return;
    case 'contact.relink': {
      // The survivor inherits the link when it has none; its next sync writes the merged data.
      const survivor = await getLink(ctx.db, ctx.companyId, 'person', String(op.toPersonId));
      if (!survivor) {
        await ctx.db.query(`UPDATE record_links SET pipedrive_id = $3, last_hash = NULL, updated_at = now() WHERE company_id = $1 AND object = 'person' AND pipedrive_id = $2`, [ctx.companyId, String(op.fromPersonId), String(op.toPersonId)]);
      } else await markDeleted(ctx.db, ctx.companyId, 'person', [String(op.fromPersonId)]);
      await syncPersonsById(ctx, [op.toPersonId], null);
      return;
    }
    default:
      return;
  }
}
