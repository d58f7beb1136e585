import { contentHash } from '../sync';

/**
 * The incremental runs' position per entity, as pure functions (the run reads and saves them).
 *
 * Pipedrive's `updated_since` is inclusive and its update_time has whole seconds, so each read
 * returns again the records of the cursor's own second. Skipping those by id alone loses a record
 * edited again within that second after a run read it (same update_time, new content) until its
 * next edit or the daily reconciliation. So the cursor keeps, for every record read at its second,
 * `<id>:<fingerprint>` (a short hash of the record as read), and a record at that second is
 * skipped only when it is the very version already processed.
 */

/** What `sync_cursors` holds for an entity. */
export interface StoredCursor {
  updatedSince: Date;
  idsAtCursor: readonly string[];
}

/** A read in progress from a stored cursor. */
export interface CursorScan {
  /** The stored position: records read there before, as id → entry. */
  readonly since: Date;
  readonly seen: ReadonlyMap<string, string>;
  /** The latest update_time read so far, and the entries read at it (id → entry). */
  readonly max: Date;
  readonly atMax: ReadonlyMap<string, string>;
}

export interface CursorRecord {
  id: number | string;
  update_time?: string | null;
}

/**
 * 16 hex digits (64 bits) of the record's content hash: it only has to tell two versions of one
 * record apart, and a cursor may hold thousands of entries after a mass edit.
 */
export function cursorEntry(record: CursorRecord): string {
  return `${record.id}:${contentHash(record).slice(0, 16)}`;
}

/**
 * Entries by id. Rows written before fingerprints existed hold bare ids: such an entry equals no
 * record's entry, so the record is processed once more (an unchanged contact costs no Brevo write,
 * its hash is the same) and its entry is replaced by a fingerprinted one.
 */
function entriesById(entries: readonly string[]): Map<string, string> {
  return new Map(entries.map((entry) => [entry.includes(':') ? entry.slice(0, entry.indexOf(':')) : entry, entry]));
}

export function startCursorScan(stored: StoredCursor): CursorScan {
  const seen = entriesById(stored.idsAtCursor);
  return { since: stored.updatedSince, seen, max: stored.updatedSince, atMax: seen };
}

/**
 * The records of one page to process, and the scan moved past them. A record without an
 * update_time cannot be placed, so it is always processed (and moves nothing).
 */
export function scanCursorPage<T extends CursorRecord>(scan: CursorScan, items: readonly T[]): { changed: T[]; scan: CursorScan } {
  const changed: T[] = [];
  let max = scan.max;
  let atMax: Map<string, string> | null = null; // copied on the first change
  for (const item of items) {
    if (!item.update_time) {
      changed.push(item);
      continue;
    }
    const time = new Date(item.update_time).getTime();
    const atSince = time === scan.since.getTime();
    // Fingerprints cost a hash: only records at the stored second or at the latest one need one.
    if (time < max.getTime() && !atSince) {
      changed.push(item);
      continue;
    }
    const id = String(item.id);
    const entry = cursorEntry(item);
    if (atSince && scan.seen.get(id) === entry) continue;
    changed.push(item);
    if (time > max.getTime()) {
      max = new Date(time);
      atMax = new Map([[id, entry]]);
    } else if (time === max.getTime()) {
      atMax ??= new Map(scan.atMax);
      // Replaces an earlier version of the record read at the same second.
      atMax.set(id, entry);
    }
  }
  return { changed, scan: atMax ? { ...scan, max, atMax } : scan };
}

/** The cursor to store once every page is read: the latest second read, with what was read there. */
export function cursorAfterScan(scan: CursorScan): StoredCursor {
  return { updatedSince: scan.max, idsAtCursor: [...scan.atMax.values()] };
}
