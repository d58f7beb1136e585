/**
 * Runs tasks with at most `concurrency` at once, the rest waiting in arrival order; past
 * `maxQueued` waiting tasks an offer is refused (the caller knows another path covers it).
 */
export class BoundedRunner<T> {
  private readonly waiting: T[] = [];
  private readonly active = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
    private readonly run: (task: T) => Promise<void>,
  ) {
    if (concurrency < 1) throw new Error('a runner needs room for at least one task');
  }

  /** False when the task was refused: the runner is stopped or `maxQueued` tasks already wait. */
  offer(task: T): boolean {
    if (this.stopped || this.waiting.length >= this.maxQueued) return false;
    this.waiting.push(task);
    this.pump();
    return true;
  }

  get size(): { active: number; waiting: number } {
    return { active: this.active.size, waiting: this.waiting.length };
  }

  /** Drops what has not started and waits for what has. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.length = 0;
    await Promise.allSettled([...this.active]);
  }

  private pump(): void {
    while (!this.stopped && this.active.size < this.concurrency && this.waiting.length > 0) {
      const task = this.waiting.shift() as T;
      // `run` is expected to handle its own errors; a rejection still frees the slot.
      const p: Promise<void> = Promise.resolve()
        .then(() => this.run(task))
        .catch(() => undefined)
        .finally(() => {
          this.active.delete(p);
          this.pump();
        });
      this.active.add(p);
    }
  }
}
