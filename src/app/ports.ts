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
   * Writes `value` when the stored version is `expectedVersion` (0: the record must not exist).
   * Returns the stored record, or undefined when another writer came first.
   */
  compareAndSet(id: string, expectedVersion: number, value: T): Promise<Versioned<T> | undefined>;
  /** Removes the record when the stored version is `expectedVersion`; false when it changed or is gone. */
  delete(id: string, expectedVersion: number): Promise<boolean>;
  /** Every record of this type, in no particular order. */
  list(): AsyncIterable<Versioned<T>>;
}

/** What claiming a key told the caller: the first claimant goes ahead; a later one sees what the first recorded. */
export type Claim = { readonly first: true } | { readonly first: false; readonly result?: string };

/**
 * Keys claimed once for a while, shared by every instance on the same storage: how a redelivered
 * activity or a second click of the same button is recognized and changes nothing.
 */
export interface OnceStore {
  /** Claims `key` for `ttlMs`; within that time only the first caller gets `first: true`. */
  claim(key: string, ttlMs: number): Promise<Claim>;
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
    const saved = await store.compareAndSet(id, current?.version ?? 0, next.value);
    if (saved) return { ok: true, value: saved };
  }
  throw new Error(`Record ${id} kept changing under ${attempts} attempts to update it`);
}

/** What the HTTP server knows of the storage: its kind for /readyz, and whether it answers. */
export interface StorageHealth {
  readonly kind: string;
  ping(): Promise<void>;
}
