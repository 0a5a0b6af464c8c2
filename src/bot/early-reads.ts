import type { TurnContext } from 'botbuilder';

/** Where a turn's early reads live in its context. */
const EARLY_READS = Symbol('earlyReads');

/**
 * Reads a turn starts before it knows it will make them: together with its first round trip to
 * the store (the delivery claim and the state), instead of one round trip later. On Redis a list
 * turn then waits for the store once instead of twice, which halves the CPU it costs (BENCHMARKS.md,
 * round 8).
 *
 * A feature says which reads a command or a card action will make (`Command.readAhead`,
 * `Feature.readAhead`); the bot starts them as the turn starts, for the proven user; the handler
 * then asks for the same read by the same key (`Turn.early`) and gets the one already under way.
 *
 * Only reads go early: nothing here may change a record, send or show anything. (A read may join
 * the caller to their own organization on first sight, as any of their turns does.) A read started
 * for a turn that does not use it (a redelivery, a command that turned out to mean something else)
 * is dropped, and its failure with it; a read that is used fails the turn as if it were made then.
 * Each read is taken once: a second ask for the same key (after the turn changed something) reads
 * again.
 */
export class EarlyReads {
  private readonly started = new Map<string, Promise<unknown>>();

  /** `ready` resolves once every read the turn starts early has been started. */
  private constructor(private readonly ready: Promise<void>) {}

  /**
   * Starts the early reads of a turn: `start` is given the reads and runs once `who` is known (the
   * proven user, whom every key names). Kept in the turn's context for `take`.
   */
  static begin<A>(context: TurnContext, who: Promise<A | undefined>, start: (early: EarlyReads, actor: A) => void): void {
    // `who` settles after this returns (a then-callback never runs at once), so `early` is set by then.
    const early: EarlyReads = new EarlyReads(
      who.then(
        (actor) => {
          if (actor !== undefined) start(early, actor);
        },
        () => undefined,
      ),
    );
    context.turnState.set(EARLY_READS, early);
  }

  /** Starts `read` under `key`, unless a read under that key is under way already. */
  start(key: string, read: () => Promise<unknown>): void {
    if (this.started.has(key)) return;
    let running: Promise<unknown>;
    try {
      running = read();
    } catch (error) {
      running = Promise.reject(error);
    }
    // Dropped unless a handler takes it; a handler that takes it meets its failure then.
    running.catch(() => undefined);
    this.started.set(key, running);
  }

  /** The read started early under `key` in this turn (once), or `read` made now. */
  static async take<T>(context: TurnContext, key: string, read: () => Promise<T>): Promise<T> {
    const early = context.turnState.get<EarlyReads | undefined>(EARLY_READS);
    if (!early) return read();
    await early.ready;
    const running = early.started.get(key);
    if (!running) return read();
    early.started.delete(key);
    return running as Promise<T>;
  }
}
