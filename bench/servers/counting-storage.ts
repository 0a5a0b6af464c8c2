import type { CasStore, StorageBackend } from '../../src/storage/cas-store.js';

/** Store operations counted since the process started. */
export interface Operations {
  /** Single-key reads (`get`). */
  reads: number;
  /** Compare-and-set writes (each also reads the current value inside the backend). */
  writes: number;
  /** Whole-namespace listings (`entries`): one per listing, however many rows it yields. */
  scans: number;
  /** The same counts by namespace, `namespace:reads/writes/scans`. */
  byNamespace: Record<string, { reads: number; writes: number; scans: number }>;
}

/**
 * Wraps a storage backend so that every namespace counts its reads, writes and listings.
 * Only the benchmark's assistant server uses it; the assistant itself never sees the counts.
 */
export function countingStorage(backend: StorageBackend): { backend: StorageBackend; operations: Operations } {
  const operations: Operations = { reads: 0, writes: 0, scans: 0, byNamespace: {} };
  const count = (store: CasStore, name: string): CasStore => {
    const mine = (operations.byNamespace[name] ??= { reads: 0, writes: 0, scans: 0 });
    return {
      get: (key) => {
        operations.reads++;
        mine.reads++;
        return store.get(key);
      },
      compareAndSet: (key, expected, next) => {
        operations.writes++;
        mine.writes++;
        return store.compareAndSet(key, expected, next);
      },
      entries: () => {
        operations.scans++;
        mine.scans++;
        return store.entries();
      },
    };
  };
  const counted: StorageBackend = {
    kind: backend.kind,
    namespace: (name) => count(backend.namespace(name), name),
    ping: () => backend.ping(),
    close: () => backend.close(),
  };
  return { backend: counted, operations };
}
