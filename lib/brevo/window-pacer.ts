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
 * last window. A stamp is a call's start, or its answer (Infinity while it has none) for a pacer
 * that counts calls until they are answered; stamps are in the order the calls started.
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

/** Longer than any Brevo call may take (the transport gives up on one long before). */
const LOST_CALL_MS = 10 * 60_000;

interface Call {
  stamp: number;
  open: boolean;
}

export class WindowPacer {
  private calls: Call[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly windowMs: number = WINDOW_MS,
    /**
     * Count each call until it is answered, and from its answer on: Brevo counted it somewhere
     * between its start and its answer, so a call started a window after an earlier call's answer
     * reaches Brevo a window after that one did, however long either took on the way. Without it
     * a call counts from its start, and the window needs a margin for the way.
     */
    private readonly untilAnswered = false,
  ) {
    if (perSecond < 1) throw new Error('a pacer needs at least one start per second');
  }

  private prune(t: number): void {
    // An open call older than any answer can take was lost by its caller: it no longer counts.
    this.calls = this.calls.filter((c) => (c.open ? c.stamp > t - LOST_CALL_MS : c.stamp > t - this.windowMs));
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
        this.calls.map((c) => (c.open ? Infinity : c.stamp)),
        t,
        this.perSecond,
        this.windowMs,
      );
      if (wait <= 0) {
        const call: Call = { stamp: t, open: this.untilAnswered };
        this.calls.push(call);
        return {
          answered: () => {
            if (!call.open) return;
            call.open = false;
            call.stamp = this.now();
            const woken = this.waiters;
            this.waiters = [];
            for (const w of woken) w();
          },
        };
      }
      if (Number.isFinite(wait)) await this.sleep(Math.ceil(wait));
      // The call to wait for is still out: its answer says when the window frees (a lost one
      // stops counting after LOST_CALL_MS, so the wait is bounded).
      else await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), this.sleep(LOST_CALL_MS)]);
    }
  }
}

const pacers = new Map<string, WindowPacer>();

/** The process's pacer for one key (an account and family), created on first use; idle ones are swept. */
export function sharedPacer(key: string, perSecond: number, opts: { windowMs?: number; untilAnswered?: boolean } = {}): WindowPacer {
  let pacer = pacers.get(key);
  if (!pacer) {
    if (pacers.size >= 1_000) for (const [k, p] of pacers) if (p.idle()) pacers.delete(k);
    pacer = new WindowPacer(perSecond, undefined, undefined, opts.windowMs ?? WINDOW_MS, opts.untilAnswered ?? false);
    pacers.set(key, pacer);
  }
  return pacer;
}
