import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Database, Statement } from 'sqlite3';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import type { CasStore, EntriesOf, IndexedCasStore, IndexedStorageBackend, IndexHit, IndexRef, IndexScan } from './cas-store.js';
import { KeyedMutex } from './keyed-mutex.js';
import { cleanSort, entryChanges, MemoryIndex, safeEntries, withValues } from './index-support.js';

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
    protected readonly writer: Writer,
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
    // One write of this process at a time (see Writer): a write waiting for the file's lock must not
    // hold a worker thread the lock's holder in this process needs to finish its transaction.
    return this.inProcess(key, () => this.writer.exclusive(async () => {
      const written = next === undefined ? undefined : ((await keyv.serializeData({ value: next })) as string);
      // The usual case in one statement: the row as this store would have written the expected
      // value (or no row). When the statement changes nothing, the row is read and compared below,
      // since it may hold the expected value serialized otherwise.
      if (expected !== undefined || written !== undefined) {
        const stored = expected === undefined ? undefined : ((await keyv.serializeData({ value: expected })) as string);
        const direct = (
          stored === undefined
            ? await store.query(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING RETURNING key`, row, written)
            : written === undefined
              ? await store.query(`DELETE FROM ${table} WHERE key = ? AND value = ? RETURNING key`, row, stored)
              : await store.query(`UPDATE ${table} SET value = ? WHERE key = ? AND value = ? RETURNING key`, written, row, stored)
        ) as unknown[];
        if (direct.length === 1) return true;
      }
      const [found] = (await store.query(`SELECT value FROM ${table} WHERE key = ?`, row)) as { value: string }[];
      const current = found === undefined ? undefined : (await keyv.deserializeData<string>(found.value))?.value;
      if ((current ?? undefined) !== expected) return false;
      if (found === undefined && next === undefined) return true;
      // Each statement names the row as it was read, and RETURNING says whether it still was.
      const changed = (
        found === undefined
          ? await store.query(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING RETURNING key`, row, written)
          : written === undefined
            ? await store.query(`DELETE FROM ${table} WHERE key = ? AND value = ? RETURNING key`, row, found.value)
            : await store.query(`UPDATE ${table} SET value = ? WHERE key = ? AND value = ? RETURNING key`, written, row, found.value)
      ) as unknown[];
      return changed.length === 1;
    }));
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

type Query = (sql: string, ...params: unknown[]) => Promise<unknown[]>;

/** Largest number of rows one multi-row statement carries (SQLite allows 32766 parameters). */
const ROWS_PER_STATEMENT = 1000;

/**
 * A SQLite namespace with secondary indexes in the table `record_index` (one row per entry:
 * namespace, index, key, sort, record id) and their sizes in `record_index_count`. A write is one
 * `BEGIN IMMEDIATE` transaction on the backend's writer connection: read the row, compare, write
 * the row and its index rows, commit; so a writer that loses writes neither, and readers (on the
 * namespace's own connection) see both or neither.
 */
class SqliteIndexedStore extends SqliteCasStore implements IndexedCasStore {
  constructor(
    private readonly opened: Promise<SqliteNamespace>,
    writer: Writer,
    mutex: KeyedMutex,
    name: string,
    private readonly entriesOf: EntriesOf,
  ) {
    super(opened, writer, mutex, name);
  }

  override compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    const { remove, add } = entryChanges(this.entriesOf, expected, next);
    return this.compareAndSetIndexed(key, expected, next, remove, add);
  }

  private async compareAndSetIndexed(key: string, expected: string | undefined, next: string | undefined, remove: readonly IndexRef[], add: readonly IndexRef[]): Promise<boolean> {
    // A change that moves no entry (most updates) is the plain conditional statement, without a transaction.
    if (!remove.length && !add.length) return super.compareAndSet(key, expected, next);
    const { keyv, store } = await this.opened;
    const row = keyv._getKeyPrefix(key);
    const table = store.opts.table!;
    const written = next === undefined ? undefined : ((await keyv.serializeData({ value: next })) as string);
    return this.writer.transaction(async (query) => {
      const [found] = (await query(`SELECT value FROM ${table} WHERE key = ?`, row)) as { value: string }[];
      const current = found === undefined ? undefined : (await keyv.deserializeData<string>(found.value))?.value;
      if ((current ?? undefined) !== expected) return false;
      if (found === undefined && written === undefined) return true;
      if (written === undefined) await query(`DELETE FROM ${table} WHERE key = ?`, row);
      else if (found === undefined) await query(`INSERT INTO ${table} (key, value) VALUES (?, ?)`, row, written);
      else await query(`UPDATE ${table} SET value = ? WHERE key = ?`, written, row);
      await this.changeEntries(query, key, remove, add);
      return true;
    });
  }

  async scan(q: IndexScan): Promise<IndexHit[]> {
    const { keyv, store } = await this.opened;
    const table = store.opts.table!;
    const where = ['i.ns = ?', 'i.idx = ?', 'i.key = ?'];
    const params: unknown[] = [keyv._getKeyPrefix(''), this.name, q.index, q.key];
    if (q.from) {
      where.push(q.descending ? '(i.sort, i.id) < (?, ?)' : '(i.sort, i.id) > (?, ?)');
      params.push(cleanSort(q.from[0]), q.from[1]);
    }
    if (q.prefix) {
      where.push('i.sort >= ?', 'i.sort < ?');
      params.push(cleanSort(q.prefix), `${cleanSort(q.prefix)}\u{10FFFF}`);
    }
    const order = q.descending ? 'DESC' : 'ASC';
    const rows = (await store.query(
      `SELECT i.sort AS sort, i.id AS id, k.value AS value FROM record_index i LEFT JOIN ${table} k ON k.key = ? || i.id WHERE ${where.join(' AND ')} ORDER BY i.sort ${order}, i.id ${order} LIMIT ?`,
      ...params,
      q.limit,
    )) as { sort: string; id: string; value: string | null }[];
    const hits: IndexHit[] = [];
    for (const r of rows) hits.push({ sort: r.sort, id: r.id, raw: r.value === null ? undefined : ((await keyv.deserializeData<string>(r.value))?.value ?? undefined) });
    return hits;
  }

  async count(index: string, key: string, prefix?: string): Promise<number> {
    const { store } = await this.opened;
    if (prefix) {
      const [row] = (await store.query(
        'SELECT COUNT(DISTINCT id) AS n FROM record_index WHERE ns = ? AND idx = ? AND key = ? AND sort >= ? AND sort < ?',
        this.name,
        index,
        key,
        cleanSort(prefix),
        `${cleanSort(prefix)}\u{10FFFF}`,
      )) as { n: number }[];
      return Number(row?.n ?? 0);
    }
    const [row] = (await store.query('SELECT n FROM record_index_count WHERE ns = ? AND idx = ? AND key = ?', this.name, index, key)) as { n: number }[];
    return Number(row?.n ?? 0);
  }

  async backfill(): Promise<void> {
    const { keyv, store } = await this.opened;
    const table = store.opts.table!;
    const start = keyv._getKeyPrefix('');
    // Rows of this namespace are the keys from `<namespace>:` up to `<namespace>;` (the next character).
    const end = `${start.slice(0, -1)};`;
    let after = start;
    for (;;) {
      // Each batch reads its rows and adds their entries in one write transaction: no writer can change a row in between.
      const last = await this.writer.transaction(async (query) => {
        const rows = (await query(`SELECT key, value FROM ${table} WHERE key > ? AND key < ? ORDER BY key LIMIT 500`, after, end)) as { key: string; value: string }[];
        for (const r of rows) {
          const raw = (await keyv.deserializeData<string>(r.value))?.value;
          if (typeof raw === 'string') await this.changeEntries(query, r.key.slice(start.length), [], safeEntries(this.entriesOf, raw));
        }
        return rows.length ? rows[rows.length - 1].key : undefined;
      });
      if (last === undefined) return;
      after = last;
    }
  }

  async insertMany(records: readonly { readonly key: string; readonly value: string }[]): Promise<void> {
    const { keyv, store } = await this.opened;
    const table = store.opts.table!;
    for (let at = 0; at < records.length; at += ROWS_PER_STATEMENT * 2) {
      const batch = records.slice(at, at + ROWS_PER_STATEMENT * 2);
      const rows: unknown[] = [];
      for (const r of batch) rows.push(keyv._getKeyPrefix(r.key), await keyv.serializeData({ value: r.value }));
      await this.writer.transaction(async (query) => {
        for (let i = 0; i < batch.length; i += ROWS_PER_STATEMENT) {
          const n = Math.min(ROWS_PER_STATEMENT, batch.length - i);
          const inserted = (await query(
            `INSERT INTO ${table} (key, value) VALUES ${Array(n).fill('(?, ?)').join(', ')} ON CONFLICT(key) DO NOTHING RETURNING key`,
            ...rows.slice(i * 2, (i + n) * 2),
          )) as { key: string }[];
          const fresh = new Set(inserted.map((r) => r.key.slice(keyv._getKeyPrefix('').length)));
          const add: [string, IndexRef][] = [];
          for (const r of batch.slice(i, i + n)) if (fresh.has(r.key)) for (const ref of safeEntries(this.entriesOf, r.value)) add.push([r.key, ref]);
          await this.addEntries(query, add);
        }
      });
    }
  }

  /** Removes and adds one record's index rows and updates the counts, inside the caller's transaction. */
  private async changeEntries(query: Query, id: string, remove: readonly IndexRef[], add: readonly IndexRef[]): Promise<void> {
    const delta = new Map<string, { index: string; key: string; n: number }>();
    const tally = (index: string, key: string, n: number) => {
      const name = `${index}\u0000${key}`;
      const d = delta.get(name) ?? { index, key, n: 0 };
      d.n += n;
      delta.set(name, d);
    };
    if (remove.length) {
      const removed = (await query(
        `DELETE FROM record_index WHERE (ns, idx, key, sort, id) IN (VALUES ${remove.map(() => '(?, ?, ?, ?, ?)').join(', ')}) RETURNING idx, key`,
        ...remove.flatMap((r) => [this.name, r.index, r.key, cleanSort(r.sort), id]),
      )) as { idx: string; key: string }[];
      for (const r of removed) tally(r.idx, r.key, -1);
    }
    await this.addEntries(query, add.map((ref) => [id, ref]), tally);
    await this.applyCounts(query, delta);
  }

  /** Adds index rows (each once) and counts the ones that were new. */
  private async addEntries(query: Query, add: readonly (readonly [string, IndexRef])[], tally?: (index: string, key: string, n: number) => void): Promise<void> {
    const delta = new Map<string, { index: string; key: string; n: number }>();
    const count =
      tally ??
      ((index: string, key: string, n: number) => {
        const name = `${index}\u0000${key}`;
        const d = delta.get(name) ?? { index, key, n: 0 };
        d.n += n;
        delta.set(name, d);
      });
    for (let at = 0; at < add.length; at += ROWS_PER_STATEMENT) {
      const batch = add.slice(at, at + ROWS_PER_STATEMENT);
      const added = (await query(
        `INSERT INTO record_index (ns, idx, key, sort, id) VALUES ${batch.map(() => '(?, ?, ?, ?, ?)').join(', ')} ON CONFLICT DO NOTHING RETURNING idx, key`,
        ...batch.flatMap(([id, r]) => [this.name, r.index, r.key, cleanSort(r.sort), id]),
      )) as { idx: string; key: string }[];
      for (const r of added) count(r.idx, r.key, 1);
    }
    if (!tally) await this.applyCounts(query, delta);
  }

  private async applyCounts(query: Query, delta: ReadonlyMap<string, { index: string; key: string; n: number }>): Promise<void> {
    const changed = [...delta.values()].filter((d) => d.n !== 0);
    for (let at = 0; at < changed.length; at += ROWS_PER_STATEMENT) {
      const batch = changed.slice(at, at + ROWS_PER_STATEMENT);
      await query(
        `INSERT INTO record_index_count (ns, idx, key, n) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')} ON CONFLICT(ns, idx, key) DO UPDATE SET n = n + excluded.n`,
        ...batch.flatMap((d) => [this.name, d.index, d.key, d.n]),
      );
    }
  }
}

