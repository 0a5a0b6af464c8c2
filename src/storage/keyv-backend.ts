import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import type { CasStore, StorageBackend } from './cas-store.js';
import { KeyedMutex } from './keyed-mutex.js';

/**
 * A namespace in keyv's memory store. A Map lives in one process, so serializing the writes to
 * one key in this process is all compare-and-set needs.
 */
class KeyvCasStore implements CasStore {
  constructor(
    private readonly keyv: Promise<Keyv<string>>,
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

/** A namespace's keyv and, on SQLite, the adapter under it, whose connection runs the conditional writes. */
interface OpenNamespace {
  readonly keyv: Keyv<string>;
  readonly store?: KeyvSqlite;
}
type SqliteNamespace = Required<OpenNamespace>;

/**
 * A namespace in a SQLite file that several processes may open at once. Reads go through keyv;
 * a write is one conditional statement on the adapter's own connection (`UPDATE … WHERE value = ?`,
 * `INSERT … ON CONFLICT DO NOTHING`, `DELETE … WHERE value = ?`), so SQLite itself decides which
 * of two processes wins. A get-then-set, even under a lock in this process, let both win.
 */
class SqliteCasStore extends KeyvCasStore {
  constructor(
    private readonly sqlite: Promise<SqliteNamespace>,
    mutex: KeyedMutex,
    name: string,
  ) {
    super(sqlite.then((s) => s.keyv), mutex, name);
  }

  override async compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    const { keyv, store } = await this.sqlite;
    // The row key and value exactly as keyv writes and reads them: `<namespace>:<key>` and `{"value":…}`.
    const row = keyv._getKeyPrefix(key);
    const table = store.opts.table!;
    // The in-process lock still helps: writers in this process queue here instead of failing at SQLite.
    return this.inProcess(key, async () => {
      const [found] = (await store.query(`SELECT value FROM ${table} WHERE key = ?`, row)) as { value: string }[];
      const current = found === undefined ? undefined : (await keyv.deserializeData<string>(found.value))?.value;
      if ((current ?? undefined) !== expected) return false;
      if (found === undefined && next === undefined) return true;
      const written = next === undefined ? undefined : ((await keyv.serializeData({ value: next })) as string);
      // Each statement names the row as it was read, and RETURNING says whether it still was.
      const changed = (
        found === undefined
          ? await store.query(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING RETURNING key`, row, written)
          : written === undefined
            ? await store.query(`DELETE FROM ${table} WHERE key = ? AND value = ? RETURNING key`, row, found.value)
            : await store.query(`UPDATE ${table} SET value = ? WHERE key = ? AND value = ? RETURNING key`, written, row, found.value)
      ) as unknown[];
      return changed.length === 1;
    });
  }
}

/** Memory (tests, `memory:`) or SQLite (`sqlite://path`, the default) behind keyv. */
export class KeyvBackend implements StorageBackend {
  private readonly opened = new Map<string, Promise<OpenNamespace>>();
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

  /**
   * A SQLite file, created with its folder on first use, in WAL mode (`wal: false` only to measure
   * the difference). Several processes on one machine may open the same file. The folder is made
   * 0700 and the file 0600 (SQLite gives its `-wal` and `-shm` the file's mode).
   */
  static sqlite(file: string, options: { wal?: boolean } = {}): KeyvBackend {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    return new KeyvBackend('sqlite', file, options.wal ?? true);
  }

  namespace(name: string): CasStore {
    const opened = this.open(name);
    return this.kind === 'sqlite'
      ? new SqliteCasStore(opened as Promise<SqliteNamespace>, this.mutex, name)
      : new KeyvCasStore(opened.then((o) => o.keyv), this.mutex, name);
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
    await Promise.all(all.map(async (opened) => (await opened.catch(() => undefined))?.keyv.disconnect()));
  }

  private open(name: string): Promise<OpenNamespace> {
    const existing = this.opened.get(name);
    if (existing) return existing;
    const opened: Promise<OpenNamespace> = this.kind === 'memory' ? Promise.resolve({ keyv: new Keyv<string>({ store: new Map(), namespace: name, throwOnErrors: true }) }) : this.openSqlite(name);
    // Callers await `opened` and see a failure; this only stops Node from reporting it as unhandled first.
    opened.catch(() => undefined);
    this.opened.set(name, opened);
    return opened;
  }

  /**
   * One connection per namespace: keyv keeps the namespace on the store, so a store cannot be
   * shared. Switching the journal mode needs the file to itself, so it happens once, first.
   */
  private async openSqlite(name: string): Promise<SqliteNamespace> {
    this.journal ??= (async () => {
      if (this.file !== ':memory:') for (const file of [this.file!, `${this.file}-wal`, `${this.file}-shm`]) privateFile(file, file === this.file);
      const first = this.connect();
      // SQLite answers SQLITE_BUSY at once, without waiting, when another process opens the same
      // new file at the same moment: the switch is tried again for as long as a busy wait lasts.
      await whileBusy(() => first.query(this.wal ? 'PRAGMA journal_mode=WAL' : 'PRAGMA journal_mode=DELETE'));
      await first.close();
    })();
    await this.journal;
    const store = this.connect();
    // WAL with synchronous=NORMAL: about three times the state writes per second of the default journal.
    await whileBusy(() => store.query(this.wal ? 'PRAGMA synchronous=NORMAL' : 'PRAGMA synchronous=FULL'));
    return { keyv: new Keyv<string>({ store, namespace: name, throwOnErrors: true }), store };
  }

  /**
   * busyTimeout: a connection that finds the file locked by another process (or another
   * namespace's connection) waits up to this long for it, instead of failing with SQLITE_BUSY.
   */
  private connect(): KeyvSqlite {
    return new KeyvSqlite({ uri: `sqlite://${this.file}`, busyTimeout: SQLITE_BUSY_TIMEOUT_MS, iterationLimit: 500 });
  }
}

/** How long a SQLite write waits for a lock held by another connection or process. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Narrows `file` to 0600 if it is ours and wider; `create`: first creates it empty with 0600 if absent. */
function privateFile(file: string, create: boolean): void {
  if (create) closeSync(openSync(file, 'a', 0o600));
  else if (!existsSync(file)) return;
  const { mode, uid } = statSync(file);
  if ((mode & 0o077) !== 0 && uid === process.getuid?.()) chmodSync(file, 0o600);
}

/** Runs `work` again while SQLite says the file is busy, for at most the busy timeout; any other failure is thrown at once. */
async function whileBusy<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      return await work();
    } catch (error) {
      const busy = /SQLITE_BUSY|database is locked/.test(String((error as Error)?.message ?? error));
      if (!busy || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
