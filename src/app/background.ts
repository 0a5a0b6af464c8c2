/** Work that follows a user's action but must not hold up the answer (notifications, card updates). */
export interface BackgroundTasks {
  /** Starts `work` now; its failure is reported, never thrown at the caller. */
  run(name: string, work: () => Promise<void>): void;
}

/** Background tasks tracked so a shutdown (and a test) can wait for them. */
export class TrackedTasks implements BackgroundTasks {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onError: (name: string, error: unknown) => void) {}

  run(name: string, work: () => Promise<void>): void {
    const task = work().catch((error: unknown) => this.onError(name, error));
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  /** Resolves when every task started so far has finished. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
