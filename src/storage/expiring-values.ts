import type { ExpiringValue, ExpiringValues } from '../app/shared-state.port.js';
import { overwrite, PeriodicSweep, type CasStore } from './cas-store.js';

/** Time between sweeps of expired values: a sweep reads the whole namespace, so not often. */
const SWEEP_EVERY_MS = 3600_000;

/**
 * Expiring values on any compare-and-set store: the expiry is kept beside the value, an expired
 * value counts as absent, and a periodic sweep removes expired ones.
 */
export class CasExpiringValues implements ExpiringValues {
  private readonly sweeper: PeriodicSweep;

  constructor(
    private readonly store: CasStore,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = new PeriodicSweep(() => this.sweep(), SWEEP_EVERY_MS, now);
  }

  async get(key: string): Promise<ExpiringValue | undefined> {
    return this.live(await this.store.get(key));
  }

  async set(key: string, value: string, expiresAt?: number): Promise<void> {
    this.sweeper.due();
    await overwrite(this.store, key, JSON.stringify(expiresAt === undefined ? { value } : { value, expiresAt }));
  }

  async delete(key: string): Promise<void> {
    await overwrite(this.store, key, undefined);
  }

  async setIfAbsent(key: string, value: string): Promise<string> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const raw = await this.store.get(key);
      const kept = this.live(raw);
      if (kept) return kept.value;
      if (await this.store.compareAndSet(key, raw, JSON.stringify({ value }))) return value;
    }
    throw new Error(`${key} kept changing under 8 attempts to create it`);
  }

  /** Removes expired values; resolves when done. */
  async sweep(): Promise<void> {
    for await (const [key, raw] of this.store.entries()) if (!this.live(raw)) await this.store.compareAndSet(key, raw, undefined);
  }



  private live(raw: string | undefined): ExpiringValue | undefined {
    if (raw === undefined) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<ExpiringValue>;
      if (typeof parsed?.value !== 'string') return undefined;
      if (parsed.expiresAt === undefined) return { value: parsed.value };
      return typeof parsed.expiresAt === 'number' && parsed.expiresAt > this.now() ? { value: parsed.value, expiresAt: parsed.expiresAt } : undefined;
    } catch {
      return undefined;
    }
  }
}
