/**
 * Starts the turns of the requests that arrive together together. A turn asks `next()` once its
 * request is checked; everyone who asked during one pass of the event loop (the requests read in
 * its poll phase) is let go at the end of that pass, in the order they asked.
 *
 * Why: each turn talks to the store a few times and ends with an answer on its socket. Started one
 * by one as each request is read, the turns' store commands go out in a write each, their replies
 * come back one by one, and each answer's write wakes its reader by itself; the kernel's share of
 * a turn (in profiles of the SQLite list turn, the answers' socket writes took 15 µs a turn
 * batched and 60 µs not) and the processor's caches pay for the interleaving. Started together, the turns' commands go
 * out in one write (node-redis writes everything asked before its next pass in one write; SQLite commits the claims
 * of one pass in one transaction), their replies come back together, and the answers leave in a
 * burst. Measured A/B: 2–22 % less CPU per turn (BENCHMARKS.md, round 7). A request waits at most for
 * the others read in the same pass to be checked, tens of microseconds each; alone, it waits for
 * nothing but the end of the pass.
 */
export class TurnBatches {
  private waiting: (() => void)[] | undefined;

  /** Resolves at the end of this pass of the event loop, with every other turn that asked during it. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.waiting) {
        this.waiting = [];
        setImmediate(() => this.release());
      }
      this.waiting.push(resolve);
    });
  }

  private release(): void {
    const batch = this.waiting ?? [];
    // A turn that asks from now on (in this batch's own continuations, say) goes with the next pass.
    this.waiting = undefined;
    for (const go of batch) go();
  }
}
