import type { CasStore, EntriesOf, IndexedCasStore, IndexedStorageBackend, StorageBackend } from '../../src/storage/cas-store.js';

/** Store operations counted since the process started. */
export interface Operations {
  /** Single-key reads (`get`) and index queries (a page of an index, or its size): one round trip each. */
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
  const indexed = new Map<string, IndexedCasStore>();
  const countIndexed = (store: IndexedCasStore, name: string): IndexedCasStore => {
    const mine = (operations.byNamespace[name] ??= { reads: 0, writes: 0, scans: 0 });
    const read = () => {
      operations.reads++;
      mine.reads++;
    };
    return {
      ...count(store, name),
      scan: (query) => (read(), store.scan(query)),
      count: (index, key, prefix) => (read(), store.count(index, key, prefix)),
      backfill: () => store.backfill(),
      insertMany: (records) => store.insertMany(records),
    };
  };
  const counted: StorageBackend & Partial<IndexedStorageBackend> = {
    kind: backend.kind,
    namespace: (name) => indexed.get(name) ?? count(backend.namespace(name), name),
    ping: () => backend.ping(),
    close: () => backend.close(),
    ...(backend.sendWithThisPass ? { sendWithThisPass: () => backend.sendWithThisPass!() } : {}),
  };
  if ('indexedNamespace' in backend) {
    const inner = backend as IndexedStorageBackend;
    counted.indexedNamespace = (name: string, entriesOf: EntriesOf) => {
      let store = indexed.get(name);
      if (!store) indexed.set(name, (store = countIndexed(inner.indexedNamespace(name, entriesOf), name)));
      return store;
    };
  }
  return { backend: counted, operations };
}
