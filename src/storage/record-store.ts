import { LRUCache } from 'lru-cache';
import type { IndexDefinitions, IndexedRecordStore, PageQuery, RecordPage, RecordStore, Versioned } from '../app/ports.js';
import { fail, ok, type Result } from '../domain/result.js';
import type { CasStore, IndexedCasStore, IndexHit, IndexRef, IndexScan, StorageBackend } from './cas-store.js';
import { cleanSort, MemoryIndex } from './index-support.js';

type Stored<T> = { version: number; value: T };

/** Where a record `get` returned keeps the store and the text it was read from. */
const READ_AS = Symbol('readAs');

/** Index names become part of Redis keys and SQL rows: a ':' could make two indexes overlap. */
const INDEX_NAME = /^[A-Za-z0-9_-]+$/;
/** The most records one page may ask for. */
const MAX_LIMIT = 500;
/** A cursor longer than this was not made here. */
const MAX_CURSOR = 2048;

/**
 * Records as they were last read, parsed once. A read still goes to the store every time; when it
 * returns the same stored text as before (the caller's organization, read on every turn; a list
 * page shown again) the record parsed then is returned again, instead of parsing and collecting
 * the same objects turn after turn. Such a record is shared by everyone who reads it, so it is
 * frozen through and through: a reader that tried to change it in place would fail at once rather
 * than change what another turn sees. Bounded by the text it holds (about 8 MB), for the whole process.
 */
const parsed = new LRUCache<string, { readonly raw: string; readonly record: Versioned<unknown> }>({
  max: 4096,
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (entry) => entry.raw.length + 64,
});

/** Tells record stores apart in `parsed` (two namespaces may hold the same id). */
let stores = 0;

/** Versioned domain records on a compare-and-set store: the version lives beside the value. */
export class CasRecordStore<T> implements RecordStore<T> {
  private readonly serial = `${++stores}\u0000`;

  constructor(protected readonly store: CasStore) {}

  async get(id: string): Promise<Versioned<T> | undefined> {
    const raw = await this.store.get(id);
    return raw === undefined ? undefined : this.decode(id, raw, true);
  }

  /**
   * The record stored as `raw`: the one parsed when this text was last read, or parsed now (and
   * kept for the next read when `keep`). A kept record is frozen, as every record from `parsed` is;
   * one not kept is the caller's own.
   */
  protected decode(id: string, raw: string, keep: boolean): Versioned<T> {
    const key = this.serial + id;
    const hit = parsed.get(key);
    if (hit !== undefined && hit.raw === raw) return hit.record as Versioned<T>;
    const record = toVersioned<T>(id, raw);
    // The stored text stays with the record (hidden), so that writing it back needs no second read.
    Object.defineProperty(record, READ_AS, { value: { store: this, raw } });
    if (!keep) return record;
    parsed.set(key, { raw, record: deepFreeze(record) });
    return record;
  }

  async compareAndSet(id: string, expected: number | Versioned<T>, value: T): Promise<Versioned<T> | undefined> {
    const expectedVersion = typeof expected === 'number' ? expected : expected.version;
    // A record this store read is compared as it was read: the compare-and-set below fails if it changed since.
    const read = typeof expected === 'object' && expected.id === id ? (expected as { [READ_AS]?: { store: unknown; raw: string } })[READ_AS] : undefined;
    let raw: string | undefined;
    if (read?.store === this) raw = read.raw;
    else {
      raw = await this.store.get(id);
      const current = raw === undefined ? 0 : (JSON.parse(raw) as Stored<T>).version;
      if (current !== expectedVersion) return undefined;
    }
    const next: Stored<T> = { version: expectedVersion + 1, value };
    const written = await this.write(id, raw, JSON.stringify(next));
    return written ? { id, ...next } : undefined;
  }

  async delete(id: string, expectedVersion: number): Promise<boolean> {
    const raw = await this.store.get(id);
    if (raw === undefined || (JSON.parse(raw) as Stored<T>).version !== expectedVersion) return false;
    return this.write(id, raw, undefined);
  }

  async *list(): AsyncIterable<Versioned<T>> {
    // A walk over the whole namespace keeps nothing: it would push out the records read every turn.
    for await (const [id, raw] of this.store.entries()) yield this.decode(id, raw, false);
  }

  /** Replaces `raw` (as read) with `next` (undefined: deletes) when it is still the stored value. */
  protected write(id: string, raw: string | undefined, next: string | undefined): Promise<boolean> {
    return this.store.compareAndSet(id, raw, next);
  }
}

/**
 * A record store with secondary indexes. On a backend that keeps indexes (memory, SQLite, Redis)
 * each write changes the record's index entries in the same atomic step as the record, and a page
 * reads only its part of one index. On any other CasStore (a test's stand-in) pages are computed
 * from a scan of the namespace, with the same answers.
 *
 * Every entry read is checked against the record's current value, so an entry a writer of an
 * older definition left behind is skipped, never shown.
 */
