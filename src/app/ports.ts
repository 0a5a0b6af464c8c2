import type { StatusMail } from './status-mail.js';
import type { Result } from '../domain/result.js';
import type { BackgroundTasks } from './background.js';
import type { Notifier } from './notifier.port.js';
import type { SignedLinks } from './signed-links.port.js';

/** A stored record with the version that compare-and-set checks. */
export interface Versioned<T> {
  readonly id: string;
  readonly version: number;
  readonly value: T;
}

/**
 * Domain records of one type, written with compare-and-set on a version number, so that
 * two concurrent writers never both win.
 */
export interface RecordStore<T> {
  get(id: string): Promise<Versioned<T> | undefined>;
  /**
   * Writes `value` when the stored version is `expected` (0: the record must not exist), or when
   * the record is still `expected` as this store's `get` returned it (which spares the store
   * reading it again). Returns the stored record, or undefined when another writer came first.
   */
  compareAndSet(id: string, expected: number | Versioned<T>, value: T): Promise<Versioned<T> | undefined>;
  /** Removes the record when the stored version is `expectedVersion`; false when it changed or is gone. */
  delete(id: string, expectedVersion: number): Promise<boolean>;
  /** Every record of this type, in no particular order. */
  list(): AsyncIterable<Versioned<T>>;
}

/** One entry a record has in a secondary index: the index key it is listed under, and its place there (ordered by `sort`, then id). */
export interface IndexEntry {
  readonly key: string;
  readonly sort: string;
}

/** The entries one record has in one index (none: the record is not listed there). Pure: the same value gives the same entries. */
export type IndexFunction<T> = (value: T) => readonly IndexEntry[];

/** Named index functions of a record type. */
export type IndexDefinitions<T> = Readonly<Record<string, IndexFunction<T>>>;

/** One page asked of an index: from the start (or after a cursor), ascending or descending, optionally only sort keys with a prefix. */
export interface PageQuery<T = unknown> {
  /** A cursor from a previous page's `next` or `previous`; the page continues past it in its own direction. */
  readonly cursor?: string;
  /** At most this many records (1 to 500). */
  readonly limit: number;
  /** Newest/last first. A cursor carries its own direction and overrides this. */
  readonly descending?: boolean;
  /** Only entries whose sort key starts with this. */
  readonly prefix?: string;
  /** Only records this accepts (read past, not counted: a narrow filter reads more of the index). */
  readonly where?: (value: T) => boolean;
}

/** A page of records in index order, with cursors to the pages after and before it (absent when there is none). */
export interface RecordPage<T> {
  readonly records: readonly Versioned<T>[];
  readonly next?: string;
  readonly previous?: string;
}

/**
 * A record store with secondary indexes kept in the same atomic write as each record, so a list
 * or a search reads one page of its index instead of the whole namespace.
 */
export interface IndexedRecordStore<T, I extends string = string> extends RecordStore<T> {
  /**
   * One page of the records listed under `key` in `index`, in a stable order (sort key, then id).
   * A cursor that is not one this store made is refused (`LIST.BAD_CURSOR`); a stale one (its record
   * changed or went away) still continues from its place.
   */
  page(index: I, key: string, query: PageQuery<T>): Promise<Result<RecordPage<T>>>;
  /** How many records are listed under `key` (with `prefix`: whose sort key starts with it). */
  count(index: I, key: string, prefix?: string): Promise<number>;
  /** Every record listed under `key`, in index order, read `pageSize` (default 200) at a time: a caller that stops early reads no more than it asked for. */
  listBy(index: I, key: string, options?: { readonly descending?: boolean; readonly prefix?: string; readonly where?: (value: T) => boolean; readonly pageSize?: number }): AsyncIterable<Versioned<T>>;
}

/** The index entry of `key` sorted by `sort`, or none when `key` is absent. */
export function entry(key: string | undefined, sort = ''): IndexEntry[] {
  return key ? [{ key, sort }] : [];
}

