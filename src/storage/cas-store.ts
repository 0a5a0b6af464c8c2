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
  /** See StorageHealth.sendWithThisPass (app/ports.ts): only a backend whose client writes at the end of a pass has it. */
  sendWithThisPass?(): void;
}

/** An entry of a record (the store's key) in a secondary index of its namespace. */
export interface IndexRef {
  readonly index: string;
  readonly key: string;
  readonly sort: string;
}

/** Where an index scan starts and which way it goes. */
export interface IndexScan {
  readonly index: string;
  readonly key: string;
  /** Exclusive: entries strictly after this (sort, id) in the scan's direction. */
  readonly from?: readonly [sort: string, id: string];
  readonly descending: boolean;
  /** Only entries whose sort key starts with this. */
  readonly prefix?: string;
  readonly limit: number;
}

/** An index entry found by a scan, with the record's raw value (undefined when the record is gone). */
export interface IndexHit {
  readonly sort: string;
  readonly id: string;
  readonly raw: string | undefined;
}

/** The index entries of a stored value (a value it cannot read has none). */
export type EntriesOf = (raw: string) => readonly IndexRef[];

/**
 * A namespace whose records have secondary index entries written in the same atomic step as the
 * record: every compareAndSet, whoever calls it, removes the entries of the value it replaces and
 * adds those of the new one, and one that loses writes neither the record nor its entries.
 */
export interface IndexedCasStore extends CasStore {
  scan(query: IndexScan): Promise<IndexHit[]>;
  /** Entries under a key (with `prefix`: distinct records whose sort key starts with it). */
  count(index: string, key: string, prefix?: string): Promise<number>;
  /**
   * Adds the entries of every record already stored (written before its indexes existed): each
   * record's entries are computed from its value as stored at that moment, in the same atomic step
   * that adds them, so a concurrent writer never leaves a stale entry. Safe to run twice, and in
   * two processes at once.
   */
  backfill(): Promise<void>;
  /** Writes records that do not exist yet, with their entries, in large batches (seeding a benchmark); a key that exists is left as it is. */
  insertMany(records: readonly { readonly key: string; readonly value: string }[]): Promise<void>;
}

/** A backend that can open namespaces with secondary indexes. */
export interface IndexedStorageBackend extends StorageBackend {
  /** The namespace `name` with the entries `entriesOf` gives each value; namespace(name) returns the same store from then on. */
  indexedNamespace(name: string, entriesOf: EntriesOf): IndexedCasStore;
}

/** Writes (or, with undefined, removes) a value whatever it was, retrying while other writers change it. */
export async function overwrite(store: CasStore, key: string, next: string | undefined): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const raw = await store.get(key);
    if (raw === next || (await store.compareAndSet(key, raw, next))) return;
  }
  throw new Error(`${key} kept changing under 8 attempts to write it`);
}

/**
 * A sweep of expired entries started from ordinary calls at most once per period, one at a time;
 * a failed sweep leaves its work to the next one, which is harmless.
 */
export class PeriodicSweep {
  private last: number;
  private running?: Promise<void>;

  constructor(
    private readonly sweep: () => Promise<void>,
    private readonly everyMs: number,
    private readonly now: () => number,
  ) {
    this.last = now();
  }

  /** Starts a sweep in the background when the period has passed since the last one. */
  due(): void {
    if (this.now() - this.last < this.everyMs) return;
    this.last = this.now();
    this.running ??= this.sweep()
      .catch(() => undefined)
      .finally(() => (this.running = undefined));
  }
}
