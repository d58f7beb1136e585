/**
 * One entity type of one company: records by id, ids in ascending order, and an index sorted by
 * (update_time, id) so that `updated_since` queries binary-search instead of scanning 100k rows.
 * The update index keeps stale entries after an update and skips them on read (lazy deletion),
 * compacting once they outnumber the live ones; updates are then O(log n) amortised.
 */
export interface TimedRecord {
  id: number;
  update_time: number;
}

interface IndexEntry {
  t: number;
  id: number;
}

function compareEntry(a: IndexEntry, b: IndexEntry): number {
  return a.t - b.t || a.id - b.id;
}

/** First position whose entry is >= probe. */
function lowerBound(arr: IndexEntry[], probe: IndexEntry): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntry(arr[mid]!, probe) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBoundNum(arr: number[], probe: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < probe) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class EntityTable<T extends TimedRecord> {
  readonly byId = new Map<number, T>();
  private ids: number[] = [];
  private idsSorted = true;
  private updateIndex: IndexEntry[] = [];
  private stale = 0;
  private nextId = 1;

  allocateId(): number {
    return this.nextId++;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: number): T | undefined {
    return this.byId.get(id);
  }

  insert(rec: T): void {
    if (this.byId.has(rec.id)) throw new Error(`duplicate id ${rec.id}`);
    this.byId.set(rec.id, rec);
    if (rec.id >= this.nextId) this.nextId = rec.id + 1;
    const last = this.ids[this.ids.length - 1];
    if (last !== undefined && last > rec.id) this.idsSorted = false;
    this.ids.push(rec.id);
    this.pushIndex({ t: rec.update_time, id: rec.id });
  }

  /** Records a new update_time for an existing record (mutate the record first). */
  touched(rec: T, previousUpdateTime: number): void {
    if (previousUpdateTime === rec.update_time) return;
    this.stale++;
    this.pushIndex({ t: rec.update_time, id: rec.id });
    if (this.stale > this.byId.size) this.compact();
  }

  private pushIndex(entry: IndexEntry): void {
    const last = this.updateIndex[this.updateIndex.length - 1];
    if (!last || compareEntry(last, entry) <= 0) this.updateIndex.push(entry);
    else this.updateIndex.splice(lowerBound(this.updateIndex, entry), 0, entry);
  }

  private compact(): void {
    this.updateIndex = this.updateIndex.filter((e) => this.byId.get(e.id)?.update_time === e.t);
    this.stale = 0;
  }

  private sortedIds(): number[] {
    if (!this.idsSorted) {
      this.ids.sort((a, b) => a - b);
      this.idsSorted = true;
    }
    return this.ids;
  }

  /** Records in id order starting after `afterId` (ascending) or before it (descending). */
  *scanById(direction: 'asc' | 'desc', afterId?: number): Generator<T> {
    const ids = this.sortedIds();
    if (direction === 'asc') {
      const start = afterId === undefined ? 0 : lowerBoundNum(ids, afterId + 1);
      for (let i = start; i < ids.length; i++) {
        const r = this.byId.get(ids[i]!);
        if (r) yield r;
      }
    } else {
      const start = afterId === undefined ? ids.length - 1 : lowerBoundNum(ids, afterId) - 1;
      for (let i = start; i >= 0; i--) {
        const r = this.byId.get(ids[i]!);
        if (r) yield r;
      }
    }
  }

  /**
   * Records in (update_time, id) order within [since, until), resuming strictly after the
   * (t, id) position `after` when given. Stale index entries are skipped.
   */
  *scanByUpdateTime(
    direction: 'asc' | 'desc',
    opts: { since?: number; until?: number; after?: { t: number; id: number } } = {},
  ): Generator<T> {
    const idx = this.updateIndex;
    const since = opts.since ?? -Infinity;
    const until = opts.until ?? Infinity;
    const live = (e: IndexEntry): T | undefined => {
      const r = this.byId.get(e.id);
      return r && r.update_time === e.t ? r : undefined;
    };
    if (direction === 'asc') {
      let i = lowerBound(idx, { t: since, id: -Infinity });
      if (opts.after) i = Math.max(i, lowerBound(idx, { t: opts.after.t, id: opts.after.id + 1 }));
      for (; i < idx.length; i++) {
        const e = idx[i]!;
        if (e.t >= until) return;
        const r = live(e);
        if (r) yield r;
      }
    } else {
      let i = lowerBound(idx, { t: until, id: -Infinity }) - 1;
      if (opts.after) i = Math.min(i, lowerBound(idx, { t: opts.after.t, id: opts.after.id }) - 1);
      for (; i >= 0; i--) {
        const e = idx[i]!;
        if (e.t < since) return;
        const r = live(e);
        if (r) yield r;
      }
    }
  }

  /** All records (insertion order). */
  values(): IterableIterator<T> {
    return this.byId.values();
  }
}