/** Text as index sort keys and search prefixes compare it: without case, accents or repeated spaces. */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The words of `text`, folded, each once: what a search by word prefix finds a record by. */
export function wordsOf(text: string): string[] {
  return [...new Set(foldText(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean))];
}

/**
 * Search entries under `key`: one per word of `text`, sorted by the word and then `order`, so a
 * typed word finds the records with a word starting with it through the index.
 */
export function wordEntries(key: string | undefined, text: string, order: string): IndexEntry[] {
  return key ? wordsOf(text).map((word) => ({ key, sort: `${word}\u0001${order}` })) : [];
}

/** What claiming a key told the caller: the first claimant goes ahead; a later one sees what the first recorded. */
export type Claim = { readonly first: true } | { readonly first: false; readonly result?: string };

/**
 * Keys claimed once for a while, shared by every instance on the same storage: how a redelivered
 * activity or a second click of the same button is recognized and changes nothing.
 */
export interface OnceStore {
  /**
   * Claims `key` for `ttlMs`; within that time only the first caller gets `first: true`.
   * `final`: the claim is all there will be (a message's delivery): it is never settled, only
   * released if the work fails, so the store keeps nothing of it for later.
   */
  claim(key: string, ttlMs: number, options?: { readonly final?: boolean }): Promise<Claim>;
  /** Records the winner's answer, which later claimants of the key receive, and keeps it for `ttlMs` from now. */
  settle(key: string, result: string, ttlMs: number): Promise<void>;
  /** Gives up an unsettled claim (the work failed), so that a retry may claim the key again. */
  release(key: string): Promise<void>;
}

/**
 * Named leases shared by every instance on the same storage: while one holder's lease runs, nobody
 * else gets it, so work that must run once at a time (a pass of reminders) runs in one instance.
 */
export interface Lease {
  /** Takes the lease, or extends it when the holder has it already, for `ttlMs`; false while another holder's lease runs. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the holder's lease for `ttlMs` from now; false when it is no longer theirs. */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up when the holder has it, so another instance need not wait for it to expire. */
  release(name: string, holder: string): Promise<void>;
}

/** What every journey that sends signed invitation links shares. */
export interface InvitationContext {
  readonly notifier: Notifier;
  /** Status updates by e-mail to the parties' contacts. */
  readonly statusMail: StatusMail;
  readonly tasks: BackgroundTasks;
  readonly clock: Clock;
  /** Signs and checks invitation links. */
  readonly signedLinks: SignedLinks;
  readonly publicBaseUrl: string;
  /** Days an invitation link works. */
  readonly invitationTtlDays: number;
}

/** The instant a use case acts at; tests pass a fixed one. */
export interface Clock {
  now(): Date;
}

/** Reads, changes and writes one record, retrying on a concurrent write so the change applies to the latest state. */
export async function mutate<T>(
  store: RecordStore<T>,
  id: string,
  change: (current: T | undefined) => Result<T>,
  attempts = 8,
): Promise<Result<Versioned<T>>> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await store.get(id);
    const next = change(current?.value);
    if (!next.ok) return next;
    if (current && next.value === current.value) return { ok: true, value: current };
    const saved = await store.compareAndSet(id, current ?? 0, next.value);
    if (saved) return { ok: true, value: saved };
  }
  throw new Error(`Record ${id} kept changing under ${attempts} attempts to update it`);
}

/** What the HTTP server knows of the storage: its kind for /readyz, and whether it answers. */
export interface StorageHealth {
  readonly kind: string;
  ping(): Promise<void>;
  /**
   * Called while requests are read, once their turns are queued to start together at the end of
   * this pass of the event loop (pass-batches.ts): a store whose client sends commands at the end
   * of a pass sends what those turns ask of it at the end of this one (Redis).
   */
  sendWithThisPass?(): void;
}
