import type { Lease } from '../app/ports.js';
import type { CasStore } from './cas-store.js';

type Held = { holder: string; until: number };

/**
 * Leases on any compare-and-set store (memory, SQLite, Redis): a lease is one record naming its
 * holder and expiry, taken and extended only by compare-and-set on the value read, so of two
 * instances racing for it exactly one wins, in one process or across several.
 */
export class CasLease implements Lease {
  constructor(
    private readonly store: CasStore,
    private readonly now: () => number = Date.now,
  ) {}

  acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.write(name, holder, ttlMs, (held) => !held || held.holder === holder || held.until <= this.now());
  }

  renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.write(name, holder, ttlMs, (held) => held?.holder === holder);
  }

  async release(name: string, holder: string): Promise<void> {
    const raw = await this.store.get(name);
    if (parse(raw)?.holder === holder) await this.store.compareAndSet(name, raw, undefined);
  }

  private async write(name: string, holder: string, ttlMs: number, allowed: (held: Held | undefined) => boolean): Promise<boolean> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const raw = await this.store.get(name);
      if (!allowed(parse(raw))) return false;
      const next: Held = { holder, until: this.now() + ttlMs };
      if (await this.store.compareAndSet(name, raw, JSON.stringify(next))) return true;
    }
    // Eight concurrent writers in a row took it first: someone else holds it now.
    return false;
  }
}

function parse(raw: string | undefined): Held | undefined {
  if (raw === undefined) return undefined;
  try {
    const held = JSON.parse(raw) as Held;
    return typeof held?.holder === 'string' && typeof held.until === 'number' ? held : undefined;
  } catch {
    // Not written by this class: counts as free, and the next acquire replaces it.
    return undefined;
  }
}