export class IndexedCasRecordStore<T, I extends string> extends CasRecordStore<T> implements IndexedRecordStore<T, I> {
  private readonly indexed?: IndexedCasStore;
  private ready?: Promise<void>;

  private constructor(
    store: CasStore | IndexedCasStore,
    private readonly indexes: IndexDefinitions<T>,
    /** Where the backfill records that it ran (absent: a stand-in store without indexes needs none). */
    private readonly meta?: { store: CasStore; key: string },
  ) {
    super(store);
    if ('scan' in store) this.indexed = store;
  }

  /**
   * The records of namespace `name` with `indexes`, on `backend`: kept by the backend when it
   * keeps indexes, computed from scans otherwise. Every later `backend.namespace(name)` writes
   * through the same indexes.
   */
  static open<T, I extends string>(backend: StorageBackend, name: string, indexes: IndexDefinitions<T> & Record<I, unknown>): IndexedCasRecordStore<T, I> {
    for (const index of Object.keys(indexes)) if (!INDEX_NAME.test(index)) throw new Error(`Index name "${index}" must match ${INDEX_NAME}`);
    const entriesOf = (raw: string) => entriesIn(indexes, raw);
    if ('indexedNamespace' in backend && typeof backend.indexedNamespace === 'function') {
      const store = (backend as StorageBackend & { indexedNamespace(n: string, e: typeof entriesOf): IndexedCasStore }).indexedNamespace(name, entriesOf);
      return new IndexedCasRecordStore<T, I>(store, indexes, { store: backend.namespace('__meta'), key: `indexes:${name}` });
    }
    return new IndexedCasRecordStore<T, I>(backend.namespace(name), indexes);
  }

  /**
   * Indexes the records written before these indexes existed, once per set of index names (a
   * renamed or new index is filled again); the entries come from each record as stored at that
   * moment, so running it twice or in two processes at once adds nothing wrong.
   */
  async backfill(): Promise<void> {
    this.ready ??= (async () => {
      if (!this.indexed || !this.meta) return;
      const mark = Object.keys(this.indexes).sort().join(',');
      const done = await this.meta.store.get(this.meta.key);
      if (done === mark) return;
      await this.indexed.backfill();
      await this.meta.store.compareAndSet(this.meta.key, done, mark);
    })();
    // A failed backfill is tried again by the next caller.
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  async page(index: I, key: string, query: PageQuery<T>): Promise<Result<RecordPage<T>>> {
    const limit = Math.min(Math.max(1, Math.floor(query.limit) || 1), MAX_LIMIT);
    // Where the page starts and which way it reads: from the start in the list's order, or from a
    // cursor in the cursor's own direction (a Previous cursor reads the list backwards).
    let from: [string, string] | undefined;
    let descending = !!query.descending;
    let backwards = false;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor);
      if (!decoded) return fail('LIST.BAD_CURSOR', 'common.errors.badCursor');
      [descending, from, backwards] = [decoded.descending, [decoded.sort, decoded.id], decoded.back];
    }
    const hits = await this.scanValid({ index, key, from, descending, prefix: query.prefix, limit: limit + 1 }, query.where, true);
    const more = hits.length > limit;
    const shown = hits.slice(0, limit);
    const [first, last] = [shown[0], shown[shown.length - 1]];
    const records = shown.map((h) => h.record);
    let next: string | undefined;
    let previous: string | undefined;
    if (!backwards) {
      // Onwards from the last record read; back from the first one, unless this page is the first.
      next = more && last ? encodeCursor(descending, last.sort, last.id) : undefined;
      previous = first && from ? encodeCursor(!descending, first.sort, first.id, true) : undefined;
    } else {
      // Read backwards: shown in the list's own order, onwards from the record nearest the cursor,
      // further back from the farthest one while there is more.
      records.reverse();
      next = first ? encodeCursor(!descending, first.sort, first.id) : undefined;
      previous = more && last ? encodeCursor(descending, last.sort, last.id, true) : undefined;
    }
    return ok({ records, ...(next ? { next } : {}), ...(previous ? { previous } : {}) });
  }

  async count(index: I, key: string, prefix?: string): Promise<number> {
    if (this.indexed) {
      await this.backfill();
      return this.indexed.count(index, key, prefix);
    }
    return (await this.scanned()).count(index, key, prefix);
  }

  async *listBy(index: I, key: string, options: { readonly descending?: boolean; readonly prefix?: string; readonly where?: (value: T) => boolean; readonly pageSize?: number } = {}): AsyncIterable<Versioned<T>> {
    let from: [string, string] | undefined;
    const size = Math.min(Math.max(1, Math.floor(options.pageSize ?? 200) || 1), MAX_LIMIT);
    for (;;) {
      const hits = await this.scanValid({ index, key, from, descending: !!options.descending, prefix: options.prefix, limit: size }, options.where, false);
      for (const h of hits) yield h.record;
      if (hits.length < size) return;
      const last = hits[hits.length - 1];
      from = [last.sort, last.id];
    }
  }

  protected override async write(id: string, raw: string | undefined, next: string | undefined): Promise<boolean> {
    if (this.indexed) await this.backfill();
    return super.write(id, raw, next);
  }

  /**
   * Writes records that do not exist yet, in large batches, with their entries (seeding a
   * benchmark or an import); a record whose id exists is left as it is.
   */
  async insertMany(records: readonly { readonly id: string; readonly value: T }[]): Promise<void> {
    const rows = records.map(({ id, value }) => ({ key: id, value: JSON.stringify({ version: 1, value } satisfies Stored<T>) }));
    if (this.indexed) return this.indexed.insertMany(rows);
    for (const row of rows) await this.store.compareAndSet(row.key, undefined, row.value);
  }

  /**
   * Hits of a scan whose record still has that entry; an entry it no longer has (left by an older
   * index definition) is skipped, and with a prefix a record is listed once, at its first matching entry.
   * `keep`: the records read are kept parsed for the next read (a page), or not (a walk over a whole list).
   */
  private async scanValid(scan: IndexScan, where: ((value: T) => boolean) | undefined, keep: boolean): Promise<ValidHit<T>[]> {
    const valid: ValidHit<T>[] = [];
    const entriesOf = this.indexes[scan.index];
    let from = scan.from;
    for (;;) {
      const hits = this.indexed ? (await this.backfill(), await this.indexed.scan({ ...scan, from })) : await this.scanSlow({ ...scan, from });
      for (const hit of hits) {
        if (hit.raw === undefined) continue;
        // Parsed once: the entry's check, the filter and the record returned all read this value.
        const record = this.decode(hit.id, hit.raw, keep);
        // The record's entries in the scanned index only (the other indexes are not read here).
        const own = entriesOf ? entriesOf(record.value).filter((e) => e.key === scan.key) : [];
        const sort = cleanSort(hit.sort);
        if (!own.some((r) => cleanSort(r.sort) === sort)) continue;
        if (scan.prefix !== undefined) {
          const prefix = cleanSort(scan.prefix);
          const firstMatch = own.map((r) => cleanSort(r.sort)).filter((s) => s.startsWith(prefix)).sort()[0];
          if (firstMatch !== sort) continue;
        }
        if (where && !where(record.value)) continue;
        valid.push({ id: hit.id, sort: hit.sort, record });
      }
      if (valid.length >= scan.limit || hits.length < scan.limit) return valid.slice(0, scan.limit);
      const last = hits[hits.length - 1];
      from = [last.sort, last.id];
    }
  }

  /** A stand-in store without indexes: the entries of every record, computed from a scan. */
  private async scanned(): Promise<MemoryIndex> {
    const index = new MemoryIndex();
    for await (const [id, raw] of this.store.entries()) index.apply(id, [], this.entriesOf(raw));
    return index;
  }

  private async scanSlow(scan: IndexScan): Promise<IndexHit[]> {
    const found = (await this.scanned()).scan(scan);
    return Promise.all(found.map(async (e) => ({ ...e, raw: await this.store.get(e.id) })));
  }

  private entriesOf(raw: string): IndexRef[] {
    return entriesIn(this.indexes, raw);
  }
}

