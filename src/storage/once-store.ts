import { hash } from 'node:crypto';
import type { Claim, OnceStore } from '../app/ports.js';
import type { CasStore } from './cas-store.js';

type Entry = { until: number; result?: string };

/** Time between sweeps of expired entries: a sweep reads the whole namespace, so not often. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** Claims in progress this process remembers its own written value for (turns running at once). */
const MAX_HELD = 10_000;

/**
 * Claim-once keys with an expiry on any compare-and-set store (memory, SQLite, Redis): the
 * compare-and-set makes one claimant win across processes; an expired entry counts as absent
 * and is overwritten by the next claim or removed by a periodic sweep.
 */
export class CasOnceStore implements OnceStore {
  private sweeping?: Promise<void>;
  private lastSweep: number;
  /**
   * The value this process wrote for each claim it holds: settling or releasing it is then one
   * compare-and-set against that value, without reading it back first (another writer in between
   * makes that write fail, and the careful read-then-write path below takes over).
   */
  private readonly held = new Map<string, string>();

  constructor(
    private readonly store: CasStore,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSweep = now();
  }

  async claim(key: string, ttlMs: number, options: { readonly final?: boolean } = {}): Promise<Claim> {
    const id = storageKey(key);
    if (this.now() - this.lastSweep >= SWEEP_EVERY_MS) this.sweepSoon();
    // Most keys are new: one conditional insert claims them without reading first.
    const first = JSON.stringify({ until: this.now() + ttlMs } satisfies Entry);
    // A final claim is not held: a turn per message would keep its value here until 10,000 later
    // turns pushed it out, every one of them outliving the young generation. A release after a
    // failure reads it back first.
    if (await this.store.compareAndSet(id, undefined, first)) return options.final ? { first: true } : this.hold(id, first);
    for (let attempt = 0; attempt < 8; attempt++) {
      const raw = await this.store.get(id);
      const current = parse(raw);
      if (current && current.until > this.now()) return current.result === undefined ? { first: false } : { first: false, result: current.result };
      const next = JSON.stringify({ until: this.now() + ttlMs } satisfies Entry);
      if (await this.store.compareAndSet(id, raw, next)) return options.final ? { first: true } : this.hold(id, next);
    }
    throw new Error(`Claim ${id} kept changing under 8 attempts to take it`);
  }

  async settle(key: string, result: string, ttlMs: number): Promise<void> {
    const id = storageKey(key);
    const written = this.held.get(id);
    this.held.delete(id);
    if (written !== undefined && this.now() < (parse(written)?.until ?? 0)) {
      if (await this.store.compareAndSet(id, written, JSON.stringify({ until: this.now() + ttlMs, result } satisfies Entry))) return;
    }
    for (let attempt = 0; attempt < 8; attempt++) {
      const raw = await this.store.get(id);
      const current = parse(raw);
      // Expired or released meanwhile: nobody waits for this answer any more.
      if (!current || current.until <= this.now()) return;
      if (await this.store.compareAndSet(id, raw, JSON.stringify({ until: this.now() + ttlMs, result } satisfies Entry))) return;
    }
    throw new Error(`Claim ${id} kept changing under 8 attempts to settle it`);
  }

  async release(key: string): Promise<void> {
    const id = storageKey(key);
    const written = this.held.get(id);
    this.held.delete(id);
    if (written !== undefined && (await this.store.compareAndSet(id, written, undefined))) return;
    const raw = await this.store.get(id);
    const current = parse(raw);
    // A settled claim stays: its work is done and its answer is what a retry should get.
    if (!current || current.result !== undefined) return;
    await this.store.compareAndSet(id, raw, undefined);
  }

  /** Removes expired entries; resolves when done (tests call it, claims start it now and then). */
  async sweep(): Promise<void> {
    const now = this.now();
    for await (const [id, raw] of this.store.entries()) {
      const entry = parse(raw);
      if (!entry || entry.until <= now) await this.store.compareAndSet(id, raw, undefined);
    }
  }

  private hold(id: string, written: string): Claim {
    // Bounded: a claim nobody settled (a hung turn) is forgotten here, and settling it reads first.
    if (this.held.size >= MAX_HELD) this.held.delete(this.held.keys().next().value!);
    this.held.set(id, written);
    return { first: true };
  }

  private sweepSoon(): void {
    this.lastSweep = this.now();
    // One sweep at a time; a failed sweep leaves expired entries for the next one, which is harmless.
    this.sweeping ??= this.sweep()
      .catch(() => undefined)
      .finally(() => (this.sweeping = undefined));
  }
}

/** Keys of any length and alphabet become short, uniform storage keys. */
function storageKey(key: string): string {
  // One-shot hashing: the same digest as createHash('sha256').update(key), a fifth of the CPU.
  return hash('sha256', key, 'base64url');
}

function parse(raw: string | undefined): Entry | undefined {
  if (raw === undefined) return undefined;
  try {
    const entry = JSON.parse(raw) as Entry;
    return typeof entry?.until === 'number' ? entry : undefined;
  } catch {
    // Not written by this store: treat as absent, so the next claim replaces it.
    return undefined;
  }
}
