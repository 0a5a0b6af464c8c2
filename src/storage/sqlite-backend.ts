import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { CasStore, EntriesOf, IndexedCasStore, IndexedStorageBackend, IndexHit, IndexRef, IndexScan } from './cas-store.js';
import { cleanSort, entryChanges, safeEntries } from './index-support.js';

/** better-sqlite3 (CommonJS) through require: importing it by name has Node scan its sources for export names first. */
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/** How long, in all, an operation waits for a lock another connection (another process) holds on the file. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * SQLite's own busy wait (busy_timeout) for one attempt. It sleeps on the event loop's thread, so it
 * stays short: a longer wait goes on asynchronously (whileBusy), letting other turns run meanwhile.
 */
const SQLITE_BUSY_WAIT_MS = 5;

/** Rows per page when a namespace is listed or backfilled: one page is one short statement, then the event loop runs. */
const PAGE_ROWS = 500;

/** Records per transaction of insertMany (seeding a benchmark). */
const INSERT_BATCH = 2000;

/** WAL: the checkpointing thread copies the log back into the file this often, and after this many writes. */
const CHECKPOINT_EVERY_MS = 1000;
const CHECKPOINT_EVERY_WRITES = 500;
/**
 * Frames (pages) of log past which the checkpointing thread copies all of it, making writers wait
 * the moment that takes (about 16 MB of log: under steady writes only, since between bursts a
 * passive checkpoint catches up and the next write starts the log over by itself).
 */
const CHECKPOINT_FULL_FRAMES = 4000;
/** The most index entries one scan reads (the record stores ask for at most 501: a page of 500 and one more). */
const MAX_SCAN_LIMIT = 1000;
/** Bytes the log file is cut back to when SQLite starts it over. */
const WAL_SIZE_LIMIT = 16 * 1024 * 1024;
/** SQLite's own automatic checkpoint (pages of log), used again on the backend's thread if the checkpointing thread fails. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * The table @keyv/sqlite creates, word for word, so that a file written by either opens in the
 * other: one row per key, `key` = `<namespace>:<key>`, `value` = keyv's serialized `{"value":…}`.
 */
const KEYV_TABLE = 'CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )';

/** The secondary indexes: one row per entry, and the number of entries under each (namespace, index, key). */
const INDEX_TABLES = [
  'CREATE TABLE IF NOT EXISTS record_index (ns TEXT NOT NULL, idx TEXT NOT NULL, key TEXT NOT NULL, sort TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (ns, idx, key, sort, id)) WITHOUT ROWID',
  'CREATE TABLE IF NOT EXISTS record_index_count (ns TEXT NOT NULL, idx TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (ns, idx, key)) WITHOUT ROWID',
];

/** A value as keyv 5 serializes it (`{"value":…}`, a string starting with ":" escaped with one more ":"), byte for byte. */
export function keyvEncode(value: string): string {
  return `{"value":${JSON.stringify(value.charCodeAt(0) === 58 ? `:${value}` : value)}}`;
}

/**
 * A stored value as keyv 5 reads it back: undefined for a value that is not a string (keyv's
 * Buffer and other types, never written here) or whose keyv expiry has passed.
 */
export function keyvDecode(raw: string): string | undefined {
  const data = JSON.parse(raw) as { value?: unknown; expires?: unknown } | null;
  if (typeof data?.expires === 'number' && Date.now() > data.expires) return undefined;
  const value = data?.value;
  if (typeof value !== 'string' || value.startsWith(':base64:')) return undefined;
  return value.charCodeAt(0) === 58 ? value.slice(1) : value;
}

/** The row key keyv gives `key` in `namespace` (a key that already starts with `<namespace>:` is kept as it is, as keyv does). */
function rowKey(prefix: string, key: string): string {
  return key.startsWith(prefix) ? key : prefix + key;
}

type Statement = BetterSqlite3.Statement<unknown[]>;

/**
 * The backend's one connection and its statements, each prepared once. Every statement runs
 * synchronously on the calling thread (a few µs), so the steps of one operation run with nothing
 * of this process in between; other processes are kept out by the conditional statements and by
 * `BEGIN IMMEDIATE` transactions.
 */
