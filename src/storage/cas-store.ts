/**
 * The one primitive every backend provides: raw string values under keys, written only when
 * the current value is the expected one. Versioned records and botbuilder eTags build on it.
 */
export interface CasStore {
  get(key: string): Promise<string | undefined>;
  /** Replaces the value when the current one equals `expected` (undefined: absent); `next` undefined deletes. */
  compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean>;
  /** Every key and value in this store. */
  entries(): AsyncIterable<[string, string]>;
}

/** A set of namespaced stores over one database, with a readiness probe. */
export interface StorageBackend {
  /** The backend's kind, for logs and /readyz. */
  readonly kind: 'memory' | 'sqlite' | 'redis';
  namespace(name: string): CasStore;
  /** Resolves when the database answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