/**
 * Every write of a SQLite backend in this process, one at a time (SQLite lets one writer at a time
 * into the file anyway), and the connection indexed writes run their transactions on. One at a
 * time matters: node-sqlite3 runs statements on libuv's few worker threads, and a statement waiting
 * for the file's lock sleeps in one; had several writes of this process waited there for a lock
 * this process holds, the holder's next statement (its COMMIT) would find no thread to run on.
 * Other processes wait for the file's write lock up to the busy timeout.
 */
class Writer {
  private readonly queue = new KeyedMutex();

  constructor(private readonly connection: () => Promise<Query>) {}

  /** Runs `work` (a write on any connection of this process) when no other write of this process is running. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run('write', work);
  }

  transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
    return this.queue.run('write', async () => {
      const query = await this.connection();
      await whileBusy(() => query('BEGIN IMMEDIATE'));
      try {
        const result = await work(query);
        await whileBusy(() => query('COMMIT'));
        return result;
      } catch (error) {
        await query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }
}

/** Memory (tests, `memory:`) or SQLite (`sqlite://path`, the default) behind keyv. */
export class KeyvBackend implements IndexedStorageBackend {
  private readonly opened = new Map<string, Promise<OpenNamespace>>();
  private readonly mutex = new KeyedMutex();
  private readonly indexedNamespaces = new Map<string, IndexedCasStore>();
  /** SQLite: the connection indexed writes go through, opened on first use. */
  private writerConnection?: Promise<KeyvSqlite>;
  private readonly writer = new Writer(async () => {
    this.writerConnection ??= this.journalSet().then(async () => {
      const connection = this.connect();
      await whileBusy(() => connection.query(this.wal ? 'PRAGMA synchronous=NORMAL' : 'PRAGMA synchronous=FULL'));
      return connection;
    });
    const store = await this.writerConnection;
    return (sql, ...params) => store.query(sql, ...params) as Promise<unknown[]>;
  });
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
    return this.indexedNamespaces.get(name) ?? this.plainNamespace(name);
  }