class Connection {
  private readonly statements = new Map<string, Statement>();
  readonly value: Statement;
  readonly insert: Statement;
  readonly updateIf: Statement;
  readonly deleteIf: Statement;
  readonly update: Statement;
  readonly delete: Statement;
  readonly firstPage: Statement;
  readonly nextPage: Statement;
  readonly removeEntry: Statement;
  readonly addEntry: Statement;
  readonly addCount: Statement;
  readonly count: Statement;
  readonly countPrefix: Statement;
  private readonly transaction: BetterSqlite3.Transaction<(work: () => unknown) => unknown>;
  private readonly begin: Statement;
  private readonly commit: Statement;
  /** Whether the read transaction of this turn of the event loop is open (see `read`). */
  private reading = false;

  constructor(readonly db: BetterSqlite3.Database) {
    this.value = db.prepare('SELECT value FROM keyv WHERE key = ?').pluck();
    this.insert = db.prepare('INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING');
    this.updateIf = db.prepare('UPDATE keyv SET value = ? WHERE key = ? AND value = ?');
    this.deleteIf = db.prepare('DELETE FROM keyv WHERE key = ? AND value = ?');
    this.update = db.prepare('UPDATE keyv SET value = ? WHERE key = ?');
    this.delete = db.prepare('DELETE FROM keyv WHERE key = ?');
    // A namespace's rows are the keys from `<namespace>:` up to `<namespace>;` (the next character).
    this.firstPage = db.prepare('SELECT key, value FROM keyv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?');
    this.nextPage = db.prepare('SELECT key, value FROM keyv WHERE key > ? AND key < ? ORDER BY key LIMIT ?');
    this.removeEntry = db.prepare('DELETE FROM record_index WHERE ns = ? AND idx = ? AND key = ? AND sort = ? AND id = ?');
    this.addEntry = db.prepare('INSERT INTO record_index (ns, idx, key, sort, id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.addCount = db.prepare('INSERT INTO record_index_count (ns, idx, key, n) VALUES (?, ?, ?, ?) ON CONFLICT(ns, idx, key) DO UPDATE SET n = n + excluded.n');
    this.count = db.prepare('SELECT n FROM record_index_count WHERE ns = ? AND idx = ? AND key = ?').pluck();
    this.countPrefix = db.prepare('SELECT COUNT(DISTINCT id) FROM record_index WHERE ns = ? AND idx = ? AND key = ? AND sort >= ? AND sort < ?').pluck();
    this.transaction = db.transaction((work: () => unknown) => work());
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
  }

  /**
   * Before a read: the reads of one turn of the event loop (every request that came in together,
   * and each turn they start, up to their first wait) share one read transaction, which ends when
   * the loop moves on. Each statement outside a transaction takes and drops the file's shared lock
   * by itself (two fcntl calls and a stat in WAL mode, about 5 µs: more than most reads); so they
   * take it once. They also read one snapshot of the file, as a transaction does.
   */
  read(): void {
    if (this.reading || this.db.inTransaction) return;
    this.begin.run();
    this.reading = true;
    setImmediate(() => this.endRead());
  }

  /** Before a write, and when the loop moves on: ends the shared read transaction, so that a write starts from the latest state of the file. */
  endRead(): void {
    if (!this.reading) return;
    this.reading = false;
    if (!this.db.inTransaction) return;
    try {
      this.commit.run();
    } catch {
      // It only read, so nothing is lost: what matters is that no later write runs inside it.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    }
  }

  /** A statement built at run time (index scans: a handful of shapes), prepared on first use and kept. */
  prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /** Runs `work` in one `BEGIN IMMEDIATE` transaction: committed when it returns, rolled back when it throws. */
  immediate<T>(work: () => T): T {
    return this.transaction.immediate(work) as T;
  }

  /** Inside a transaction: runs `work` under a savepoint, so that when it throws only its own changes are undone. */
  savepoint<T>(work: () => T): T {
    return this.transaction(work) as T;
  }

  close(): void {
    this.endRead();
    this.db.close();
  }
}

/** A write waiting for the next group commit (see SqliteBackend.run). */
interface PendingWrite {
  readonly work: (connection: Connection) => unknown;
  readonly writes: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** SQLITE_BUSY (and its extended codes): another connection holds a lock this statement needs. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code.startsWith('SQLITE_BUSY') : /database is locked/.test(String((error as Error)?.message));
}

/** SQLite's errors worded as before (`SQLITE_NOTADB: file is not a database`): the code, then SQLite's message. */
function worded(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (error instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_') && !error.message.startsWith(code)) error.message = `${code}: ${error.message}`;
  return error;
}

/**
 * Runs `work` (synchronous) and, while another connection holds the file's lock, runs it again
 * after a short pause (2 ms, doubling up to 50 ms) for at most SQLITE_BUSY_TIMEOUT_MS in all; then
 * fails saying so. An attempt that met SQLITE_BUSY changed nothing (a statement or a transaction
 * that fails is rolled back), so running it again is safe.
 */
async function whileBusy<T>(file: string, work: () => T, started?: number): Promise<T> {
  let deadline = started === undefined ? 0 : started + SQLITE_BUSY_TIMEOUT_MS;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error)) throw worded(error);
      const now = Date.now();
      deadline ||= now + SQLITE_BUSY_TIMEOUT_MS;
      if (now >= deadline) {
        throw new Error(`SQLITE_BUSY: ${file} stayed locked by another connection for ${SQLITE_BUSY_TIMEOUT_MS / 1000} s (${(error as Error).message})`, { cause: error });
      }
      await pause(Math.min(delay, deadline - now));
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The thread that checkpoints a WAL file (sqlite-checkpoint-worker.ts). With it, no statement on the
 * backend's thread syncs the file to disk: commits in WAL with synchronous=NORMAL do not, and
 * SQLite's automatic checkpoint, which does, is turned off on the backend's connection. The thread
 * starts after the first CHECKPOINT_EVERY_WRITES writes (a backend that writes less, such as a
 * command that changes one key, leaves the log to the checkpoint SQLite makes when it closes).
 */
class Checkpointer {
  private writes = 0;
  private worker?: Worker;
  private exited?: Promise<void>;
  private stopped = false;

  /** `failed` runs if the thread cannot start or stops on an error (the caller then checkpoints itself). */
  constructor(
    private readonly file: string,
    private readonly failed: () => void,
  ) {}

  /** Counts `n` writes; every CHECKPOINT_EVERY_WRITES, asks for a checkpoint without waiting for it. */
  wrote(n: number): void {
    this.writes += n;
    if (this.writes < CHECKPOINT_EVERY_WRITES || this.stopped) return;
    this.writes = 0;
    if (this.worker) this.worker.postMessage('checkpoint');
    else this.start();
  }

  /** Lets the thread close its connection and end (stopped outright if it has not within a second). */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    if (!worker) return;
    // Held open until the thread ends: a process whose last work is closing the store waits for it.
    worker.ref();
    worker.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([this.exited!.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1000)))]);
    clearTimeout(timer);
    if (!ended) await worker.terminate();
  }

  private start(): void {
    try {
      const worker = new Worker(new URL('./sqlite-checkpoint-worker.js', import.meta.url), {
        workerData: { file: this.file, everyMs: CHECKPOINT_EVERY_MS, fullFrames: CHECKPOINT_FULL_FRAMES },
        // It only runs pragmas: a small heap keeps the thread's memory small (running out ends it, handled below).
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
      });
      // It never keeps the process alive, and an error in it is the backend's to handle, not a crash.
      worker.unref();
      // An error ends the thread too: either way, past this the backend checkpoints by itself.
      worker.on('error', () => undefined);
      this.exited = new Promise<void>((resolve) =>
        worker.once('exit', () => {
          if (!this.stopped) {
            this.stopped = true;
            this.failed();
          }
          resolve();
        }),
      );
      this.worker = worker;
    } catch {
      this.stopped = true;
      this.failed();
    }
  }
}

