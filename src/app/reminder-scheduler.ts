import type { Lease } from './ports.js';

/** A pass of scheduled work; it asks `proceed` before each step and stops when told no (the instance is stopping or lost the lease). */
export type ScheduledPass = (proceed: () => Promise<boolean>) => Promise<void>;

/** What the scheduler needs: the shared lease, this instance's name on it, the interval and the work. */
export interface SchedulerDeps {
  readonly lease: Lease;
  readonly leaseName: string;
  /** This instance's name on the lease (unique per running process). */
  readonly holder: string;
  readonly intervalMs: number;
  readonly pass: ScheduledPass;
  /** Where a failed pass is reported: a timer has nobody else to tell. */
  readonly onError: (error: unknown) => void;
}

/**
 * Runs a pass every interval in one instance among all those sharing the storage: a pass starts
 * only with the lease, which is renewed at each step and kept for the rest of the interval, so no
 * other instance runs the same pass meanwhile; stop() waits for a pass under way.
 */
export class LeasedScheduler {
  private timer?: NodeJS.Timeout;
  private current?: Promise<boolean>;
  private stopping = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Whether a timer is armed for the next pass. */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  /** Arms the timer: the first pass runs one interval from now. */
  start(): void {
    if (!this.stopping && !this.timer) this.arm();
  }

  /** Runs a pass now if this instance gets the lease; true when it ran one, false when another instance holds the lease, a pass is under way here or the scheduler stopped. */
  async runOnce(): Promise<boolean> {
    if (this.stopping || this.current) return false;
    this.current = this.leasedPass();
    try {
      return await this.current;
    } finally {
      this.current = undefined;
    }
  }

  /** Disarms the timer, waits for a pass under way to reach its next step and end, and gives the lease up. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    // The pass's own failure went to whoever started it (runOnce's caller, or onError for the timer).
    if (this.current) await this.current.then(settled, settled);
    try {
      await this.deps.lease.release(this.deps.leaseName, this.deps.holder);
    } catch (error) {
      this.deps.onError(error);
    }
  }

  private async leasedPass(): Promise<boolean> {
    const { lease, leaseName, holder, intervalMs } = this.deps;
    if (!(await lease.acquire(leaseName, holder, intervalMs))) return false;
    await this.deps.pass(async () => !this.stopping && (await lease.renew(leaseName, holder, intervalMs)));
    return true;
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      this.arm();
      this.runOnce().catch(this.deps.onError);
    }, this.deps.intervalMs);
  }
}

function settled(): undefined {
  return undefined;
}