  /** A namespace whose records have secondary indexes (`record_index` in SQLite, sorted arrays in memory); the same object for the same name. */
  indexedNamespace(name: string, entriesOf: EntriesOf): IndexedCasStore {
    let store = this.indexedNamespaces.get(name);
    if (!store) {
      const opened = this.open(name);
      store =
        this.kind === 'sqlite'
          ? new SqliteIndexedStore(opened as Promise<SqliteNamespace>, this.writer, this.mutex, name, entriesOf)
          : new MemoryIndexedStore(opened.then((o) => o.keyv), this.mutex, name, entriesOf);
      this.indexedNamespaces.set(name, store);
    }
    return store;
  }

  private plainNamespace(name: string): CasStore {
    const opened = this.open(name);
    return this.kind === 'sqlite'
      ? new SqliteCasStore(opened as Promise<SqliteNamespace>, this.writer, this.mutex, name)
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
    const writer = this.writerConnection;
    this.writerConnection = undefined;
    this.indexedNamespaces.clear();
    await (await writer?.catch(() => undefined))?.disconnect();
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
    await this.journalSet();
    const store = this.connect();
    // WAL with synchronous=NORMAL: about three times the state writes per second of the default journal.
    await whileBusy(() => store.query(this.wal ? 'PRAGMA synchronous=NORMAL' : 'PRAGMA synchronous=FULL'));
    return { keyv: new Keyv<string>({ store, namespace: name, throwOnErrors: true }), store };
  }

