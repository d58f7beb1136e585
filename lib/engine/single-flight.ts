/**
 * At most one run at a time per key in this process; whoever asks while a run is going gets the
 * one run that starts after it (shared by everyone asking meanwhile), so no request is served by
 * a run that started before it was made, and a burst of N requests costs two runs, not N.
 */
export class TrailingSingleFlight<T> {
  private readonly current = new Map<string, Promise<T>>();
  private readonly next = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.current.get(key);
    if (!running) {
      const p = fn().finally(() => {
        if (this.current.get(key) === p) this.current.delete(key);
      });
      this.current.set(key, p);
      return p;
    }
    const queued = this.next.get(key);
    if (queued) return queued;
    const later = running
      .catch(() => undefined)
      .then(() => {
        this.next.delete(key);
        return this.run(key, fn);
      });
    this.next.set(key, later);
    return later;
  }
}
