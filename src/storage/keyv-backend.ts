import Keyv from 'keyv';
import type { CasStore, EntriesOf, IndexedCasStore, IndexedStorageBackend, IndexHit, IndexRef, IndexScan } from './cas-store.js';
import { KeyedMutex } from './keyed-mutex.js';
import { entryChanges, MemoryIndex, safeEntries, withValues } from './index-support.js';
import { SqliteBackend } from './sqlite-backend.js';

export { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-backend.js';

/**
 * A namespace in keyv's memory store. A Map lives in one process, so serializing the writes to
 * one key in this process is all compare-and-set needs.
 */
class KeyvCasStore implements CasStore {
  constructor(
    protected readonly keyv: Promise<Keyv<string>>,
    private readonly mutex: KeyedMutex,
    protected readonly name: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return ((await this.keyv).get(key) as Promise<string | undefined>).then((v) => v ?? undefined);
  }

  compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    return this.inProcess(key, async () => {
      const current = await this.get(key);
      if (current !== expected) return false;
      const keyv = await this.keyv;
      if (next === undefined) await keyv.delete(key);
      else await keyv.set(key, next);
      return true;
    });
  }

  async *entries(): AsyncIterable<[string, string]> {
    const keyv = await this.keyv;
    if (!keyv.iterator) throw new Error(`Storage namespace ${this.name} cannot be listed`);
    for await (const [key, value] of keyv.iterator(undefined)) {
      if (typeof value === 'string') yield [String(key), value];
    }
  }

  /** Runs `work` after every earlier write to `key` in this process has settled. */
  protected inProcess<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(`${this.name}:${key}`, work);
  }
}

/** A memory namespace with secondary indexes: sorted arrays beside the Map, changed under the same per-key lock as the record. */
class MemoryIndexedStore extends KeyvCasStore implements IndexedCasStore {
  private readonly index = new MemoryIndex();

  constructor(
    keyv: Promise<Keyv<string>>,
    mutex: KeyedMutex,
    name: string,
    private readonly entriesOf: EntriesOf,
  ) {
    super(keyv, mutex, name);
  }

  override compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    const { remove, add } = entryChanges(this.entriesOf, expected, next);
    return this.compareAndSetIndexed(key, expected, next, remove, add);
  }

  private compareAndSetIndexed(key: string, expected: string | undefined, next: string | undefined, remove: readonly IndexRef[], add: readonly IndexRef[]): Promise<boolean> {
    return this.inProcess(key, async () => {
      if ((await this.get(key)) !== expected) return false;
      const keyv = await this.keyv;
      // The entries change once the value is written (a Map's write does not fail); a reader in
      // between sees an entry of the old value, which the record store checks against the value and skips.
      if (next === undefined) await keyv.delete(key);
      else await keyv.set(key, next);
      this.index.apply(key, remove, add);
      return true;
    });
  }

  async scan(query: IndexScan): Promise<IndexHit[]> {
    return withValues(this.index.scan(query), (ids) => Promise.all(ids.map((id) => this.get(id))));
  }

  async count(index: string, key: string, prefix?: string): Promise<number> {
    return this.index.count(index, key, prefix);
  }

  async backfill(): Promise<void> {
    for await (const [key] of this.entries()) {
      await this.inProcess(key, async () => {
        const raw = await this.get(key);
        if (raw !== undefined) this.index.apply(key, [], safeEntries(this.entriesOf, raw));
      });
    }
  }

  async insertMany(records: readonly { readonly key: string; readonly value: string }[]): Promise<void> {
    for (const record of records) await this.compareAndSet(record.key, undefined, record.value);
  }
}

/**
 * Memory (tests, `memory:`) behind keyv. SQLite (`sqlite://path`, the default) is SqliteBackend,
 * on better-sqlite3; `KeyvBackend.sqlite` opens it.
 */
export class KeyvBackend implements IndexedStorageBackend {
  readonly kind = 'memory' as const;
  private readonly opened = new Map<string, Keyv<string>>();
  private readonly mutex = new KeyedMutex();
  private readonly indexedNamespaces = new Map<string, IndexedCasStore>();

  private constructor() {}

  /** An in-memory backend: nothing survives the process. */
  static memory(): KeyvBackend {
    return new KeyvBackend();
  }

  /**
   * A SQLite file, created with its folder on first use, in WAL mode (`wal: false` only to measure
   * the difference). Several processes on one machine may open the same file. The folder is made
   * 0700 and the file 0600 (SQLite gives its `-wal` and `-shm` the file's mode).
   */
  static sqlite(file: string, options: { wal?: boolean } = {}): SqliteBackend {
    return SqliteBackend.open(file, options);
  }

  namespace(name: string): CasStore {
    return this.indexedNamespaces.get(name) ?? new KeyvCasStore(Promise.resolve(this.open(name)), this.mutex, name);
  }

  /** A namespace whose records have secondary indexes (sorted arrays in memory); the same object for the same name. */
  indexedNamespace(name: string, entriesOf: EntriesOf): IndexedCasStore {
    let store = this.indexedNamespaces.get(name);
    if (!store) {
      store = new MemoryIndexedStore(Promise.resolve(this.open(name)), this.mutex, name, entriesOf);
      this.indexedNamespaces.set(name, store);
    }
    return store;
  }

  async ping(): Promise<void> {
    const meta = this.namespace('__meta');
    const stamp = new Date().toISOString();
    await meta.compareAndSet('ping', await meta.get('ping'), stamp);
    if ((await meta.get('ping')) !== stamp) throw new Error('the store did not keep a value it was given');
  }

  async close(): Promise<void> {
    const all = [...this.opened.values()];
    this.opened.clear();
    this.indexedNamespaces.clear();
    await Promise.all(all.map((keyv) => keyv.disconnect()));
  }

  private open(name: string): Keyv<string> {
    let keyv = this.opened.get(name);
    if (!keyv) this.opened.set(name, (keyv = new Keyv<string>({ store: new Map(), namespace: name, throwOnErrors: true })));
    return keyv;
  }
}