  /** Sets the journal mode once, on the first connection, before any other opens. */
  private journalSet(): Promise<void> {
    this.journal ??= (async () => {
      if (this.file !== ':memory:') for (const file of [this.file!, `${this.file}-wal`, `${this.file}-shm`]) privateFile(file, file === this.file);
      const first = this.connect();
      // SQLite answers SQLITE_BUSY at once, without waiting, when another process opens the same
      // new file at the same moment: the switch is tried again for as long as a busy wait lasts.
      await whileBusy(() => first.query(this.wal ? 'PRAGMA journal_mode=WAL' : 'PRAGMA journal_mode=DELETE'));
      // The index tables too, before any other connection of this process opens: a schema change
      // while another connection is between reading and writing fails that one at once (SQLITE_BUSY).
      for (const table of INDEX_TABLES) await whileBusy(() => first.query(table));
      await first.close();
    })();
    return this.journal;
  }

  /**
   * busyTimeout: a connection that finds the file locked by another process (or another
   * namespace's connection) waits up to this long for it, instead of failing with SQLITE_BUSY.
   */
  private connect(): KeyvSqlite {
    const file = this.file!;
    return new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: SQLITE_BUSY_TIMEOUT_MS, iterationLimit: 500, connect: () => openPrepared(file) });
  }
}