/**
 * SQLite (`sqlite://path`, the default) on one better-sqlite3 connection per backend. The file
 * keeps @keyv/sqlite's format (table `keyv`, rows `<namespace>:<key>` → `{"value":…}`), so files
 * written before open and read the same, and the `record_index` tables of the secondary indexes.
 * WAL with synchronous=NORMAL (`wal: false`: journal_mode=DELETE, only to measure the difference).
 * Several processes may open the same file.
 */
export class SqliteBackend implements IndexedStorageBackend {
  readonly kind = 'sqlite' as const;
  private connection?: Connection;
  private checkpointer?: Checkpointer;
  /** Set while a write waits for a lock another connection holds; other writes wait for it to settle. */
  private gate?: Promise<void>;
  /** Writes asked for since the last commit, committed together when the event loop has read what else came in (see run). */
  private pending?: PendingWrite[];
  private opening?: Promise<Connection>;
  private closed = false;
  private readonly plain = new Map<string, SqliteCasStore>();
  private readonly indexed = new Map<string, SqliteIndexedStore>();

  private constructor(
    readonly file: string,
    private readonly wal: boolean,
  ) {}

  /**
   * A SQLite file, created with its folder on first use. The folder is made 0700 and the file 0600
   * (SQLite gives its `-wal` and `-shm` the file's mode). The file opens on the first operation.
   */
  static open(file: string, options: { wal?: boolean } = {}): SqliteBackend {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    return new SqliteBackend(file, options.wal ?? true);
  }

