import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WEBHOOK_V2_DATA_SCHEMAS, webhookV1PayloadSchema, webhookV2PayloadSchema, type WebhookEntity } from '../pipedrive/schemas';

/** The objects the app subscribes to and syncs; anything else is stored as ignored. */
export const SYNCED_WEBHOOK_OBJECTS = ['person', 'organization', 'deal', 'activity', 'lead'] as const;
export type SyncedWebhookObject = (typeof SYNCED_WEBHOOK_OBJECTS)[number];

/**
 * One Pipedrive delivery in the shape the app stores: always the webhooks v2 envelope
 * `{meta, data, previous}` with v2 semantics (`previous` holds only the changed fields of a
 * change), whatever version Pipedrive sent. Legacy v1 bodies keep their original `meta` and
 * `event` under `legacy` so nothing is lost.
 */
export interface NormalizedWebhook {
  format: 'v2' | 'v1';
  /** The vendor's event id: v2 `meta.id`, v1 a hash of the event (v1 `meta.id` is the object's id). */
  eventId: string;
  object: string;
  action: 'create' | 'change' | 'delete';
  entityId: string;
  occurredAt: Date | null;
  /** Pipedrive's company id as the body states it (checked against the URL's company). */
  pipedriveCompanyId: string;
  /** Pipedrive's webhook id, to mark the registration as delivering. */
  webhookId: string | null;
  /** Whether the event is for an object the app syncs (else it is stored as ignored). */
  synced: boolean;
  payload: Record<string, unknown>;
}

export type ParsedWebhookBody = { ok: true; event: NormalizedWebhook } | { ok: false; field: string; message: string };

function firstIssue(error: z.ZodError, prefix = ''): { field: string; message: string } {
  const issue = error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.') || 'body';
  return { field, message: issue?.message ?? 'is invalid' };
}

/** `meta.timestamp` is ISO 8601 in most v2 examples and unix seconds in others; both are read. */
export function readWebhookTimestamp(value: unknown): Date | null {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))) {
    const n = Number(value);
    // Seconds (10 digits) or milliseconds (13 digits).
    const d = new Date(n < 1e11 ? n * 1000 : n);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  if (typeof value === 'string') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function isSynced(object: string): object is SyncedWebhookObject {
  return (SYNCED_WEBHOOK_OBJECTS as readonly string[]).includes(object);
}

function parseV2(body: Record<string, unknown>): ParsedWebhookBody {
  const envelope = webhookV2PayloadSchema.safeParse(body);
  if (!envelope.success) return { ok: false, ...firstIssue(envelope.error) };
  const { meta, data, previous } = envelope.data;
  const synced = isSynced(meta.entity);
  if (synced) {
    // The entity's own schema: data is the current state, previous a subset of it.
    const schema = WEBHOOK_V2_DATA_SCHEMAS[meta.entity as WebhookEntity];
    if (data !== null) {
      const d = schema.safeParse(data);
      if (!d.success) return { ok: false, ...firstIssue(d.error, 'data') };
    }
    if (previous !== null) {
      const p = (schema.partial() as z.ZodType).safeParse(previous);
      if (!p.success) return { ok: false, ...firstIssue(p.error, 'previous') };
    }
    if (meta.action !== 'delete' && data === null) return { ok: false, field: 'data', message: `must be an object for a ${meta.action} event (only delete events carry data: null)` };
  }
  return {
    ok: true,
    event: {
      format: 'v2',
      eventId: meta.id,
      object: meta.entity,
      action: meta.action,
      entityId: meta.entity_id,
      occurredAt: readWebhookTimestamp(meta.timestamp),
      pipedriveCompanyId: meta.company_id,
      webhookId: meta.webhook_id,
      synced,
      payload: body,
    },
  };
}

const V1_ACTIONS = { added: 'create', updated: 'change', merged: 'change', deleted: 'delete' } as const;

/** Keys sorted at every level, so the hash of an event does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * v2 semantics for `previous` of a change: only the fields whose values differ, with their old
 * values. The full v1 `previous` is `{...current, ...changed}`, so nothing is lost.
 */
function changedFields(previous: Record<string, unknown>, current: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, before] of Object.entries(previous)) {
    if (canonicalJson(before) !== canonicalJson(current[key])) out[key] = before;
  }
  return out;
}