/** Distinct statements a connection keeps prepared (the others, such as multi-row inserts of varying length, are prepared each time). */
const PREPARED_PER_CONNECTION = 64;

/**
 * A connection as @keyv/sqlite wants it (`query`, `close`), whose statements are prepared once and
 * run again with new parameters: half the CPU of preparing each one (sqlite3's `db.all`). sqlite3
 * runs the calls on one statement one after the other, each from the start and to its end; a
 * statement that failed to prepare or to run is finalized and prepared again next time.
 */
async function openPrepared(file: string): Promise<{ query: (sql: string, ...params: unknown[]) => Promise<unknown[]>; close: () => Promise<void> }> {
  const db = await new Promise<Database>((resolve, reject) => {
    const opened: Database = new (sqlite3().Database)(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  db.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
  const prepared = new Map<string, Promise<Statement>>();
  const forget = (sql: string, statement: Promise<Statement>) => {
    if (prepared.get(sql) !== statement) return;
    prepared.delete(sql);
    statement.then((s) => s.finalize(), () => undefined);
  };
  const query = (sql: string, ...params: unknown[]) =>
    new Promise<unknown[]>((resolve, reject) => {
      const done = (error: Error | null, rows: unknown[]) => (error ? reject(error) : resolve(rows));
      let statement = prepared.get(sql);
      if (!statement) {
        if (prepared.size >= PREPARED_PER_CONNECTION) return db.all(sql, params, done);
        const preparing = new Promise<Statement>((ready, fail) => {
          const made: Statement = db.prepare(sql, (error: Error | null) => (error ? fail(error) : ready(made)));
        });
        statement = preparing;
        prepared.set(sql, preparing);
        preparing.catch(() => forget(sql, preparing));
      }
      const used = statement;
      used.then(
        (ready) =>
          ready.all(params, (error: Error | null, rows: unknown[]) => {
            // A statement that failed (busy, constraint) is prepared afresh next time.
            if (error) forget(sql, used);
            done(error, rows);
          }),
        reject,
      );
    });
  const close = async () => {
    const all = [...prepared.values()];
    prepared.clear();
    await Promise.all(all.map((statement) => statement.then((s) => new Promise<void>((resolve) => s.finalize(() => resolve())), () => undefined)));
    await new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
  };
  return { query, close };
}

/** The sqlite3 module @keyv/sqlite itself uses (a dependency of it, not of the assistant). */
let sqlite3Module: typeof import('sqlite3') | undefined;
function sqlite3(): typeof import('sqlite3') {
  const require = createRequire(import.meta.url);
  sqlite3Module ??= createRequire(require.resolve('@keyv/sqlite'))('sqlite3') as typeof import('sqlite3');
  return sqlite3Module;
}

/** The index tables (idempotent: any process may be first), created with the journal mode on the first connection. */
const INDEX_TABLES = [
  'CREATE TABLE IF NOT EXISTS record_index (ns TEXT NOT NULL, idx TEXT NOT NULL, key TEXT NOT NULL, sort TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (ns, idx, key, sort, id)) WITHOUT ROWID',
  'CREATE TABLE IF NOT EXISTS record_index_count (ns TEXT NOT NULL, idx TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (ns, idx, key)) WITHOUT ROWID',
];

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