/** A hit of an index scan checked against its record: where it sorts, and the record as read. */
interface ValidHit<T> {
  readonly id: string;
  readonly sort: string;
  readonly record: Versioned<T>;
}

/** The entries of a stored record in every index. */
function entriesIn<T>(indexes: IndexDefinitions<T>, raw: string): IndexRef[] {
  const { value } = JSON.parse(raw) as Stored<T>;
  const refs: IndexRef[] = [];
  for (const [index, fn] of Object.entries(indexes)) for (const e of fn(value)) refs.push({ index, key: e.key, sort: cleanSort(e.sort) });
  return refs;
}

function toVersioned<T>(id: string, raw: string): Versioned<T> {
  const stored = JSON.parse(raw) as Stored<T>;
  return { id, version: stored.version, value: stored.value };
}

/** Freezes a parsed JSON tree, every object and array in it. */
function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** A cursor: where the page stopped and which way it went, base64url JSON; `back` marks a cursor to the previous page. */
function encodeCursor(descending: boolean, sort: string, id: string, back = false): string {
  return Buffer.from(JSON.stringify({ d: descending ? 1 : 0, s: sort, i: id, ...(back ? { b: 1 } : {}) })).toString('base64url');
}

/** A cursor's contents, or undefined when it is not one this store made (any client may send anything). */
function decodeCursor(cursor: string): { descending: boolean; sort: string; id: string; back: boolean } | undefined {
  if (typeof cursor !== 'string' || !cursor || cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (!c || typeof c !== 'object' || (c.d !== 0 && c.d !== 1) || typeof c.s !== 'string' || typeof c.i !== 'string' || !c.i) return undefined;
    if (c.b !== undefined && c.b !== 1) return undefined;
    return { descending: c.d === 1, sort: c.s, id: c.i, back: c.b === 1 };
  } catch {
    return undefined;
  }
}