  namespace(name: string): CasStore {
    let store: SqliteCasStore | undefined = this.indexed.get(name) ?? this.plain.get(name);
    if (!store) this.plain.set(name, (store = new SqliteCasStore(this, name)));
    return store;
  }

  /** A namespace whose records have secondary indexes in `record_index`; the same object for the same name. */
  indexedNamespace(name: string, entriesOf: EntriesOf): IndexedCasStore {
    let store = this.indexed.get(name);
    if (!store) this.indexed.set(name, (store = new SqliteIndexedStore(this, name, entriesOf)));
    return store;
  }

  async ping(): Promise<void> {
    const meta = this.namespace('__meta');
    const stamp = new Date().toISOString();
    await meta.compareAndSet('ping', await meta.get('ping'), stamp);
    if ((await meta.get('ping')) !== stamp) throw new Error('the store did not keep a value it was given');
  }

  /** Closes the connection (idempotent); operations after it fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    // Writes asked for before close are committed before it.
    this.commitPending();
    this.closed = true;
    // A connection still opening is closed by open() once it is there.
    await this.opening?.catch(() => undefined);
    const checkpointer = this.checkpointer;
    this.checkpointer = undefined;
    await checkpointer?.stop();
    const connection = this.connection;
    this.connection = undefined;
    // The last connection to the file checkpoints the log into it as it closes.
    connection?.close();
  }

  /**
   * Runs `work` on the connection (opened on first use), again while another process holds the
   * file's lock (see whileBusy). `writes`: how many rows it writes (0 for a read).
   *
   * Group commit: a read runs at once; a write waits for the event loop to read the requests that
   * have arrived, and the writes they asked for meanwhile are committed in one transaction, each
   * under its own savepoint (one that fails is undone alone and fails alone). A commit costs more
   * than the statements it commits, so under load a write costs a third to a half of its own
   * transaction. A write that finds the file locked by another process takes the path below.
   */
  async run<T>(work: (connection: Connection) => T, writes = 0): Promise<T> {
    if (!this.connection) await this.open();
    if (!writes || this.gate) return this.runNow(work, writes);
    return new Promise<T>((resolve, reject) => {
      if (!this.pending) {
        this.pending = [];
        setImmediate(() => this.commitPending());
      }
      this.pending.push({ work, writes, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Commits the writes asked for so far (see run) in one transaction; a write that throws leaves nothing behind. */
  private commitPending(): void {
    const batch = this.pending;
    this.pending = undefined;
    if (!batch?.length) return;
    const connection = this.connection;
    if (!connection || this.gate) {
      for (const write of batch) this.runNow(write.work, write.writes).then(write.resolve, write.reject);
      return;
    }
    const outcomes: { value?: unknown; error?: unknown }[] = [];
    const alone = batch.length === 1;
    try {
      connection.endRead();
      connection.immediate(() => {
        // Alone, a write that throws rolls the transaction back and fails below.
        if (alone) return void outcomes.push({ value: batch[0].work(connection) });
        for (const write of batch) {
          try {
            outcomes.push({ value: connection.savepoint(() => write.work(connection)) });
          } catch (error) {
            // Another process's lock: the whole batch is undone and each write takes the waiting path.
            if (isBusy(error)) throw error;
            outcomes.push({ error });
          }
        }
      });
    } catch (error) {
      // Nothing was committed: locked by another process (each write then waits for the lock on
      // its own, as a lone write does), or the commit itself failed (each write fails with it).
      if (isBusy(error)) for (const write of batch) this.runNow(write.work, write.writes).then(write.resolve, write.reject);
      else for (const write of batch) write.reject(worded(error));
      return;
    }
    this.checkpointer?.wrote(batch.reduce((n, write) => n + write.writes, 0));
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if ('error' in outcome) write.reject(worded(outcome.error));
      else write.resolve(outcome.value);
    });
  }

  /** Runs `work` now, or while another process holds the lock, as soon as it lets go. */
  private async runNow<T>(work: (connection: Connection) => T, writes: number): Promise<T> {
    if (!this.connection) await this.open();
    let started: number | undefined;
    // Reads do not wait for the write lock (WAL), so only writes queue behind one that waits for it.
    while (writes && this.gate) {
      started ??= Date.now();
      await this.gate;
    }
    // A read joins the loop turn's read transaction; a write ends it first (each time it is tried).
    const attempt = () => {
      const connection = this.live();
      if (writes) connection.endRead();
      else connection.read();
      return work(connection);
    };
    let result: T;
    try {
      result = attempt();
    } catch (error) {
      if (!isBusy(error)) throw worded(error);
      started ??= Date.now();
      if (!writes) return pause(2).then(() => whileBusy(this.file, attempt, started));
      // The file is locked: this write waits for it, and the writes that come meanwhile wait
      // behind it rather than each sleeping in SQLite's busy wait on this thread.
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      this.gate = gate;
      try {
        await pause(2);
        result = await whileBusy(this.file, attempt, started);
      } finally {
        if (this.gate === gate) this.gate = undefined;
        open();
      }
    }
    if (writes) this.checkpointer?.wrote(writes);
    return result;
  }

  private live(): Connection {
    if (!this.connection) throw new Error(`SQLite ${this.file} is closed`);
    return this.connection;
  }

  private open(): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error(`SQLite ${this.file} is closed`));
    this.opening ??= this.connect().then(
      (connection) => {
        if (this.closed) {
          connection.close();
          throw new Error(`SQLite ${this.file} is closed`);
        }
        this.connection = connection;
        if (this.wal && this.file !== ':memory:') this.checkpointOffThread(connection);
        return connection;
      },
      (error: unknown) => {
        // The next operation tries again (the folder may have been fixed meanwhile).
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  /** Moves checkpoints to a thread of their own; if it fails, SQLite checkpoints on this connection again. */
  private checkpointOffThread(connection: Connection): void {
    connection.db.pragma('wal_autocheckpoint = 0');
    connection.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    this.checkpointer = new Checkpointer(this.file, () => {
      if (this.connection === connection) connection.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    });
  }

  private async connect(): Promise<Connection> {
    const file = this.file;
    if (file !== ':memory:') for (const name of [file, `${file}-wal`, `${file}-shm`]) privateFile(name, name === file);
    let db: BetterSqlite3.Database;
    try {
      db = new Database(file, { timeout: SQLITE_BUSY_WAIT_MS });
    } catch (error) {
      throw worded(error);
    }
    try {
      // SQLite answers SQLITE_BUSY at once, without waiting, when another process opens the same
      // new file at the same moment: the switch is tried again (whileBusy).
      await whileBusy(file, () => db.pragma(this.wal ? 'journal_mode = WAL' : 'journal_mode = DELETE'));
      // WAL with synchronous=NORMAL: about three times the state writes per second of the default journal.
      await whileBusy(file, () => db.pragma(this.wal ? 'synchronous = NORMAL' : 'synchronous = FULL'));
      for (const table of [KEYV_TABLE, ...INDEX_TABLES]) await whileBusy(file, () => db.exec(table));
      return await whileBusy(file, () => new Connection(db));
    } catch (error) {
      db.close();
      throw error;
    }
  }
}

/**
 * A namespace of the SQLite file. compare-and-set is one conditional statement in the usual case
 * (`INSERT … ON CONFLICT DO NOTHING`, `UPDATE … WHERE value = ?`, `DELETE … WHERE value = ?`), so
 * SQLite itself decides which of two processes wins.
 */
class SqliteCasStore implements CasStore {
  protected readonly prefix: string;

  constructor(
    protected readonly backend: SqliteBackend,
    protected readonly name: string,
  ) {
    this.prefix = `${name}:`;
  }

  get(key: string): Promise<string | undefined> {
    const row = rowKey(this.prefix, key);
    return this.backend.run((c) => {
      const raw = c.value.get(row) as string | undefined;
      return raw === undefined ? undefined : keyvDecode(raw);
    });
  }

  compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    const row = rowKey(this.prefix, key);
    const written = next === undefined ? undefined : keyvEncode(next);
    const stored = expected === undefined ? undefined : keyvEncode(expected);
    return this.backend.run((c) => {
      // The usual case in one statement: the row as this store would have written the expected
      // value (or no row). When it changes nothing, the row is read and compared below, since it
      // may hold the expected value serialized otherwise (an expiry keyv wrote, say).
      if (stored !== undefined || written !== undefined) {
        const direct = stored === undefined ? c.insert.run(row, written) : written === undefined ? c.deleteIf.run(row, stored) : c.updateIf.run(written, row, stored);
        if (direct.changes === 1) return true;
      }
      const found = c.value.get(row) as string | undefined;
      if ((found === undefined ? undefined : keyvDecode(found)) !== expected) return false;
      if (found === undefined && written === undefined) return true;
      // The statement names the row as it was read: another process that changed it meanwhile makes it change nothing.
      const changed = found === undefined ? c.insert.run(row, written) : written === undefined ? c.deleteIf.run(row, found) : c.updateIf.run(written, row, found);
      return changed.changes === 1;
    }, 1);
  }

  /** Every key and value, a page of rows by key at a time, the event loop running between pages. */
  async *entries(): AsyncIterable<[string, string]> {
    for await (const page of this.pages()) {
      for (const [key, raw] of page) {
        const value = keyvDecode(raw);
        if (value !== undefined) yield [key, value];
      }
    }
  }

  /** The namespace's rows in pages of PAGE_ROWS, keys without the prefix, each page read by one statement. */
  protected async *pages(): AsyncIterable<[string, string][]> {
    const end = `${this.name};`;
    let after: string | undefined;
    for (;;) {
      const from = after;
      const rows = await this.backend.run(
        (c) => (from === undefined ? c.firstPage.all(this.prefix, end, PAGE_ROWS) : c.nextPage.all(from, end, PAGE_ROWS)) as { key: string; value: string }[],
      );
      if (!rows.length) return;
      yield rows.map((r) => [r.key.slice(this.prefix.length), r.value]);
      if (rows.length < PAGE_ROWS) return;
      after = rows[rows.length - 1].key;
      await nextTurn();
    }
  }
}

/**
 * A namespace with secondary indexes in `record_index` (one row per entry: namespace, index, key,
 * sort, record id) and their sizes in `record_index_count`. A write that moves entries is one
 * `BEGIN IMMEDIATE` transaction: read the row, compare, write the row and its index rows, commit;
 * so a writer that loses writes neither, and readers see both or neither.
 */
class SqliteIndexedStore extends SqliteCasStore implements IndexedCasStore {
  constructor(
    backend: SqliteBackend,
    name: string,
    private readonly entriesOf: EntriesOf,
  ) {
    super(backend, name);
  }

  override compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    const { remove, add } = entryChanges(this.entriesOf, expected, next);
    // A change that moves no entry (most updates) is the plain conditional statement, without a transaction.
    if (!remove.length && !add.length) return super.compareAndSet(key, expected, next);
    const row = rowKey(this.prefix, key);
    const written = next === undefined ? undefined : keyvEncode(next);
    return this.backend.run((c) =>
      c.immediate(() => {
        const found = c.value.get(row) as string | undefined;
        if ((found === undefined ? undefined : keyvDecode(found)) !== expected) return false;
        if (found === undefined && written === undefined) return true;
        if (written === undefined) c.delete.run(row);
        else if (found === undefined) c.insert.run(row, written);
        else c.update.run(written, row);
        this.changeEntries(c, key, remove, add);
        return true;
      }),
      1,
    );
  }

  async scan(q: IndexScan): Promise<IndexHit[]> {
    const where = ['i.ns = ?', 'i.idx = ?', 'i.key = ?'];
    const params: unknown[] = [this.prefix, this.name, q.index, q.key];
    if (q.from) {
      where.push(q.descending ? '(i.sort, i.id) < (?, ?)' : '(i.sort, i.id) > (?, ?)');
      params.push(cleanSort(q.from[0]), q.from[1]);
    }
    if (q.prefix) {
      where.push('i.sort >= ?', 'i.sort < ?');
      params.push(cleanSort(q.prefix), `${cleanSort(q.prefix)}\u{10FFFF}`);
    }
    const order = q.descending ? 'DESC' : 'ASC';
    // The limit is written into the statement: bound as a parameter it costs SQLite about 6 µs more
    // on every run (SQLite 3.53). The lists ask for a handful of sizes (a page and one more, a
    // walk's batch), each prepared once.
    const limit = q.limit;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_SCAN_LIMIT) throw new Error(`An index scan reads 1 to ${MAX_SCAN_LIMIT} entries, not ${limit}`);
    const sql = `SELECT i.sort AS sort, i.id AS id, k.value AS value FROM record_index i LEFT JOIN keyv k ON k.key = ? || i.id WHERE ${where.join(' AND ')} ORDER BY i.sort ${order}, i.id ${order} LIMIT ${limit}`;
    const rows = await this.backend.run((c) => c.prepared(sql).all(...params) as { sort: string; id: string; value: string | null }[]);
    return rows.map((r) => ({ sort: r.sort, id: r.id, raw: r.value === null ? undefined : keyvDecode(r.value) }));
  }

  count(index: string, key: string, prefix?: string): Promise<number> {
    return this.backend.run((c) =>
      Number((prefix ? c.countPrefix.get(this.name, index, key, cleanSort(prefix), `${cleanSort(prefix)}\u{10FFFF}`) : c.count.get(this.name, index, key)) ?? 0),
    );
  }

  async backfill(): Promise<void> {
    const end = `${this.name};`;
    let after: string | undefined;
    for (;;) {
      const from = after;
      // Each page reads its rows and adds their entries in one write transaction: no writer can change a row in between.
      const last = await this.backend.run((c) =>
        c.immediate(() => {
          const rows = (from === undefined ? c.firstPage.all(this.prefix, end, PAGE_ROWS) : c.nextPage.all(from, end, PAGE_ROWS)) as { key: string; value: string }[];
          for (const r of rows) {
            const raw = keyvDecode(r.value);
            if (raw !== undefined) this.changeEntries(c, r.key.slice(this.prefix.length), [], safeEntries(this.entriesOf, raw));
          }
          return rows.length === PAGE_ROWS ? rows[rows.length - 1].key : undefined;
        }),
        PAGE_ROWS,
      );
      if (last === undefined) return;
      after = last;
      await nextTurn();
    }
  }

  async insertMany(records: readonly { readonly key: string; readonly value: string }[]): Promise<void> {
    for (let at = 0; at < records.length; at += INSERT_BATCH) {
      const batch = records.slice(at, at + INSERT_BATCH).map((r) => ({ key: r.key, row: rowKey(this.prefix, r.key), value: r.value, stored: keyvEncode(r.value) }));
      await this.backend.run((c) =>
        c.immediate(() => {
          const delta = new Tally();
          for (const r of batch) {
            // A key that exists is left as it is, with its entries.
            if (c.insert.run(r.row, r.stored).changes !== 1) continue;
            for (const ref of safeEntries(this.entriesOf, r.value)) if (c.addEntry.run(this.name, ref.index, ref.key, cleanSort(ref.sort), r.key).changes) delta.add(ref.index, ref.key, 1);
          }
          delta.apply(c, this.name);
        }),
        batch.length,
      );
      await nextTurn();
    }
  }

  /** Removes and adds one record's index rows and updates the counts, inside the caller's transaction. */
  private changeEntries(c: Connection, id: string, remove: readonly IndexRef[], add: readonly IndexRef[]): void {
    const delta = new Tally();
    for (const r of remove) if (c.removeEntry.run(this.name, r.index, r.key, cleanSort(r.sort), id).changes) delta.add(r.index, r.key, -1);
    for (const r of add) if (c.addEntry.run(this.name, r.index, r.key, cleanSort(r.sort), id).changes) delta.add(r.index, r.key, 1);
    delta.apply(c, this.name);
  }
}

/** Changes to the entry counts of (index, key), summed, then written once each. */
class Tally {
  private readonly delta = new Map<string, { index: string; key: string; n: number }>();

  add(index: string, key: string, n: number): void {
    const name = `${index}\u0000${key}`;
    const d = this.delta.get(name);
    if (d) d.n += n;
    else this.delta.set(name, { index, key, n });
  }

  apply(c: Connection, ns: string): void {
    for (const d of this.delta.values()) if (d.n !== 0) c.addCount.run(ns, d.index, d.key, d.n);
  }
}

/** Narrows `file` to 0600 if it is ours and wider; `create`: first creates it empty with 0600 if absent. */
function privateFile(file: string, create: boolean): void {
  if (create) closeSync(openSync(file, 'a', 0o600));
  else if (!existsSync(file)) return;
  const { mode, uid } = statSync(file);
  if ((mode & 0o077) !== 0 && uid === process.getuid?.()) chmodSync(file, 0o600);
}
