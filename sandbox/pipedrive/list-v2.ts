import { z } from 'zod';
import { SandboxError } from './company';
import type { EntityTable, TimedRecord } from './entity-table';

/**
 * Cursor pagination as API v2 does it: an opaque cursor, `limit` up to 500 (default 100),
 * `updated_since` inclusive and `updated_until` exclusive, one sort field and direction.
 */
export interface V2ListOptions<T> {
  sortBy: string;
  direction: 'asc' | 'desc';
  limit: number;
  cursor?: string;
  updatedSince?: number;
  updatedUntil?: number;
  filter: (r: T) => boolean;
  /** Value of a sort field other than id/update_time (add_time, due_date, order_nr ...). */
  sortValue?: (r: T, field: string) => number | string | null;
}

const cursorSchema = z.object({ s: z.string(), d: z.enum(['asc', 'desc']), v: z.union([z.number(), z.string(), z.null()]), id: z.number() });
type Cursor = z.infer<typeof cursorSchema>;

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string, sortBy: string, direction: string): Cursor {
  try {
    const c = cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (c.s !== sortBy || c.d !== direction) throw new Error('sort changed');
    return c;
  } catch {
    throw new SandboxError(400, 'Invalid cursor');
  }
}

function compareValues(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export function listV2<T extends TimedRecord>(table: EntityTable<T>, o: V2ListOptions<T>): { items: T[]; nextCursor: string | null } {
  const cursor = o.cursor ? decodeCursor(o.cursor, o.sortBy, o.direction) : undefined;
  const inRange = (r: T) => (o.updatedSince === undefined || r.update_time >= o.updatedSince) && (o.updatedUntil === undefined || r.update_time < o.updatedUntil);
  const items: T[] = [];
  let more = false;
  const take = (source: Iterable<T>) => {
    for (const r of source) {
      if (!inRange(r) || !o.filter(r)) continue;
      if (items.length === o.limit) {
        more = true;
        return;
      }
      items.push(r);
    }
  };
  let valueOf: (r: T) => number | string | null = (r) => r.id;
  if (o.sortBy === 'id') {
    take(table.scanById(o.direction, cursor?.id));
  } else if (o.sortBy === 'update_time') {
    valueOf = (r) => r.update_time;
    const after = cursor ? { t: cursor.v as number, id: cursor.id } : undefined;
    take(table.scanByUpdateTime(o.direction, { since: o.updatedSince, until: o.updatedUntil, after }));
  } else {
    const sv = o.sortValue;
    if (!sv) throw new SandboxError(400, `sort_by ${o.sortBy} is not supported`);
    valueOf = (r) => sv(r, o.sortBy);
    const sign = o.direction === 'asc' ? 1 : -1;
    const cmp = (a: T, b: T) => sign * (compareValues(valueOf(a), valueOf(b)) || a.id - b.id);
    const all = [...table.values()].filter((r) => inRange(r) && o.filter(r)).sort(cmp);
    const start = cursor ? all.findIndex((r) => sign * (compareValues(valueOf(r), cursor.v) || r.id - cursor.id) > 0) : 0;
    take(start < 0 ? [] : all.slice(start));
  }
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor({ s: o.sortBy, d: o.direction, v: valueOf(last), id: last.id }) : null };
}

/** Common v2 list query parameters. */
export const v2ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).optional(),
  sort_direction: z.enum(['asc', 'desc']).default('asc'),
  updated_since: z.iso.datetime({ offset: true }).optional(),
  updated_until: z.iso.datetime({ offset: true }).optional(),
  ids: z
    .string()
    .regex(/^\d+(,\d+)*$/)
    .transform((s) => new Set(s.split(',').map(Number)))
    .refine((s) => s.size <= 100, 'at most 100 ids')
    .optional(),
  owner_id: z.coerce.number().int().optional(),
  filter_id: z.coerce.number().int().optional(),
  include_fields: z
    .string()
    .transform((s) => new Set(s.split(',').filter(Boolean)))
    .optional(),
  custom_fields: z
    .string()
    .transform((s) => new Set(s.split(',').filter(Boolean)))
    .refine((s) => s.size <= 15, 'at most 15 custom field keys')
    .optional(),
});

export function queryObject(q: URLSearchParams): Record<string, string> {
  return Object.fromEntries(q.entries());
}
