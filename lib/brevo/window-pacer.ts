/**
 * Keeps a steady sender under Brevo's per-second windows. Brevo counts requests per family in
 * one-second windows and reports `x-sib-ratelimit-reset` in whole seconds, so a call that leaves
 * `remaining` at 0 makes the transport hold the whole family for a full second, even when the
 * window was about to end. A sender that starts at most `perSecond` (below the limit) calls in any
 * sliding second never empties a window and never pays that second; the shared rate budget still
 * governs everything else. Per process: several worker processes each keep their own pace.
 */
export const WINDOW_MS = 1000;

/**
 * How long until one more start fits: 0 when fewer than `perSecond` calls are stamped within the
 * last window, else until the earliest of them leaves it. Stamps need not be in order.
 */
export function nextSlotDelay(stamps: readonly number[], now: number, perSecond: number, windowMs = WINDOW_MS): number {
  const recent = stamps.filter((t) => t > now - windowMs).sort((a, b) => a - b);
  if (recent.length < perSecond) return 0;
  return (recent[recent.length - perSecond] as number) + windowMs - now;
}

/** A started call; `answered` is called once its answer (or failure) arrives. */
export interface PacedCall {
  answered(): void;
}

export class WindowPacer {
  /** When each call counts from (see `arrivalMarginMs`), in start order. */
  private calls: { at: number }[] = [];

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly windowMs: number = WINDOW_MS,
    /**
     * With a margin, a call counts from when Brevo has surely counted it: its answer, or at the
     * latest this long after its start (the way there). A quick answer, the usual case, then lets
     * the next call go sooner than a margin taken on every call; a slow one (Brevo counts on
     * arrival, long before it answers a big request) costs no more than the margin. Without it,
     * a call counts from its start and the window must include the way.
     */
    private readonly arrivalMarginMs = 0,
  ) {
    if (perSecond < 1) throw new Error('a pacer needs at least one start per second');
  }

  private prune(t: number): void {
    this.calls = this.calls.filter((c) => c.at > t - this.windowMs);
  }

  /** True when no call is counted any more: forgetting the pacer loses nothing. */
  idle(): boolean {
    this.prune(this.now());
    return this.calls.length === 0;
  }

  /** Calls counted in the current window (for the transport: those this process's answers explain). */
  recentStarts(): number {
    this.prune(this.now());
    return this.calls.length;
  }

  /** Resolves when a call may start, and counts it as started. */
  async slot(): Promise<PacedCall> {
    for (;;) {
      const t = this.now();
      this.prune(t);
      const wait = nextSlotDelay(
        this.calls.map((c) => c.at),
        t,
        this.perSecond,
        this.windowMs,
      );
      if (wait <= 0) {
        const call = { at: t + this.arrivalMarginMs };
        this.calls.push(call);
        return {
          answered: () => {
            call.at = Math.min(call.at, this.now());
          },
        };
      }
      await this.sleep(Math.ceil(wait));
    }
  }
}

const pacers = new Map<string, WindowPacer>();

/** The process's pacer for one key (an account and family), created on first use; idle ones are swept. */
export function sharedPacer(key: string, perSecond: number, opts: { windowMs?: number; arrivalMarginMs?: number } = {}): WindowPacer {
  let pacer = pacers.get(key);
  if (!pacer) {
    if (pacers.size >= 1_000) for (const [k, p] of pacers) if (p.idle()) pacers.delete(k);
    pacer = new WindowPacer(perSecond, undefined, undefined, opts.windowMs ?? WINDOW_MS, opts.arrivalMarginMs ?? 0);
    pacers.set(key, pacer);
  }
  return pacer;
}
