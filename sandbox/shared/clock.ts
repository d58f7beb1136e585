/**
 * A clock that tests can move forward. Sandboxes read time only through it, so token expiry,
 * rate windows, webhook retries and bans can be exercised without waiting.
 */
export class SandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`clock can only move forward, got ${ms}`);
    this.offsetMs += ms;
  }
}
