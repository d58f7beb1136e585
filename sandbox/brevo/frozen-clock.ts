import { SandboxClock } from '../shared/clock';

/**
 * A sandbox clock that only moves when told to, for tests of fixed rate windows: with real time a burst may
 * straddle a window boundary. Starts on a whole hour so hour and second windows begin together.
 */
export class FrozenClock extends SandboxClock {
  private t = Date.UTC(2026, 0, 5, 9, 0, 0);

  override now(): number {
    return this.t;
  }

  override advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`clock can only move forward, got ${ms}`);
    this.t += ms;
  }
}
