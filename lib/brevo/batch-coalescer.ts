/**
 * Merges the items of concurrent callers into shared bulk calls, the way Nagle's algorithm merges
 * small writes: when nothing is in flight an item goes at once; while a call is in flight (sending,
 * or waiting for the shared rate budget) what arrives is queued and leaves together in the next
 * call. Full calls do not wait, up to `maxInFlight` at once, so a large writer (a backfill) keeps
 * its parallelism. Why: everything under Brevo's /v3/contacts shares 10 requests/s, so webhooks
 * arriving faster than that can only keep up if several contacts travel in one request.
 *
 * Each caller gets back exactly its own items' outcomes, in its order. Items with the same key (the
 * same contact) are never in one call, nor in two calls in flight at once: the later one waits for
 * the next call, so a contact's updates reach Brevo in the order they were submitted.
 */
export interface CoalescerOptions<I, O> {
  /** Most items in one call. */
  maxItems: number;
  /** Most calls in flight at once; calls with fewer than `maxItems` only go when none is. */
  maxInFlight: number;
  /** Items with the same key are sent in submission order, never in the same call. */
  keyOf: (item: I) => string;
  /**
   * One call for the given items, answering one outcome per item in order. A throw fails every
   * caller with an item in the call (it means the call, not a record, failed: auth, outage, budget).
   */
  send: (items: readonly I[]) => Promise<O[]>;
  /**
   * Awaited before a partial call takes its items (full calls do not wait): a pacer that keeps
   * small calls under the vendor's window. Items arriving meanwhile join the call.
   */
  pacePartial?: () => Promise<void>;
  /** Called when nothing is queued or in flight any more (lets a registry forget the coalescer). */
  onIdle?: () => void;
}

interface Submission<O> {
  outcomes: O[];
  left: number;
  failed: boolean;
  resolve: (outcomes: O[]) => void;
  reject: (err: unknown) => void;
}

interface Queued<I, O> {
  item: I;
  key: string;
  index: number;
  sub: Submission<O>;
}

/**
 * The next call's items: queue positions in arrival order, at most `max`, skipping keys that are in
 * flight or already taken for this call (so a later update of a contact waits for the next call).
 */
export function takeBatch(keys: readonly string[], busy: ReadonlySet<string>, max: number): number[] {
  const taken = new Set<string>();
  const out: number[] = [];
  for (let i = 0; i < keys.length && out.length < max; i++) {
    const key = keys[i] as string;
    if (busy.has(key) || taken.has(key)) continue;
    taken.add(key);
    out.push(i);
  }
  return out;
}

/** Nagle's rule: a full call goes while there is room in flight; a partial one only when idle. */
export function shouldSend(ready: number, inFlight: number, maxItems: number, maxInFlight: number): boolean {
  if (ready === 0 || inFlight >= maxInFlight) return false;
  return ready >= maxItems || inFlight === 0;
}

export class BatchCoalescer<I, O> {
  private queue: Queued<I, O>[] = [];
  private readonly busy = new Map<string, number>();
  private inFlight = 0;
  private pumpScheduled = false;

  constructor(private readonly opts: CoalescerOptions<I, O>) {
    if (opts.maxItems < 1 || opts.maxInFlight < 1) throw new Error('a coalescer needs room for at least one item and one call');
  }

  /** Queues the items and resolves with their outcomes, in the same order. */
  submit(items: readonly I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<O[]>((resolve, reject) => {
      const sub: Submission<O> = { outcomes: new Array<O>(items.length), left: items.length, failed: false, resolve, reject };
      items.forEach((item, index) => this.queue.push({ item, key: this.opts.keyOf(item), index, sub }));
      // Decided at the end of the tick, so callers submitting in the same tick share the first call.
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        queueMicrotask(() => {
          this.pumpScheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Items queued and calls in flight (for tests and metrics). */
  get pending(): { queued: number; inFlight: number } {
    return { queued: this.queue.length, inFlight: this.inFlight };
  }

  private pump(): void {
    for (;;) {
      const picked = this.pick();
      if (!shouldSend(picked.length, this.inFlight, this.opts.maxItems, this.opts.maxInFlight)) break;
      if (picked.length < this.opts.maxItems && this.opts.pacePartial) {
        // Counted in flight while it waits, so that what arrives meanwhile waits for it (Nagle).
        this.inFlight++;
        const pace = this.opts.pacePartial;
        Promise.resolve()
          .then(pace)
          .then(
            () => {
              this.inFlight--;
              this.launch(this.pick());
              this.pump();
            },
            (err: unknown) => {
              this.inFlight--;
              this.fail(new Set(this.queue.map((q) => q.sub)), err);
              this.pump();
            },
          );
        break;
      }
      this.launch(picked);
    }
    if (this.inFlight === 0 && this.queue.length === 0) this.opts.onIdle?.();
  }

  private pick(): number[] {
    return takeBatch(
      this.queue.map((q) => q.key),
      new Set(this.busy.keys()),
      this.opts.maxItems,
    );
  }

  /** Takes the picked items off the queue and sends them as one call. */
  private launch(picked: number[]): void {
    if (picked.length === 0) {
      this.pump();
      return;
    }
    const chosen = new Set(picked);
    const batch = picked.map((i) => this.queue[i] as Queued<I, O>);
    this.queue = this.queue.filter((_, i) => !chosen.has(i));
    this.dispatch(batch);
  }

  private dispatch(batch: Queued<I, O>[]): void {
    this.inFlight++;
    for (const q of batch) this.busy.set(q.key, (this.busy.get(q.key) ?? 0) + 1);
    const settle = (outcomes: O[] | null, err: unknown) => {
      this.inFlight--;
      for (const q of batch) {
        const n = (this.busy.get(q.key) ?? 1) - 1;
        if (n <= 0) this.busy.delete(q.key);
        else this.busy.set(q.key, n);
      }
      if (outcomes) {
        batch.forEach((q, i) => {
          if (q.sub.failed) return;
          q.sub.outcomes[q.index] = outcomes[i] as O;
          if (--q.sub.left === 0) q.sub.resolve(q.sub.outcomes);
        });
      } else this.fail(new Set(batch.map((q) => q.sub)), err);
      this.pump();
    };
    // Through a promise, so that a synchronous throw in `send` is a failed call, not a crash.
    Promise.resolve()
      .then(() => this.opts.send(batch.map((q) => q.item)))
      .then(
        (outcomes) => {
          if (outcomes.length !== batch.length) settle(null, new Error(`a bulk call answered ${outcomes.length} outcomes for ${batch.length} items`));
          else settle(outcomes, undefined);
        },
        (err: unknown) => settle(null, err),
      );
  }

  /** Fails these callers and drops their items still queued: nobody waits for them any more. */
  private fail(subs: Set<Submission<O>>, err: unknown): void {
    for (const sub of subs) {
      if (sub.failed) continue;
      sub.failed = true;
      sub.reject(err);
    }
    this.queue = this.queue.filter((q) => !q.sub.failed);
  }
}
