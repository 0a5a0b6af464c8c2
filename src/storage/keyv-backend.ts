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
  private readonly keyv: Keyv<string>;
  private readonly ready: Promise<void>;

  constructor(
    opened: Opened,
    private readonly mutex: KeyedMutex,
    private readonly name: string,
  ) {
    this.keyv = opened.keyv;
    this.ready = opened.ready;
  }

  async get(key: string): Promise<string | undefined> {
    await this.ready;
    return (await this.keyv.get(key)) ?? undefined;
  }

  compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    return this.mutex.run(`${this.name}:${key}`, async () => {
      const current = await this.get(key);
      if (current !== expected) return false;
      if (next === undefined) await this.keyv.delete(key);
      else await this.keyv.set(key, next);
      return true;
    });
  }

  async *entries(): AsyncIterable<[string, string]> {
    await this.ready;
    if (!this.keyv.iterator) throw new Error(`Storage namespace ${this.name} cannot be listed`);
    for await (const [key, value] of this.keyv.iterator(undefined)) {
      if (typeof value === 'string') yield [String(key), value];
    }
  }
}

type Opened = { keyv: Keyv<string>; ready: Promise<void> };

/** Memory (tests, `memory:`) or SQLite (`sqlite://path`, the default) behind keyv. */
export class KeyvBackend implements StorageBackend {
  private readonly opened = new Map<string, Opened>();
  private readonly mutex = new KeyedMutex();

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
    await Promise.all(all.map(async ({ keyv }) => keyv.disconnect()));
  }

  private open(name: string): Opened {
    const existing = this.opened.get(name);
    if (existing) return existing;
    let opened: Opened;
    if (this.kind === 'memory') {
      opened = { keyv: new Keyv<string>({ store: new Map(), namespace: name, throwOnErrors: true }), ready: Promise.resolve() };
    } else {
      // One connection per namespace: keyv keeps the namespace on the store, so a store cannot be shared.
      const store = new KeyvSqlite({ uri: `sqlite://${this.file}`, busyTimeout: 5000, iterationLimit: 500 } as never);
      const keyv = new Keyv<string>({ store, namespace: name, throwOnErrors: true });
      // Every operation waits for the tuning, so a database that cannot be opened fails each call.
      const ready = tune(store, this.wal);
      // Callers await `ready` and see the failure; this only stops Node from reporting it as unhandled first.
      ready.catch(() => undefined);
      opened = { keyv, ready };
    }
    this.opened.set(name, opened);
    return opened;
  }
}

/** WAL with synchronous=NORMAL: about three times the state writes per second of the default journal. */
async function tune(store: KeyvSqlite, wal: boolean): Promise<void> {
  await store.query(wal ? 'PRAGMA journal_mode=WAL' : 'PRAGMA journal_mode=DELETE');
  await store.query(wal ? 'PRAGMA synchronous=NORMAL' : 'PRAGMA synchronous=FULL');
}
