/**
 * Keeps a steady sender under Brevo's per-second windows. Brevo counts requests per family in
 * one-second windows and reports `x-sib-ratelimit-reset` in whole seconds, so a call that leaves
 * `remaining` at 0 makes the transport hold the whole family for a full second, even when the
 * window was about to end. A sender that starts at most `perSecond` (below the limit) calls in any
 * sliding second never empties a window and never pays that second; the shared rate budget still
 * governs everything else. Per process: several worker processes each keep their own pace.
 */
export const WINDOW_MS = 1000;

/** How long until one more start fits: 0 when fewer than `perSecond` started in the last second. */
export function nextSlotDelay(starts: readonly number[], now: number, perSecond: number, windowMs = WINDOW_MS): number {
  const recent = starts.filter((t) => t > now - windowMs);
  if (recent.length < perSecond) return 0;
  return (recent[recent.length - perSecond] as number) + windowMs - now;
}

export class WindowPacer {
  private starts: number[] = [];

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** Longer than Brevo's second by a margin: a call may reach Brevo later than it started. */
    private readonly windowMs: number = WINDOW_MS,
  ) {
    if (perSecond < 1) throw new Error('a pacer needs at least one start per second');
  }

  /** True when nothing started in the last second: forgetting the pacer loses nothing. */
  idle(): boolean {
    const last = this.starts[this.starts.length - 1];
    return last === undefined || last <= this.now() - this.windowMs;
  }

  /** Calls started in the last second. */
  recentStarts(): number {
    const t = this.now();
    return this.starts.filter((s) => s > t - this.windowMs).length;
  }

  /** Resolves when a call may start, and counts it as started. */
  async slot(): Promise<void> {
    for (;;) {
      const t = this.now();
      this.starts = this.starts.filter((s) => s > t - this.windowMs);
      const wait = nextSlotDelay(this.starts, t, this.perSecond, this.windowMs);
      if (wait <= 0) {
        this.starts.push(t);
        return;
      }
      await this.sleep(Math.ceil(wait));
    }
  }
}

const pacers = new Map<string, WindowPacer>();

/** The process's pacer for one key (an account and family), created on first use; idle ones are swept. */
export function sharedPacer(key: string, perSecond: number, windowMs = WINDOW_MS): WindowPacer {
  let pacer = pacers.get(key);
  if (!pacer) {
    if (pacers.size >= 1_000) for (const [k, p] of pacers) if (p.idle()) pacers.delete(k);
    pacer = new WindowPacer(perSecond, undefined, undefined, windowMs);
    pacers.set(key, pacer);
  }
  return pacer;
}
