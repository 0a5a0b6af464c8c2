import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import type { CasStore, StorageBackend } from './cas-store.js';
import { KeyedMutex } from './keyed-mutex.js';

/**
 * A namespace in keyv. keyv has no compare-and-set, so writes to one key are serialized in
 * this process: right for memory and for one process on a SQLite file.
 */
class KeyvCasStore implements CasStore {
  constructor(
    private readonly keyv: Promise<Keyv<string>>,
    private readonly mutex: KeyedMutex,
    private readonly name: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return ((await this.keyv).get(key) as Promise<string | undefined>).then((v) => v ?? undefined);
  }

  compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    return this.mutex.run(`${this.name}:${key}`, async () => {
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
}

/** Memory (tests, `memory:`) or SQLite (`sqlite://path`, the default) behind keyv. */
export class KeyvBackend implements StorageBackend {
  private readonly opened = new Map<string, Promise<Keyv<string>>>();
  private readonly mutex = new KeyedMutex();
  /** SQLite: the journal mode is set once, on the first connection, before any other opens. */
  private journal?: Promise<void>;

  private constructor(
    readonly kind: 'memory' | 'sqlite',
    private readonly file?: string,
    private readonly wal = true,
  ) {}

  /** An in-memory backend: nothing survives the process. */
  static memory(): KeyvBackend {
    return new KeyvBackend('memory');
  }

  /** A SQLite file, created with its folder on first use, in WAL mode (`wal: false` only to measure the difference). */
  static sqlite(file: string, options: { wal?: boolean } = {}): KeyvBackend {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return new KeyvBackend('sqlite', file, options.wal ?? true);
  }

  namespace(name: string): CasStore {
    return new KeyvCasStore(this.open(name), this.mutex, name);
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
    // A namespace that never opened has no connection to close; its failure was reported to its callers.
    await Promise.all(all.map(async (keyv) => (await keyv.catch(() => undefined))?.disconnect()));
  }

  private open(name: string): Promise<Keyv<string>> {
    const existing = this.opened.get(name);
    if (existing) return existing;
    const opened = this.kind === 'memory' ? Promise.resolve(new Keyv<string>({ store: new Map(), namespace: name, throwOnErrors: true })) : this.openSqlite(name);
    // Callers await `opened` and see a failure; this only stops Node from reporting it as unhandled first.
    opened.catch(() => undefined);
    this.opened.set(name, opened);
    return opened;
  }

  /**
   * One connection per namespace: keyv keeps the namespace on the store, so a store cannot be
   * shared. Switching the journal mode needs the file to itself, so it happens once, first.
   */
  private async openSqlite(name: string): Promise<Keyv<string>> {
    this.journal ??= (async () => {
      const first = this.connect();
      await first.query(this.wal ? 'PRAGMA journal_mode=WAL' : 'PRAGMA journal_mode=DELETE');
      await first.close();
    })();
    await this.journal;
    const store = this.connect();
    // WAL with synchronous=NORMAL: about three times the state writes per second of the default journal.
    await store.query(this.wal ? 'PRAGMA synchronous=NORMAL' : 'PRAGMA synchronous=FULL');
    return new Keyv<string>({ store, namespace: name, throwOnErrors: true });
  }

  private connect(): KeyvSqlite {
    return new KeyvSqlite({ uri: `sqlite://${this.file}`, busyTimeout: 5000, iterationLimit: 500 } as never);
  }
}