function parseV1(body: Record<string, unknown>): ParsedWebhookBody {
  const parsed = webhookV1PayloadSchema.safeParse(body);
  if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
  const v1 = parsed.data;
  const [eventAction, eventObject] = v1.event.split('.') as [string, string];
  if (eventAction !== v1.meta.action || eventObject !== v1.meta.object) {
    return { ok: false, field: 'event', message: `"${v1.event}" contradicts meta.action "${v1.meta.action}" and meta.object "${v1.meta.object}"` };
  }
  // The user object comes as a one-element array in v1.
  const one = (x: typeof v1.current) => (Array.isArray(x) ? (x[0] ?? null) : x);
  const current = one(v1.current);
  const previousFull = one(v1.previous);
  const action = V1_ACTIONS[v1.meta.action];
  if (action !== 'delete' && current === null) return { ok: false, field: 'current', message: `must be an object for an ${v1.meta.action} event` };
  // v1 has no event id (meta.id is the object's id) and retries differ only in `retry`; the
  // same event from two registrations differs only in meta.webhook_id. Hash everything else.
  const { retry: _retry, ...rest } = v1;
  const { webhook_id: _webhookId, ...metaRest } = v1.meta;
  const eventId = `v1:${createHash('sha256').update(canonicalJson({ ...rest, meta: metaRest })).digest('hex')}`;
  const occurredAt = v1.meta.timestamp_micro ? new Date(Math.floor(v1.meta.timestamp_micro / 1000)) : new Date(v1.meta.timestamp * 1000);
  const previous = action === 'create' ? null : action === 'delete' ? previousFull : previousFull && current ? changedFields(previousFull, current) : null;
  const entityId = String(v1.meta.id);
  return {
    ok: true,
    event: {
      format: 'v1',
      eventId,
      object: v1.meta.object,
      action,
      entityId,
      occurredAt,
      pipedriveCompanyId: String(v1.meta.company_id),
      webhookId: v1.meta.webhook_id === null || v1.meta.webhook_id === undefined ? null : String(v1.meta.webhook_id),
      synced: isSynced(v1.meta.object),
      payload: {
        meta: {
          action,
          entity: v1.meta.object,
          company_id: String(v1.meta.company_id),
          entity_id: entityId,
          id: eventId,
          timestamp: occurredAt.toISOString(),
          user_id: String(v1.meta.user_id),
          version: '1.0',
          webhook_id: v1.meta.webhook_id === null || v1.meta.webhook_id === undefined ? null : String(v1.meta.webhook_id),
          change_source: v1.meta.change_source ?? null,
          host: v1.meta.host ?? null,
          // v1 names the survivor of a merge with `merged` but does not say who was merged into it.
          is_merge: v1.meta.action === 'merged',
        },
        // v1 objects (API v1 format: custom fields at the root, `email`/`phone` arrays).
        data: current,
        previous,
        legacy: { event: v1.event, meta: v1.meta },
      },
    },
  };
}

/**
 * Reads a delivery body: webhooks v2 (`{meta, data, previous}`, meta.version "2.0") or the
 * legacy v1 shape (`{v: 1, meta, current, previous, event}`). Errors name the offending field.
 */
export function parseWebhookBody(body: unknown): ParsedWebhookBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, field: 'body', message: `must be a JSON object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}` };
  }
  const obj = body as Record<string, unknown>;
  const meta = obj.meta as Record<string, unknown> | undefined;
  if (obj.v === 1 || (meta && typeof meta === 'object' && meta.v === 1)) return parseV1(obj);
  if ('data' in obj || (meta && typeof meta === 'object' && 'version' in meta)) return parseV2(obj);
  return {
    ok: false,
    field: 'meta',
    message: 'is missing or unrecognised: expected a webhooks v2 body {meta, data, previous} with meta.version "2.0", or a legacy v1 body {v: 1, meta, current, previous, event}',
  };
}
