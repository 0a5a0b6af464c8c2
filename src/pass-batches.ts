/**
 * Lets go together, at the end of one pass of the event loop, what got ready during it: the turns
 * of the requests read in one poll phase (the web server), the Redis replies read in one (the
 * store). Everything queued during a pass runs at its end (the check phase), in the order it was
 * queued; what is queued while a batch runs goes with the next pass.
 *
 * Why: a turn talks to the store and ends with an answer on its socket. When the turns of one batch
 * each go on as soon as their own part is ready, their work interleaves with reading the next
 * requests and replies, and each answer's write wakes its reader by itself; the kernel's share of a
 * turn (in profiles of the list turn, the answers' socket writes took 15 µs a turn together and
 * 40–60 µs not) and the processor's caches pay for it. Let go together, the turns' commands go out
 * in one write (node-redis writes everything asked in a pass in one write, at the end of that
 * pass when told the turns are coming: RedisBackend.sendWithThisPass; SQLite
 * commits the claims of one pass in one transaction), the turns run to their end one after another,
 * and the answers leave in a burst.
 *
 * Measured A/B (BENCHMARKS.md): turns started together, 2–22 % less CPU per turn (round 7); Redis
 * replies let go together, 6–19 % less on the list turn and 9 % on Approve (round 8). What waits,
 * waits at most for the rest of its pass: tens of microseconds a request or a reply.
 */
export class PassBatches {
  private waiting: (() => void)[] | undefined;

  /** Runs `go` at the end of this pass of the event loop, after everything queued before it in the pass. */
  later(go: () => void): void {
    if (!this.waiting) {
      this.waiting = [];
      setImmediate(() => this.release());
    }
    this.waiting.push(go);
  }

  /** Resolves at the end of this pass of the event loop, with everything else queued during it. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => this.later(resolve));
  }

  private release(): void {
    const batch = this.waiting ?? [];
    // What is queued from now on (by this batch's own continuations, say) goes with the next pass.
    this.waiting = undefined;
    for (const go of batch) go();
  }
}
