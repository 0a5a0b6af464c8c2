/**
 * Rejects with `late()` when `work` has not settled within `ms`; the work is abandoned, not
 * cancelled, so callers use it where waiting longer would hold a request or a turn.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  // The abandoned work's late failure is of no interest to anyone: without this it would be an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
